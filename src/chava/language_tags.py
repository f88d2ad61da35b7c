"""What a BCP 47 language tag tells a page: its writing direction and the language's own name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, Literal

RIGHT_TO_LEFT_LANGUAGES: Final = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "nqo", "ps", "sd", "syr", "ug", "ur", "yi"}
)
"""Primary language subtags written right to left when no script subtag says otherwise."""

RIGHT_TO_LEFT_SCRIPTS: Final = frozenset(
    {"adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa", "yezi"}
)
"""ISO 15924 script subtags written right to left (`az-Arab`, `pa-Arab`...)."""

LANGUAGE_NAMES: Final[Mapping[str, str]] = {
    "ar": "العربية",
    "az": "Azərbaycanca",
    "bg": "Български",
    "bn": "বাংলা",
    "ca": "Català",
    "cs": "Čeština",
    "cy": "Cymraeg",
    "da": "Dansk",
    "de": "Deutsch",
    "el": "Ελληνικά",
    "en": "English",
    "es": "Español",
    "et": "Eesti",
    "eu": "Euskara",
    "fa": "فارسی",
    "fi": "Suomi",
    "fr": "Français",
    "ga": "Gaeilge",
    "gl": "Galego",
    "he": "עברית",
    "hi": "हिन्दी",
    "hr": "Hrvatski",
    "hu": "Magyar",
    "hy": "Հայերեն",
    "id": "Bahasa Indonesia",
    "is": "Íslenska",
    "it": "Italiano",
    "ja": "日本語",
    "ka": "ქართული",
    "kk": "Қазақ тілі",
    "ko": "한국어",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "mk": "Македонски",
    "mn": "Монгол",
    "ms": "Bahasa Melayu",
    "nb": "Norsk bokmål",
    "nl": "Nederlands",
    "nn": "Norsk nynorsk",
    "no": "Norsk",
    "pl": "Polski",
    "pt": "Português",
    "ro": "Română",
    "ru": "Русский",
    "sk": "Slovenčina",
    "sl": "Slovenščina",
    "sr": "Српски",
    "sv": "Svenska",
    "sw": "Kiswahili",
    "th": "ไทย",
    "tr": "Türkçe",
    "uk": "Українська",
    "ur": "اردو",
    "vi": "Tiếng Việt",
    "zh": "中文",
    "zh-hans": "简体中文",
    "zh-hant": "繁體中文",
}
"""Each language's name in itself, for the language switch (keys lower-case)."""


def is_right_to_left(tag: str) -> bool:
    """Whether text tagged *tag* is written right to left: its script subtag decides, else its
    primary language (`ar`, `he`, `fa`, `ur`... yes; `az-Arab` yes; `ku-Latn` no)."""
    subtags = tag.lower().replace("_", "-").split("-")
    script = next((part for part in subtags[1:] if len(part) == 4 and part.isalpha()), None)
    if script is not None:
        return script in RIGHT_TO_LEFT_SCRIPTS
    return subtags[0] in RIGHT_TO_LEFT_LANGUAGES


def direction(tag: str) -> Literal["rtl", "ltr"]:
    """The value of an HTML `dir` attribute for text tagged *tag*."""
    return "rtl" if is_right_to_left(tag) else "ltr"


def language_name(tag: str) -> str:
    """The name of language *tag* in that language: the whole tag's, else its primary
    subtag's (`fr-BE` is Français), else the tag itself."""
    lowered = tag.lower().replace("_", "-")
    return LANGUAGE_NAMES.get(lowered) or LANGUAGE_NAMES.get(lowered.split("-", 1)[0]) or tag


def match_language(ranges: Sequence[tuple[str, float]], offered: Sequence[str]) -> str | None:
    """The offered tag the best of *ranges* (Accept-Language, with q-values) asks for, or None.

    Ranges are tried by quality, then order. A range matches an offered tag exactly, then as
    its prefix (`zh` asks for `zh-Hans`), then by the tag being its prefix (`fr-BE` gets `fr`),
    then by primary subtag (`zh-CN` gets `zh-Hans`); `*` takes the first offered tag not
    refused with `q=0`; tags are compared case-insensitively.
    """
    refused = {name.lower() for name, quality in ranges if quality <= 0}
    allowed = [tag for tag in offered if tag.lower() not in refused]
    wanted = sorted(
        ((name.lower().replace("_", "-"), quality) for name, quality in ranges if quality > 0),
        key=lambda pair: -pair[1],
    )
    for name, _quality in wanted:
        if name == "*":
            return allowed[0] if allowed else None
        ranked = [(rank, tag) for tag in allowed if (rank := _closeness(name, tag)) is not None]
        if ranked:
            return min(ranked, key=lambda pair: pair[0])[1]
    return None


def _closeness(wanted: str, tag: str) -> int | None:
    """How well offered *tag* answers the range *wanted* (lower is better; None: not at all)."""
    offered = tag.lower()
    if offered == wanted:
        return 0
    if offered.startswith(wanted + "-"):
        return 1
    if wanted.startswith(offered + "-"):
        return 2
    if offered.split("-", 1)[0] == wanted.split("-", 1)[0]:
        return 3
    return None
