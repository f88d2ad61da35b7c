"""Text as the index sees it: folded keys for sorting and exact matches, query words, snippets."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Final

_LIGATURES: Final = str.maketrans({"œ": "oe", "æ": "ae"})
"""French sorts the ligatures as their two letters; NFKD leaves them whole."""
MARK_START: Final = "\ue000"
MARK_END: Final = "\ue001"
"""Private-use characters FTS5 puts around matches; replaced by <mark> once the text is escaped."""
MAX_WORDS: Final = 12
"""Words of a query that count (a longer query is cut: each word is a prefix lookup)."""
_WORD: Final = re.compile(r"\w+")


def fold(text: str) -> str:
    """Return the matching and sorting key of *text*: accents stripped, case folded, and
    punctuation turned into spaces (French collation's first level)."""
    folded = text.casefold().translate(_FAST)
    if not folded.isascii():  # letters the table does not know: decompose them
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(
            character if character.isalnum() else " "
            for character in decomposed
            if not unicodedata.combining(character)
        ).translate(_LIGATURES)
    return " ".join(folded.split())


def _fast_table() -> dict[int, str]:
    table: dict[int, str] = {code: " " for code in range(128) if not chr(code).isalnum()}
    for code in range(0xC0, 0x250):
        character = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c)
        ).casefold()
        if base.isascii() and base.isalpha():
            table[code] = base
    table.update({ord("œ"): "oe", ord("æ"): "ae", ord("ß"): "ss", 0xA0: " "})
    for code in (0xAB, 0xBB, 0x2019, 0x2018, 0x201C, 0x201D, 0x2013, 0x2014, 0x2026, 0x202F):
        table[code] = " "
    return table


_FAST: Final = _fast_table()
"""Latin letters to their base letter, ASCII punctuation and French quotes to spaces."""


def query_words(text: str) -> list[str]:
    """The words of a user's query, folded (at most MAX_WORDS): what each must match."""
    return _WORD.findall(fold(text).replace("_", " "))[:MAX_WORDS]


def match_expression(words: list[str], columns: tuple[str, ...] = ()) -> str:
    """The FTS5 query: every word, as a prefix (search as you type), in *columns* (all: ()).

    A word of one character is a whole word ("a" is not every word starting with a).
    """
    terms = " ".join(f'"{word}"*' if len(word) > 1 else f'"{word}"' for word in words)
    if not columns:
        return terms
    return "{" + " ".join(columns) + "} : (" + terms + ")"


def snippet_html(text: str) -> str:
    """FTS5's snippet (matches between MARK_START and MARK_END) as escaped HTML with <mark>."""
    escaped = html.escape(
        " · ".join(line for line in text.splitlines() if line.strip()), quote=False
    )
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def humanize(local_name: str) -> str:
    """A label made from an IRI's local name: `PedagogicalTool` -> `Pedagogical tool`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local_name).replace("_", " ").replace("-", " ")
    words = spaced.split()
    if not words:
        return local_name
    return " ".join(
        [words[0], *(word.lower() if word[1:].islower() else word for word in words[1:])]
    )
