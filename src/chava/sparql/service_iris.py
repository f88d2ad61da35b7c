"""Which endpoint a `SERVICE` names, resolved as the engine resolves it, checked on the allow-list.

The IRI after `SERVICE [SILENT]` may be an IRIREF (with `\\u` escapes, relative to the query's
BASE or to the endpoint's own URL) or a prefixed name (its prefix declared with an IRI that may
itself be relative; PN_LOCAL_ESC backslashes dropped, `%XX` kept). References are resolved by
pyoxigraph's own parser (a one-line query over an empty in-memory store), so the screen and the
engine agree on every corner of RFC 3986. Only an IRI exactly on the allow-list passes; a
variable, a missing or unknown prefix, anything else is refused with the same message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final, NoReturn

import pyoxigraph as ox

from chava.errors import QueryError
from chava.sparql.lexer import Kind, Token

_RESOLVER: Final = ox.Store()
_LEAD: Final = re.compile("[A-Za-z]+")


def resolve_iri(reference: str, base_iri: str | None) -> str | None:
    """The absolute IRI pyoxigraph makes of IRIREF content *reference*, or None if none."""
    try:
        solutions = _RESOLVER.query(f"SELECT (<{reference}> AS ?iri) {{}}", base_iri=base_iri)
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            value = solution["iri"]
            return value.value if isinstance(value, ox.NamedNode) else None
    except (SyntaxError, ValueError, OSError, RuntimeError):
        return None  # not an IRI pyoxigraph accepts here: the query fails to parse anyway
    return None


class ServiceCheck:
    """The query's BASE and prefixes, and the SERVICE calls seen so far."""

    def __init__(
        self, allowlist: Sequence[str] | None, base_iri: str | None, where: Callable[[Token], str]
    ) -> None:
        self.allowlist = allowlist
        """None: every SERVICE passes (only to test the workers' isolation without the screen)."""
        self.base: str | None = base_iri
        self.base_failed = False
        self.where = where
        self.prefixes: dict[str, tuple[str, str | None, bool]] = {}
        """Prefix name -> (IRIREF content, base in force, whether that base was resolvable)."""
        self.called: tuple[str, ...] = ()

    def declare_base(self, reference: str) -> None:
        """`BASE <reference>`: later relative IRIs resolve against it."""
        resolved = None if self.base_failed else resolve_iri(reference, self.base)
        self.base, self.base_failed = resolved, resolved is None

    def declare_prefix(self, name: str, reference: str) -> None:
        """`PREFIX name: <reference>` (resolved when a SERVICE uses it)."""
        self.prefixes[name] = (reference, self.base, self.base_failed)

    def check(self, tokens: Sequence[Token], index: int) -> None:
        """Check the SERVICE keyword at *index* and what follows it; raise QueryError if refused."""
        keyword = tokens[index]
        position = index + 1
        target = tokens[position] if position < len(tokens) else None
        if target is not None and _lead(target).startswith("SILENT"):
            if self.allowlist is not None and (
                target.kind is not Kind.WORD or target.text.upper() != "SILENT"
            ):
                self._refuse(keyword, target)  # `SILENT:x`: pyoxigraph splits off SILENT
            position += 1
            target = tokens[position] if position < len(tokens) else None
        endpoint = self._endpoint(target)
        if self.allowlist is None:
            endpoint = endpoint or (target.text if target is not None else "?")
        elif endpoint is None or endpoint not in self.allowlist:
            self._refuse(keyword, target)
        if endpoint not in self.called:
            self.called += (endpoint,)

    def _endpoint(self, target: Token | None) -> str | None:
        if target is None:
            return None
        if target.kind is Kind.IRI:
            return None if self.base_failed else resolve_iri(target.text[1:-1], self.base)
        if target.kind is Kind.PNAME:
            prefix, _colon, local = target.text.partition(":")
            if prefix not in self.prefixes:
                return None
            reference, base, failed = self.prefixes[prefix]
            namespace = None if failed else resolve_iri(reference, base)
            if namespace is None:
                return None
            return namespace + local.replace("\\", "")
        return None

    def _refuse(self, keyword: Token, target: Token | None) -> NoReturn:
        shown = target.text[:100] if target is not None else "(nothing)"
        allowed = f" except {', '.join(self.allowlist or ())}" if self.allowlist else ""
        raise QueryError(
            f"SERVICE {shown} (at {self.where(keyword)}) is refused: this endpoint does not "
            f"query other endpoints{allowed}"
        )


def _lead(token: Token) -> str:
    if token.kind not in (Kind.WORD, Kind.PNAME):
        return ""
    match = _LEAD.match(token.text)
    return match.group().upper() if match else ""
