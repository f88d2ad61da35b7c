"""Split SPARQL text into tokens by the terminals of the SPARQL 1.1 grammar (and 1.2's few).

https://www.w3.org/TR/sparql11-query/#grammar, section 19.8: IRIREF, PNAME_NS and PNAME_LN
(PN_LOCAL with PLX: percent escapes and PN_LOCAL_ESC), BLANK_NODE_LABEL, VAR1/VAR2, LANGTAG,
the numbers, the four string forms with ECHAR and UCHAR escapes, comments, and single-character
punctuation. Whitespace is exactly WS (space, tab, CR, LF): other characters are not.

Where pyoxigraph's parser (a PEG, matching tokens in context rather than by longest match) reads
a terminal differently, the lexer reads it the way that shows more of the text as code: a local
name stops after its first run of dots (`ex:a.b.c` is `ex:a.b` then `.c`, as pyoxigraph reads
it). Codepoint escapes (section 19.2: `\\u` and `\\U` anywhere, processed before parsing) are
applied by `unescape_codepoints`; pyoxigraph applies them only inside strings and IRIs, so the
screen reads both texts.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from typing import Final, NamedTuple


class Kind(enum.Enum):
    """What a token is."""

    IRI = "IRIREF"
    PNAME = "prefixed name"
    BNODE = "blank node label"
    VAR = "variable"
    STRING = "string"
    NUMBER = "number"
    LANGTAG = "language tag"
    WORD = "keyword"
    PUNCT = "punctuation"
    ERROR = "unexpected character"


class Token(NamedTuple):
    """One token: its kind, its text as written and where it starts (a character offset)."""

    kind: Kind
    text: str
    start: int


_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf\\"']"""
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = rf"%{_HEX}{_HEX}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_CHAR = rf"[{_PN_CHARS}:]|{_PLX}"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
# PN_LOCAL as pyoxigraph reads it: one run of dots at most (the grammar allows several).
_PN_LOCAL = rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:{_LOCAL_CHAR})*(?:\.+(?:{_LOCAL_CHAR})+)?"
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_EXPONENT = "[eE][+-]?[0-9]+"
_IRI_BODY = rf"""(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*"""

_TOKEN: Final = re.compile(
    rf"""
    (?P<space>[\x20\t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<IRI><{_IRI_BODY}>)
  | (?P<STRING>'''(?:(?:''|')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''
      |\"\"\"(?:(?:\"\"|\")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*\"\"\"
      |'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'
      |"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*")
  | (?P<VAR>[?$]{_VARNAME})
  | (?P<BNODE>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
  | (?P<PNAME>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
  | (?P<LANGTAG>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
  | (?P<NUMBER>[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}
      |[0-9]*\.[0-9]+|[0-9]+)
  | (?P<WORD>[A-Za-z][A-Za-z0-9_]*)
  | (?P<PUNCT>\|\||&&|!=|<=|>=|\^\^|<<(?!{_IRI_BODY}>)|>>|\{{\||\|\}}
      |[{{}}()\[\].,;*/+\-!=<>&|^?~])
  | (?P<ERROR>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_KINDS: Final = {kind.name: kind for kind in Kind}
"""Group name -> kind; the groups `space` and `comment` are not tokens."""
_CODEPOINT: Final = re.compile(rf"\\u({_HEX}{{4}})|\\U({_HEX}{{8}})")
_IRI_ESCAPE: Final = re.compile(_UCHAR)


def tokenize(text: str) -> Iterator[Token]:
    """The significant tokens of *text* (no whitespace, no comments); never raises.

    A character no terminal starts with comes out as one ERROR token and lexing goes on after
    it. An unterminated string is not a string: its quote is read as ERROR.
    """
    kinds = _KINDS
    for match in _TOKEN.finditer(text):
        kind = kinds.get(match.lastgroup or "")
        if kind is not None:
            yield Token(kind, match.group(), match.start())


def iri_candidate(text: str, start: int) -> str | None:
    """The IRIREF starting at *start* (a `<`), or None when `<` there cannot open one."""
    match = _TOKEN.match(text, start)
    if match is not None and match.lastgroup == "IRI":
        return match.group()
    return None


def unescape_codepoints(text: str) -> str:
    """Apply `\\uXXXX` and `\\UXXXXXXXX` escapes as SPARQL 1.1 section 19.2 does, before parsing.

    As spargebra's `standard-unicode-escaping`: an escape that names no character (a surrogate,
    beyond U+10FFFF) stays as written.
    """
    return _CODEPOINT.sub(_codepoint, text)


def unescape_iri(content: str) -> str:
    """The characters of an IRIREF's content, its `\\u` / `\\U` escapes applied."""
    return _IRI_ESCAPE.sub(_codepoint, content)


def _codepoint(match: re.Match[str]) -> str:
    value = int(match.group()[2:], 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return match.group()
    return chr(value)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of *offset* in *text*, as parsers report positions."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
