"""Screen a query before any parser sees it: size, nesting depth, updates, SERVICE, query form.

One fast lexical pass that skips strings, IRIs and comments. It exists because pyoxigraph's
parser is recursive: a query nested a few thousand levels deep overflows the stack and takes the
whole process down, so depth must be refused before parsing. The real syntax check (with line
and column) happens in the query worker, which is allowed to crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin

from chava.errors import PayloadTooLargeError, QueryError, URITooLongError

QUERY_FORMS: Final = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_KEYWORDS: Final = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
NONDETERMINISTIC: Final = frozenset({"RAND", "NOW", "UUID", "STRUUID"})
"""Functions whose value changes between runs: such results are never cached."""
OPERATORS: Final = frozenset("+-*/|&")
"""Characters of binary operators (`||` and `&&` count twice) and of path sequences."""
CHAIN_BREAKS: Final = frozenset(".;,")
CHAIN_FACTOR: Final = 10
GROUP_ELEMENTS: Final = frozenset(
    {"OPTIONAL", "MINUS", "BIND", "VALUES", "GRAPH", "SERVICE", "FILTER", "UNION"}
)

_PN_CHARS = r"A-Za-z0-9_\-\u00B7\u00C0-\uFFFF"
_TOKEN: Final = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<variable>[?$][PN]+)
  | (?P<name>(?:[A-Za-z\u00C0-\uFFFF][PN.]*)?:(?:[PN.:%\\]*)|[A-Za-z][A-Za-z0-9_]*)
  | (?P<number>[0-9][0-9.eE]*)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<other>.)
    """.replace("PN", _PN_CHARS),
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class ScreenedQuery:
    """A query that passed screening, with what the lexical pass learnt about it."""

    text: str
    form: str
    """SELECT, CONSTRUCT, DESCRIBE or ASK."""
    has_dataset_clause: bool
    """The query names its own dataset (FROM / FROM NAMED)."""
    deterministic: bool
    """No RAND(), NOW(), UUID(), STRUUID(): the same build gives the same answer."""
    depth: int


def check_size(text: str, *, limit: int, in_url: bool) -> None:
    """Refuse a query longer than *limit* bytes: 414 when it came in a URL, else 413."""
    size = len(text.encode("utf-8"))
    if size > limit:
        message = f"the query is {size} bytes long; this endpoint accepts at most {limit}"
        if in_url:
            raise URITooLongError(message + " (and POST takes longer queries than GET)")
        raise PayloadTooLargeError(message)


def screen_query(
    text: str, *, max_depth: int, service_allowlist: Sequence[str] = ()
) -> ScreenedQuery:
    """Screen *text* lexically; raise QueryError for depth, updates, refused SERVICE calls."""
    prefixes: dict[str, str] = {}
    base = ""
    form = ""
    nesting = _Nesting(max_depth)
    has_dataset = False
    deterministic = True
    tokens = _tokens(text)
    previous_name = ""
    for kind, value, position in tokens:
        if kind in ("open", "close", "other"):
            nesting.see(kind, value, position)
        elif kind == "name" and ":" not in value:
            keyword = value.upper()
            if keyword in UPDATE_KEYWORDS:
                raise QueryError(
                    f"{keyword} is SPARQL Update: this endpoint is read-only and runs queries only"
                )
            if keyword in GROUP_ELEMENTS:
                nesting.element(position)
            if keyword in QUERY_FORMS and not form:
                form = keyword
            elif keyword == "FROM":
                has_dataset = True
            elif keyword in NONDETERMINISTIC:
                deterministic = False
            elif keyword == "SERVICE":
                _check_service(tokens, prefixes, base, service_allowlist)
            elif keyword == "BASE" and not form:
                base = _next_iri(tokens)
            previous_name = keyword
        elif kind == "name" and previous_name == "PREFIX" and not form:
            prefixes[value[:-1] if value.endswith(":") else value] = _next_iri(tokens)
            previous_name = ""
    if not form:
        raise QueryError("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")
    return ScreenedQuery(text, form, has_dataset, deterministic, nesting.deepest)


class _Nesting:
    """Track bracket depth, operator chains and group elements; refuse each past its limit.

    A chain of binary operators (`1+1+1...`, `a || b || ...`, a path `p/p/p...`) nests the parse
    tree one level per operator, and so does a group of many elements (`BIND`, `MINUS`,
    `OPTIONAL`, `VALUES`, sub-groups...): pyoxigraph overflows its stack on a few thousand of
    them, as on deep brackets. Both may be CHAIN_FACTOR times longer than brackets are deep.
    """

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.max_chain = max_depth * CHAIN_FACTOR
        self.chains = [0]
        self.elements = [0]
        self.deepest = 0

    def see(self, kind: str, value: str, position: int) -> None:
        """Take in one bracket or other single-character token."""
        if kind == "open":
            if value == "{":
                self.element(position)  # a sub-group is an element of the enclosing group
            self.chains.append(0)
            self.elements.append(0)
            if len(self.chains) - 1 > self.max_depth:
                raise QueryError(
                    f"the query is nested more than {self.max_depth} levels deep "
                    f"(at character {position}); this endpoint refuses deeper queries"
                )
            self.deepest = max(self.deepest, len(self.chains) - 1)
        elif kind == "close":
            if len(self.chains) > 1:
                self.chains.pop()
                self.elements.pop()
        elif value in CHAIN_BREAKS:
            self.chains[-1] = 0
        elif value in OPERATORS:
            self.chains[-1] += 1
            if self.chains[-1] > self.max_chain:
                raise QueryError(
                    f"an expression or path chains more than {self.max_chain} operators "
                    f"(at character {position}); use VALUES or IN for long lists"
                )

    def element(self, position: int) -> None:
        """Count one element (keyword clause or sub-group) of the current group."""
        self.elements[-1] += 1
        if self.elements[-1] > self.max_chain:
            raise QueryError(
                f"a group of the query has more than {self.max_chain} elements "
                f"(at character {position}); this endpoint refuses larger groups"
            )


class _Tokens:
    """An iterator over significant tokens (no spaces, no comments) that can be peeked into."""

    def __init__(self, text: str) -> None:
        self._matches = _TOKEN.finditer(text)

    def __iter__(self) -> Iterator[tuple[str, str, int]]:
        return self

    def __next__(self) -> tuple[str, str, int]:
        for match in self._matches:
            kind = match.lastgroup or "other"
            if kind not in ("space", "comment"):
                return kind, match.group(), match.start()
        raise StopIteration


def _tokens(text: str) -> _Tokens:
    return _Tokens(text)


def _next_iri(tokens: _Tokens) -> str:
    kind, value, _position = next(tokens, ("other", "", 0))
    return value[1:-1] if kind == "iri" else ""


def _check_service(
    tokens: _Tokens, prefixes: dict[str, str], base: str, allowlist: Sequence[str]
) -> None:
    kind, value, position = next(tokens, ("other", "", 0))
    if kind == "name" and value.upper() == "SILENT":
        kind, value, position = next(tokens, ("other", "", 0))
    endpoint = ""
    if kind == "iri":
        endpoint = urljoin(base, value[1:-1]) if base else value[1:-1]
    elif kind == "name" and ":" in value:
        prefix, local = value.split(":", 1)
        if prefix in prefixes:
            endpoint = prefixes[prefix] + local
    if not endpoint or endpoint not in allowlist:
        shown = endpoint or value
        raise QueryError(
            f"SERVICE {shown} (at character {position}) is refused: this endpoint does not "
            "query other endpoints" + (f" except {', '.join(allowlist)}" if allowlist else "")
        )
