"""Bracket depth, operator chains and group sizes of a query, counted on its tokens.

pyoxigraph's parser is recursive: deep brackets, a long chain of binary operators (`1+1+1...`,
`a || b || ...`, a path `p/p/p...`) and a group of many elements (`BIND`, `MINUS`, `OPTIONAL`,
`VALUES`, sub-groups...) each nest its parse tree one level per item, and a few thousand of
them overflow its stack and kill the process. Chains and groups may be CHAIN_FACTOR times
longer than brackets are deep. Each open bracket also knows whether an expression can sit in
it: `VALUES` rows and triple terms hold terms only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from chava.errors import QueryError
from chava.sparql.lexer import Kind, Token

OPERATORS: Final = frozenset("+-*/|&")
"""Characters of binary operators (`||` and `&&` count twice) and of path sequences."""
CHAIN_BREAKS: Final = frozenset(".;,")
CHAIN_FACTOR: Final = 10
OPENING: Final = frozenset({"(", "{", "[", "{|", "<<"})
"""Brackets, annotation blocks `{| |}` and reified triples `<< >>`: each nests the parse."""
CLOSING: Final = frozenset({")", "}", "]", "|}", ">>"})


@dataclass
class _Frame:
    bracket: str
    data: bool = False
    """A `VALUES` variable list, data block or row, or a reified or triple term: no expressions."""
    chain: int = 0
    elements: int = 0


class Nesting:
    """Track brackets, chains and group elements; refuse each past its limit."""

    def __init__(self, max_depth: int, where: Callable[[Token], str]) -> None:
        self.max_depth = max_depth
        self.max_chain = max_depth * CHAIN_FACTOR
        self.where = where
        self.frames = [_Frame("")]
        self.deepest = 0
        self._values = ""
        """Where a VALUES clause is: "after" its keyword, in its "vars", before its "block"."""

    def step(self, token: Token) -> None:
        """Take in the next token."""
        self._follow_values(token)
        if token.kind is not Kind.PUNCT:
            return
        text = token.text
        frame = self.frames[-1]
        if text in OPENING:
            self._open(token)
        elif text in CLOSING:
            if len(self.frames) > 1:
                self.frames.pop()
        elif text in CHAIN_BREAKS:
            frame.chain = 0
        else:
            self._chain(frame, sum(char in OPERATORS for char in text), token)

    def in_expression(self) -> bool:
        """Whether the innermost bracket is a parenthesis that may hold an expression."""
        frame = self.frames[-1]
        return frame.bracket == "(" and not frame.data

    def operators_in(self, text: str, token: Token) -> None:
        """Count the operator characters of *text* into the current chain."""
        self._chain(self.frames[-1], sum(char in OPERATORS for char in text), token)

    def element(self, token: Token) -> None:
        """Count one element (keyword clause or sub-group) of the current group."""
        frame = self.frames[-1]
        frame.elements += 1
        if frame.elements > self.max_chain:
            raise QueryError(
                f"a group of the query has more than {self.max_chain} elements "
                f"(at {self.where(token)}); this endpoint refuses larger groups"
            )

    def _open(self, token: Token) -> None:
        char = token.text
        data = char == "<<" or (self.frames[-1].data and char == "(")
        if char == "(" and self._values == "after":
            data, self._values = True, "vars"
        elif char == "{" and self._values == "block":
            data, self._values = True, ""
        if char == "{":
            self.element(token)  # a sub-group is an element of the enclosing group
        self.frames.append(_Frame(char, data))
        depth = len(self.frames) - 1
        if depth > self.max_depth:
            raise QueryError(
                f"the query is nested more than {self.max_depth} levels deep "
                f"(at {self.where(token)}); this endpoint refuses deeper queries"
            )
        self.deepest = max(self.deepest, depth)

    def _chain(self, frame: _Frame, count: int, token: Token) -> None:
        frame.chain += count
        if frame.chain > self.max_chain:
            raise QueryError(
                f"an expression or path chains more than {self.max_chain} operators "
                f"(at {self.where(token)}); use VALUES or IN for long lists"
            )

    def _follow_values(self, token: Token) -> None:
        """Follow `VALUES ?x {` and `VALUES (?x ?y) {` to know which brackets hold data."""
        state, kind, text = self._values, token.kind, token.text
        if kind is Kind.WORD and text.upper() == "VALUES":
            self._values = "after"
        elif state == "after" and kind is Kind.VAR:
            self._values = "block"
        elif state == "vars" and kind is Kind.VAR:
            pass
        elif state == "vars" and text == ")":
            self._values = "block"
        elif not (state == "after" and text == "(") and not (state == "block" and text == "{"):
            self._values = ""
