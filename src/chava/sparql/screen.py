"""Screen a query before any parser sees it: size, nesting, updates, SERVICE, OFFSET, query form.

It works on the tokens of `chava.sparql.lexer`, never on the raw text. It exists because
pyoxigraph's parser is recursive: a query nested a few thousand levels deep overflows the stack
and takes the whole process down, so depth must be refused before parsing; and because a
`SERVICE` call makes the query worker open a connection. The real syntax check (with line and
column) happens in the query worker, which is allowed to crash; and the worker's network
namespace, not this screen, is what keeps it from reaching other hosts (`chava.sparql.sandbox`).

The text is read twice when it holds `\\u` / `\\U` escapes: as pyoxigraph reads it (escapes only
inside strings and IRIs) and as the SPARQL 1.1 grammar reads it (escapes applied first, as an
external engine behind `chava serve --store` may do); both readings must pass. Where pyoxigraph
matches a token in context, the screen either reads it the same way or refuses the query:
a keyword glued to what follows (`SERVICE:x`, `SERVICESILENT`, `PREFIXex:`, `OFFSET5`), and a
`<` after a value inside parentheses, which pyoxigraph may read as less-than (see _Reader.iri).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from chava.errors import PayloadTooLargeError, QueryError, URITooLongError
from chava.sparql.lexer import Kind, Token, line_and_column, tokenize, unescape_codepoints
from chava.sparql.lookups import is_lookup
from chava.sparql.nesting import Nesting
from chava.sparql.service_iris import ServiceCheck

QUERY_FORMS: Final = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_KEYWORDS: Final = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
NONDETERMINISTIC: Final = ("RAND", "NOW", "UUID", "STRUUID")
"""Functions whose value changes between runs: such results are never cached."""
GROUP_ELEMENTS: Final = (
    "OPTIONAL",
    "MINUS",
    "BIND",
    "VALUES",
    "GRAPH",
    "SERVICE",
    "FILTER",
    "UNION",
)
GLUED: Final = ("SERVICE", "OFFSET")
"""Keywords refused when glued to more name characters (pyoxigraph would split them off)."""
OPERAND_ENDS: Final = frozenset(
    {Kind.VAR, Kind.STRING, Kind.NUMBER, Kind.IRI, Kind.PNAME, Kind.BNODE, Kind.LANGTAG, Kind.WORD}
)
AMBIGUOUS_IN_IRI: Final = frozenset("#'()[]")
"""Characters that would open a comment, a string or a bracket if `<` were read as less-than."""
_LEAD: Final = re.compile("[A-Za-z]+")


@dataclass(frozen=True)
class ScreenedQuery:
    """A query that passed screening, with what the screen learnt about it."""

    text: str
    form: str
    """SELECT, CONSTRUCT, DESCRIBE or ASK."""
    has_dataset_clause: bool
    """The query names its own dataset (FROM / FROM NAMED)."""
    deterministic: bool
    """No RAND(), NOW(), UUID(), STRUUID(): the same build gives the same answer."""
    depth: int
    services: tuple[str, ...] = ()
    """The allow-listed endpoints the query calls with SERVICE."""
    lookup: bool = False
    """One triple pattern with a constant subject, nothing else (chava.sparql.lookups): its
    work is bounded by its answer, so the web process may answer it itself."""


def check_size(text: str, *, limit: int, in_url: bool) -> None:
    """Refuse a query longer than *limit* bytes: 414 when it came in a URL, else 413."""
    size = len(text.encode("utf-8"))
    if size > limit:
        message = f"the query is {size} bytes long; this endpoint accepts at most {limit}"
        if in_url:
            raise URITooLongError(message + " (and POST takes longer queries than GET)")
        raise PayloadTooLargeError(message)


def screen_query(
    text: str,
    *,
    max_depth: int,
    service_allowlist: Sequence[str] = (),
    max_offset: int | None = None,
    base_iri: str | None = None,
    enforce_service_allowlist: bool = True,
) -> ScreenedQuery:
    """Screen *text*; raise QueryError for depth, updates, refused SERVICE calls, deep OFFSET.

    Relative IRIs resolve against *base_iri* (what the engine is given), then the query's BASE.
    *enforce_service_allowlist* False lets every SERVICE through (still listed in `services`):
    only for the tests that prove the workers' network isolation holds without this screen.
    """
    allowlist = tuple(service_allowlist) if enforce_service_allowlist else None
    options = (max_depth, allowlist, max_offset, base_iri)
    screened = _Reader(text, *options, strict=True).read()
    unescaped = unescape_codepoints(text)
    if unescaped != text:
        _Reader(unescaped, *options, strict=False).read()
    return screened


class _Reader:
    """One reading of the query text, token by token."""

    def __init__(
        self,
        text: str,
        max_depth: int,
        allowlist: tuple[str, ...] | None,
        max_offset: int | None,
        base_iri: str | None,
        *,
        strict: bool,
    ) -> None:
        self.text = text
        self.strict = strict
        self.max_offset = max_offset
        self.tokens = [token for token in tokenize(text) if strict or token.kind is not Kind.ERROR]
        self.nesting = Nesting(max_depth, self.where)
        self.services = ServiceCheck(allowlist, base_iri, self.where)
        self.form = ""
        self.has_dataset = False
        self.deterministic = True

    def where(self, token: Token) -> str:
        line, column = line_and_column(self.text, token.start)
        return f"line {line}, column {column}"

    def read(self) -> ScreenedQuery:
        index = self.prologue()
        while index < len(self.tokens):
            index = self.token(index)
        if not self.form and self.strict:
            raise QueryError("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")
        called = self.services.called
        return ScreenedQuery(
            self.text,
            self.form,
            self.has_dataset,
            self.deterministic,
            self.nesting.deepest,
            called,
            lookup=self.strict and is_lookup(self.text, self.tokens),
        )

    def prologue(self) -> int:
        """Read BASE and PREFIX declarations up to the query form; return the next index."""
        tokens, index = self.tokens, 0
        while index < len(tokens):
            token = tokens[index]
            keyword = token.text.upper() if token.kind is Kind.WORD else ""
            following = tokens[index + 1 : index + 3]
            kinds = [item.kind for item in following]
            if keyword == "BASE" and kinds[:1] == [Kind.IRI]:
                self.services.declare_base(following[0].text[1:-1])
                index += 2
            elif (
                keyword == "PREFIX"
                and kinds == [Kind.PNAME, Kind.IRI]
                and following[0].text.endswith(":")
                and following[0].text.count(":") == 1
            ):
                self.services.declare_prefix(following[0].text[:-1], following[1].text[1:-1])
                index += 3
            elif _glued_prefix(token) and kinds[:1] == [Kind.IRI]:
                # `PREFIX: <...>`, `PREFIXex: <...>`: pyoxigraph splits the keyword off.
                self.services.declare_prefix(token.text[6:-1], following[0].text[1:-1])
                index += 2
            elif keyword == "VERSION" and kinds[:1] == [Kind.STRING]:
                index += 2
            elif keyword in QUERY_FORMS:
                self.form = keyword
                return index + 1
            elif keyword in UPDATE_KEYWORDS or not self.strict:
                return index  # refused (updates) or read on as the body (the second reading)
            else:
                raise QueryError(
                    "not a SPARQL query: expected BASE, PREFIX, SELECT, CONSTRUCT, DESCRIBE or "
                    f"ASK at {self.where(token)}, found {token.text[:40]!r}"
                )
        return index

    def token(self, index: int) -> int:
        """Check the token at *index*; return the index of the next one to read."""
        token = self.tokens[index]
        kind = token.kind
        if kind is Kind.ERROR:
            raise QueryError(
                f"syntax error at {self.where(token)}: unexpected character {token.text!r}"
            )
        self.nesting.step(token)
        if kind is Kind.IRI:
            self.iri(token, self.previous(index))
        elif kind in (Kind.WORD, Kind.PNAME):
            return self.name(index)
        return index + 1

    def previous(self, index: int) -> Token | None:
        return self.tokens[index - 1] if index else None

    def name(self, index: int) -> int:
        """A keyword, function name or prefixed name, and what the keywords it may be mean."""
        token = self.tokens[index]
        exact = token.text.upper() if token.kind is Kind.WORD else ""
        lead_match = _LEAD.match(token.text)
        lead = lead_match.group().upper() if lead_match else ""
        if exact in UPDATE_KEYWORDS:
            raise QueryError(
                f"{exact} is SPARQL Update: this endpoint is read-only and runs queries only"
            )
        for keyword in GLUED:
            if lead.startswith(keyword) and exact != keyword:
                raise QueryError(
                    f"{token.text[:40]!r} at {self.where(token)} starts with {keyword}: write "
                    f"{keyword} apart from what follows it"
                )
        if lead.startswith(GROUP_ELEMENTS):
            self.nesting.element(token)
        if lead.startswith("FROM"):
            self.has_dataset = True
        if lead.startswith(NONDETERMINISTIC):
            self.deterministic = False
        if exact == "SERVICE":
            self.services.check(self.tokens, index)
        if exact == "OFFSET":
            self.offset(token, self.tokens[index + 1] if index + 1 < len(self.tokens) else None)
        return index + 1

    def offset(self, token: Token, value: Token | None) -> None:
        if self.max_offset is None or value is None or not value.text.isdigit():
            return  # no cap, or not an integer: the parser reports it
        if int(value.text) > self.max_offset:
            raise QueryError(
                f"OFFSET {int(value.text)} (at {self.where(token)}) is deeper than this endpoint "
                f"pages: at most {self.max_offset} (sparql_max_offset); narrow the query with "
                "FILTER or VALUES instead of paging that far"
            )

    def iri(self, token: Token, previous: Token | None) -> None:
        """An IRIREF; where pyoxigraph may read its `<` as less-than, read it that way too.

        After a value inside parentheses (`?a<...>`) pyoxigraph's parser tries `<` as the
        less-than operator first. Then what this lexer took for an IRI is code: a `#` or `'`
        in it would start a comment or string that runs past the `>`, a bracket would nest, so
        such IRIs are refused there; operators in it count towards the expression's chain.
        """
        ambiguous = (
            previous is not None
            and (
                previous.kind in OPERAND_ENDS
                or (previous.kind is Kind.PUNCT and previous.text in ")]")
            )
            and self.nesting.in_expression()
        )
        if not ambiguous:
            return
        content = token.text[1:-1]
        if AMBIGUOUS_IN_IRI.intersection(content):
            raise QueryError(
                f"ambiguous `<` at {self.where(token)}: after a value inside parentheses it may "
                "be read as less-than, and this IRI holds # ' ( ) [ or ]; write the IRI with a "
                "prefixed name, or put a comma or operator before it"
            )
        self.nesting.operators_in(content, token)
        if _LEAD.search(content) and any(name in content.upper() for name in NONDETERMINISTIC):
            self.deterministic = False


def _glued_prefix(token: Token) -> bool:
    """A PNAME_NS made of the PREFIX keyword and the prefix declared: `PREFIXex:`."""
    return (
        token.kind is Kind.PNAME
        and token.text[:6].upper() == "PREFIX"
        and token.text.endswith(":")
        and token.text.count(":") == 1
    )
