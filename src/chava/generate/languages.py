"""Synthetic data in any language: the generated texts rewritten for the languages asked for.

The generator writes its texts in French, English, Dutch and German (its word lists). For
`chava generate --languages fi,en` each group of tagged texts of one statement (subject,
property, graph) becomes one text per asked language: the generator's own text in that
language when it has one, else a pseudo-translation of the English text into the language's
script (Arabic letters for `ar`, Han characters for `zh-Hans`, accented Latin letters for `fi`
or `es`...). Pseudo-translations exercise scripts, directions and language handling; they do
not mean anything, like the made-up names they sit beside. The same options give the same
bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pyoxigraph as ox

from chava.generate import vocabulary as v

_LATIN: Final = str.maketrans("aeiouncyAEIOUNCY", "áéíóúñçýÁÉÍÓÚÑÇÝ")
_SCRIPTS: Final[dict[str, str]] = {
    "arabic": "ابكديفغهيجكلمنوبقرستوفوكيز",
    "hebrew": "אבכדעפגהיגכלמנופקרסתוווקיז",
    "cyrillic": "абкдефгхийклмнопкрстуввкыз",
    "greek": "αβκδεφγηιικλμνοπκρστυβωξυζ",
    "han": "学习城市文化图书馆青年健康教育社区艺术科学语言遗产包容指导家庭环境食品工作历史未来",
    "hangul": "가나다라마바사아자차카타파하거너더러머버서어저처커터",
    "devanagari": "अबकदएफगहइजकलमनओपकरसतउववकयज",
}
"""One character per Latin letter a-z, per script (Han and Hangul: one syllable per letter)."""

_SCRIPT_OF_LANGUAGE: Final[dict[str, str]] = {
    **dict.fromkeys(("ar", "fa", "ur", "ps", "ckb", "sd", "ug"), "arabic"),
    **dict.fromkeys(("he", "yi"), "hebrew"),
    **dict.fromkeys(("ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg"), "cyrillic"),
    "el": "greek",
    **dict.fromkeys(("zh", "ja", "yue"), "han"),
    "ko": "hangul",
    **dict.fromkeys(("hi", "mr", "ne"), "devanagari"),
}
_SCRIPT_SUBTAGS: Final[dict[str, str]] = {
    "arab": "arabic",
    "hebr": "hebrew",
    "cyrl": "cyrillic",
    "grek": "greek",
    "hans": "han",
    "hant": "han",
    "jpan": "han",
    "kore": "hangul",
    "deva": "devanagari",
    "latn": "latin",
}
_LANGUAGE_VALUES: Final = frozenset(
    term.strip("<>") for term in (v.AVAILABLE_LANGUAGE, v.IN_LANGUAGE, v.KNOWS_LANGUAGE, v.LANGUAGE)
)
"""Properties whose plain literals are language codes (`"fr"`): moved to the asked ones."""


def script_of(tag: str) -> str:
    """The script a language's pseudo-translations are written in (`latin` by default)."""
    subtags = tag.lower().split("-")
    for subtag in subtags[1:]:
        if subtag in _SCRIPT_SUBTAGS:
            return _SCRIPT_SUBTAGS[subtag]
    return _SCRIPT_OF_LANGUAGE.get(subtags[0], "latin")


def pseudo_translate(text: str, tag: str) -> str:
    """*text* (English) written in the script of language *tag*; digits and marks are kept."""
    script = script_of(tag)
    if script == "latin":
        return text.translate(_LATIN)
    letters = _SCRIPTS[script]
    rewritten = "".join(
        letters[ord(character) - ord("a")] if "a" <= character <= "z" else character
        for character in text.lower()
    )
    return rewritten.replace(" ", "") if script == "han" else rewritten


def relabel(chunk: str, languages: Sequence[str]) -> str:
    """Rewrite an N-Quads *chunk* so its tagged texts are in *languages*, in that order."""
    quads = list(ox.parse(chunk.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    groups: dict[tuple[object, ...], dict[str, str]] = {}
    for quad in quads:
        if isinstance(quad.object, ox.Literal) and quad.object.language:
            key = (quad.subject, quad.predicate, quad.graph_name)
            groups.setdefault(key, {}).setdefault(quad.object.language, quad.object.value)
    written: list[ox.Quad] = []
    done: set[tuple[object, ...]] = set()
    for quad in quads:
        value = quad.object
        if isinstance(value, ox.Literal) and value.language:
            key = (quad.subject, quad.predicate, quad.graph_name)
            if key not in done:
                done.add(key)
                written.extend(
                    ox.Quad(quad.subject, quad.predicate, literal, quad.graph_name)
                    for literal in _texts(groups[key], languages)
                )
        elif isinstance(value, ox.Literal) and quad.predicate.value in _LANGUAGE_VALUES:
            written.append(
                ox.Quad(quad.subject, quad.predicate, ox.Literal(languages[0]), quad.graph_name)
            )
        else:
            written.append(quad)
    unique = list(dict.fromkeys(written))
    return (ox.serialize(unique, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")


def _texts(by_language: dict[str, str], languages: Sequence[str]) -> list[ox.Literal]:
    """One literal per asked language: the generator's own text, else a pseudo-translation."""
    english = by_language.get("en") or next(iter(by_language.values()))
    return [
        ox.Literal(by_language.get(tag.lower()) or pseudo_translate(english, tag), language=tag)
        for tag in languages
    ]
