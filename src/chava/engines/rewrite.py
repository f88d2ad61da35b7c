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

from chava.sparql.lexer import Kind, tokenize

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
