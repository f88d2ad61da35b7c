"""Query texts for an engine: the build's dataset in the engine's own terms, and paging.

Paging: an engine that cuts a SELECT at its row cap (Virtuoso's `ResultSetMaxRows`) is asked
the same query again page by page, its top-level LIMIT and OFFSET replaced (read with chava's
SPARQL tokenizer, so a subquery's own LIMIT is left alone). A query without ORDER BY is
ordered by every variable of its result first, so that pages never overlap nor miss a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from chava.sparql.lexer import Kind, Token, tokenize

_FORMS: Final = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})


@dataclass(frozen=True)
class Modifiers:
    """Where a SELECT's solution modifiers are, as the tokenizer read them."""

    form: str
    """SELECT, CONSTRUCT, DESCRIBE, ASK ('' when none was found)."""
    limit: int | None
    offset: int
    ordered: bool
    """A top-level ORDER BY is present."""
    cuts: tuple[tuple[int, int], ...]
    """Character spans of the top-level LIMIT n and OFFSET n clauses."""
    insert_at: int | None
    """Where modifiers may be added (before a trailing VALUES block, or the end)."""


def query_form(query: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first form keyword (after the prologue)."""
    for token in tokenize(query):
        if token.kind is Kind.WORD and token.text.upper() in _FORMS:
            return token.text.upper()
    return ""


def modifiers(query: str) -> Modifiers:
    """Read the top-level solution modifiers of *query*."""
    tokens = list(tokenize(query))
    form = ""
    braces = parens = 0
    main_closed = False
    limit: int | None = None
    offset = 0
    ordered = False
    cuts: list[tuple[int, int]] = []
    insert_at: int | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        word = token.text.upper() if token.kind is Kind.WORD else ""
        if not form and word in _FORMS:
            form = word
        if token.kind is Kind.PUNCT:
            if token.text == "(":
                parens += 1
            elif token.text == ")":
                parens -= 1
            elif token.text == "{":
                braces += 1
            elif token.text == "}":
                braces -= 1
                if braces == 0 and parens == 0 and form:
                    main_closed = True
        elif main_closed and braces == 0 and parens == 0 and insert_at is None:
            if word == "VALUES":
                insert_at = token.start
            elif word == "ORDER":
                ordered = True
            elif word in ("LIMIT", "OFFSET") and index + 1 < len(tokens):
                number = tokens[index + 1]
                if number.kind is Kind.NUMBER and number.text.isdigit():
                    if word == "LIMIT":
                        limit = int(number.text)
                    else:
                        offset = int(number.text)
                    cuts.append((token.start, number.start + len(number.text)))
                    index += 1
        index += 1
    return Modifiers(form, limit, offset, ordered, tuple(cuts), insert_at)


def page(query: str, found: Modifiers, *, start: int, size: int, order: Sequence[str] = ()) -> str:
    """*query* asking for rows start..start+size of its own answer (order: variables to order
    by when it has no ORDER BY)."""
    text = query
    where = len(text) if found.insert_at is None else found.insert_at
    addition = ""
    if not found.ordered and order:
        addition += " ORDER BY " + " ".join(f"?{name}" for name in order)
    addition += f" LIMIT {size} OFFSET {found.offset + start}\n"
    pieces: list[str] = []
    position = 0
    for begin, end in sorted(found.cuts):
        pieces.append(text[position:begin])
        position = end
    if where >= position:
        pieces.append(text[position:where])
        pieces.append("\n" + addition)
        pieces.append(text[where:])
    else:  # cannot happen: the modifiers come before a trailing VALUES block
        pieces.append(text[position:])
        pieces.append("\n" + addition)
    return "".join(pieces)


_BOOLEAN_FUNCTIONS: Final = frozenset(
    {
        "EXISTS",
        "NOT",
        "BOUND",
        "ISIRI",
        "ISURI",
        "ISBLANK",
        "ISLITERAL",
        "ISNUMERIC",
        "ISTRIPLE",
        "REGEX",
        "CONTAINS",
        "STRSTARTS",
        "STRENDS",
        "SAMETERM",
        "LANGMATCHES",
    }
)
_BOOLEAN_OPERATORS: Final = frozenset({"=", "!=", "<", ">", "<=", ">=", "&&", "||", "!"})


def boolean_variables(query: str) -> frozenset[str]:
    """The variables *query* binds to a boolean expression (`(expr AS ?v)`, `BIND(expr AS ?v)`):
    a comparison, a logical operator, IN, or a test such as EXISTS or BOUND at its top level.

    An engine answering booleans as 1 / 0 (Virtuoso) gets them put right in these columns.
    """
    tokens = list(tokenize(query))
    found: set[str] = set()
    for index, token in enumerate(tokens):
        if token.kind is not Kind.WORD or token.text.upper() != "AS":
            continue
        if index + 1 >= len(tokens) or tokens[index + 1].kind is not Kind.VAR:
            continue
        expression = _expression_before(tokens, index)
        if expression and _is_boolean(expression):
            found.add(tokens[index + 1].text[1:])
    return frozenset(found)


def _expression_before(tokens: list[Token], index: int) -> list[Token]:
    """The tokens between the `(` that opens `expr AS ?v` and the AS at *index*."""
    depth = 0
    position = index - 1
    while position >= 0:
        text = tokens[position].text
        if tokens[position].kind is Kind.PUNCT and text in (")", "}"):
            depth += 1
        elif tokens[position].kind is Kind.PUNCT and text in ("(", "{"):
            if depth == 0:
                return tokens[position + 1 : index] if text == "(" else []
            depth -= 1
        position -= 1
    return []


def _is_boolean(expression: list[Token]) -> bool:
    depth = 0
    for position, token in enumerate(expression):
        text = token.text
        if token.kind is Kind.PUNCT:
            if text in ("(", "{"):
                depth += 1
                continue
            if text in (")", "}"):
                depth -= 1
                continue
            if depth == 0 and text in _BOOLEAN_OPERATORS:
                return True
        elif (depth == 0 and token.kind is Kind.WORD and text.upper() == "IN") or (
            depth == 0
            and position == 0
            and token.kind is Kind.WORD
            and text.upper() in _BOOLEAN_FUNCTIONS
            and _one_call(expression)
        ):
            return True
    return False


def _one_call(expression: list[Token]) -> bool:
    """The expression is one call (or EXISTS / NOT EXISTS group): nothing after it closes."""
    depth = 0
    opened = False
    for position, token in enumerate(expression):
        if token.kind is Kind.PUNCT and token.text in ("(", "{"):
            depth += 1
            opened = True
        elif token.kind is Kind.PUNCT and token.text in (")", "}"):
            depth -= 1
            if depth == 0 and opened:
                return position == len(expression) - 1
    return False
