"""Queries whose cost is bounded by their answer: one triple pattern with a constant subject.

pyoxigraph cannot be interrupted, so a public query runs in a killable worker process
(chava.sparql.pool). A few queries cannot run long whatever the data, and for them the worker's
round trip (two process wake-ups) costs more than the query: the lookup of one resource,
`SELECT ?p ?o WHERE { <iri> ?p ?o }`, takes 0.06 ms in the engine at a million statements. Such
a query is answered in the web process (chava.sparql.endpoint), under a small row and byte cap
of its own, and sent to a worker after all when it passes that cap.

A query is a *lookup* when its tokens (chava.sparql.lexer, as the screen read them) are exactly:

    (BASE <iri> | PREFIX name: <iri>)*
    SELECT ( * | ?var+ ) [WHERE] { subject predicate object [.] } [LIMIT integer]

- the subject is an IRI (`<...>` or a prefixed name): never a variable or a blank node (which
  stands for a variable), never a quoted triple;
- the predicate is an IRI, `a` or a variable: one token, so no property path (`p*`, `p+`,
  `^p`, `p/q`, `(p)`, `!p` are more tokens);
- the object is a variable other than the predicate's, an IRI, a number, `true`/`false`, or a
  string with at most a language tag or a `^^` datatype IRI;
- nothing else: no FILTER, OPTIONAL, UNION, GRAPH, SERVICE, BIND, VALUES, subquery, FROM,
  DISTINCT, ORDER BY, GROUP BY, OFFSET, expressions, blank nodes, `\\` escapes anywhere;
- at most MAX_LOOKUP_CHARS characters (parsing it is then a few microseconds).

Why such a query is bounded: the engine evaluates one triple pattern whose subject is known by
a prefix scan of one of its indexes (SPO when the object is a variable, OSP when it is known;
per graph when the dataset lists graphs). Every index entry the scan reads is a solution (the
variables are distinct, so no entry is read and dropped; the union of the graphs keeps a triple
found in several graphs once per graph, so no entry is dropped as a duplicate either), and the
results writer stops the engine once the cap is passed (chava.sparql.results). So the work is at
most the cap's rows (plus one seek per graph when the dataset lists them), whatever the store
holds and whoever wrote the query. Anything the check is unsure of goes to a worker, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from chava.sparql.lexer import Kind, Token

MAX_LOOKUP_CHARS: Final = 4096
"""Longest query text answered in the web process."""
_NAME: Final = re.compile(r"(?:[A-Za-z][A-Za-z0-9_-]*)?:(?:[A-Za-z0-9_][A-Za-z0-9_-]*)?")
"""A prefixed name with no dots, escapes or non-ASCII characters (the lexer and pyoxigraph read
every such name the same way)."""
_PREFIX: Final = re.compile(r"(?:[A-Za-z][A-Za-z0-9_-]*)?:")


def is_lookup(text: str, tokens: Sequence[Token]) -> bool:
    """Whether *text* (read as *tokens*) is a lookup: see the module's grammar."""
    if len(text) > MAX_LOOKUP_CHARS or "\\" in text:
        return False
    return _Match(tokens).query()


class _Match:
    """A cursor over the tokens, matching the lookup grammar and nothing else."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def word(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.kind is Kind.WORD and token.text.upper() in words:
            self.index += 1
            return True
        return False

    def punct(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind is Kind.PUNCT and token.text == text:
            self.index += 1
            return True
        return False

    def kind(self, kind: Kind) -> Token | None:
        token = self.peek()
        if token is not None and token.kind is kind:
            self.index += 1
            return token
        return None

    def iri(self) -> bool:
        token = self.peek()
        if token is None:
            return False
        if token.kind is Kind.IRI or (token.kind is Kind.PNAME and _NAME.fullmatch(token.text)):
            self.index += 1
            return True
        return False

    def query(self) -> bool:
        while True:
            if self.word("BASE"):
                if self.kind(Kind.IRI) is None:
                    return False
            elif self.word("PREFIX"):
                name = self.kind(Kind.PNAME)
                if name is None or not _PREFIX.fullmatch(name.text) or not self.kind(Kind.IRI):
                    return False
            else:
                break
        if not self.word("SELECT"):
            return False
        if not self.punct("*"):
            if self.kind(Kind.VAR) is None:
                return False
            while self.kind(Kind.VAR) is not None:
                pass
        self.word("WHERE")
        if not (self.punct("{") and self.triple()):
            return False
        self.punct(".")
        if not self.punct("}"):
            return False
        if self.word("LIMIT") and not self._integer():
            return False
        return self.index == len(self.tokens)

    def triple(self) -> bool:
        if not self.iri():  # the subject: a constant
            return False
        predicate = self.kind(Kind.VAR)
        if predicate is None and not (self.iri() or self._a()):
            return False
        obj = self.kind(Kind.VAR)
        if obj is not None:
            # ?x and $x are one variable: a repeated one would make the scan read and drop.
            return predicate is None or predicate.text[1:] != obj.text[1:]
        return self.iri() or self._literal()

    def _a(self) -> bool:
        token = self.peek()
        if token is not None and token.kind is Kind.WORD and token.text == "a":
            self.index += 1
            return True
        return False

    def _integer(self) -> bool:
        token = self.kind(Kind.NUMBER)
        return token is not None and token.text.isdigit()

    def _literal(self) -> bool:
        if self.kind(Kind.NUMBER) is not None or self.word("TRUE", "FALSE"):
            return True
        if self.kind(Kind.STRING) is None:
            return False
        if self.kind(Kind.LANGTAG) is not None:
            return True
        if self.punct("^^"):
            return self.iri()
        return True
