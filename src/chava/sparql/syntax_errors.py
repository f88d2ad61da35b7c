"""Syntax errors people can act on: line, column, the offending token, what was expected.

pyoxigraph's parser (a PEG) reports the farthest position it reached and every alternative it
tried there, character classes included ("expected one of LATERAL, SERVICE, [_]" for a triple
pattern without its object). Once the engine has refused a query, its tokens (chava.sparql.lexer)
are read for the mistakes people make most: an undeclared prefix (named, with the namespace it
usually stands for), a triple pattern missing its object, an unclosed or stray bracket, a
misspelt query form. Anything else keeps the engine's position, names the token there and lists
what was expected in words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from chava.errors import QuerySyntaxError
from chava.sparql.lexer import Kind, Token, line_and_column, tokenize

_POSITION: Final = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_QUOTED: Final = re.compile(r'"((?:[^"\\]|\\.)*)"')
_CLASS: Final = re.compile(r"\[[^\]]*\]")
_FORMS: Final = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_TERMS: Final = frozenset(
    {Kind.IRI, Kind.PNAME, Kind.VAR, Kind.BNODE, Kind.STRING, Kind.NUMBER, Kind.LANGTAG}
)
_CLOSERS: Final = {"}": "{", ")": "(", "]": "["}


@dataclass(frozen=True)
class SyntaxProblem:
    """Where a query stops parsing, what stands there, and what could have."""

    line: int | None
    column: int | None
    token: str | None
    """The offending token as written; None at the end of the query."""
    expected: tuple[str, ...] = ()
    """What the grammar allows there, in words."""
    hint: str | None = None
    """The mistake, named (an undeclared prefix, a missing object...)."""

    def message(self) -> str:
        """One line: `syntax error at line L, column C: unexpected X; expected ...`."""
        where = f" at line {self.line}, column {self.column}" if self.line and self.column else ""
        found = "end of the query" if self.token is None else f'"{_shorten(self.token)}"'
        text = f"syntax error{where}: "
        text += self.hint if self.hint else f"unexpected {found}"
        if self.expected:
            text += "; expected " + _either(self.expected)
        return text


def syntax_error(
    engine_message: str, query: str, known_prefixes: Mapping[str, str] | None = None
) -> QuerySyntaxError:
    """The error to report for *query*, which the engine refused with *engine_message*."""
    problem = explain(engine_message, query, known_prefixes or {})
    return QuerySyntaxError(
        problem.message(),
        line=problem.line,
        column=problem.column,
        token=problem.token,
        expected=problem.expected,
    )


def explain(engine_message: str, query: str, known_prefixes: Mapping[str, str]) -> SyntaxProblem:
    """The problem with *query*, from its tokens and the engine's message."""
    tokens = list(tokenize(query))
    found = _unclosed_term(query, tokens)
    found = found or _undeclared_prefix(query, tokens, known_prefixes)
    found = found or _misspelt_form(query, tokens)
    found = found or _keyword_pair(query, tokens)
    found = found or _bracket(query, tokens)
    found = found or _incomplete_triple(query, tokens)
    return found or _from_engine(engine_message, query, tokens)


def _unclosed_term(query: str, tokens: Sequence[Token]) -> SyntaxProblem | None:
    """An IRI without its `>` (`<http://x ?o`) or a string without its closing quote."""
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        opens_iri = (
            token.kind is Kind.PUNCT
            and token.text == "<"
            and following is not None
            and following.start == token.start + 1
            and following.kind in (Kind.PNAME, Kind.WORD)
        )
        opens_string = token.kind is Kind.ERROR and token.text in ('"', "'")
        if opens_iri or opens_string:
            line, column = line_and_column(query, token.start)
            what = "IRI" if opens_iri else "string"
            closer = '">"' if opens_iri else f"a closing {token.text}"
            hint = f"the {what} starting here is not closed"
            return SyntaxProblem(line, column, token.text, (closer,), hint)
    return None


def _keyword_pair(query: str, tokens: Sequence[Token]) -> SyntaxProblem | None:
    """ORDER or GROUP without BY."""
    for index, token in enumerate(tokens):
        if token.kind is Kind.WORD and token.text.upper() in ("ORDER", "GROUP"):
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is None or following.text.upper() != "BY":
                line, column = line_and_column(query, token.start)
                hint = f'"{token.text}" must be followed by BY'
                found = None if following is None else following.text
                return SyntaxProblem(line, column, found, ("BY",), hint)
    return None


def _undeclared_prefix(
    query: str, tokens: Sequence[Token], known: Mapping[str, str]
) -> SyntaxProblem | None:
    declared: set[str] = set()
    for index, token in enumerate(tokens):
        if token.kind is Kind.WORD and token.text.upper() == "PREFIX":
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is not None and following.kind is Kind.PNAME:
                declared.add(following.text.partition(":")[0])
            continue
        if token.kind is not Kind.PNAME or _declares(tokens, index):
            continue
        prefix = token.text.partition(":")[0]
        if prefix in declared:
            continue
        line, column = line_and_column(query, token.start)
        hint = f'the prefix "{prefix}:" of "{_shorten(token.text)}" is not declared'
        namespace = known.get(prefix)
        if namespace is not None:
            hint += f"; add PREFIX {prefix}: <{namespace}> at the top of the query"
        return SyntaxProblem(line, column, token.text, (), hint)
    return None


def _declares(tokens: Sequence[Token], index: int) -> bool:
    """Whether the prefixed name at *index* is the name a PREFIX declaration declares."""
    previous = tokens[index - 1] if index > 0 else None
    return previous is not None and previous.kind is Kind.WORD and previous.text.upper() == "PREFIX"


def _misspelt_form(query: str, tokens: Sequence[Token]) -> SyntaxProblem | None:
    index = 0
    while index < len(tokens) and tokens[index].text.upper() in ("PREFIX", "BASE"):
        index += 3 if tokens[index].text.upper() == "PREFIX" else 2
    if index >= len(tokens):
        return None
    token = tokens[index]
    if token.kind is Kind.WORD and token.text.upper() in (*_FORMS, "PREFIX", "BASE"):
        return None
    line, column = line_and_column(query, token.start)
    expected = (*_FORMS, "PREFIX", "BASE")
    return SyntaxProblem(line, column, token.text, expected, f'unexpected "{token.text}"')


def _bracket(query: str, tokens: Sequence[Token]) -> SyntaxProblem | None:
    opened: list[Token] = []
    for token in tokens:
        if token.kind is not Kind.PUNCT:
            continue
        if token.text in ("{", "(", "["):
            opened.append(token)
        elif token.text in _CLOSERS:
            if not opened or opened[-1].text != _CLOSERS[token.text]:
                line, column = line_and_column(query, token.start)
                expected = (_closer_of(opened[-1].text),) if opened else ()
                return SyntaxProblem(line, column, token.text, expected)
            opened.pop()
    if opened:
        last = opened[-1]
        line, column = line_and_column(query, len(query.rstrip()))
        opened_at = "line {}, column {}".format(*line_and_column(query, last.start))
        hint = f'the "{last.text}" opened at {opened_at} is never closed'
        return SyntaxProblem(line, column, None, (_closer_of(last.text),), hint)
    return None


def _closer_of(opener: str) -> str:
    return next(closer for closer, opening in _CLOSERS.items() if opening == opener)


def _incomplete_triple(query: str, tokens: Sequence[Token]) -> SyntaxProblem | None:
    """A run of one or two terms between `{` or `.` and `}` or `.`: a triple without its end."""
    run: list[Token] = []
    data_block = False  # VALUES ... { ... } holds data, not triple patterns
    for index, token in enumerate(tokens):
        word = token.text.upper() if token.kind is Kind.WORD else ""
        if word == "VALUES":
            data_block = True
        if token.kind in _TERMS or (token.kind is Kind.WORD and token.text == "a"):
            run.append(token)
            continue
        if token.kind is Kind.PUNCT and token.text in ("}", ".") and 1 <= len(run) <= 2:
            starts = tokens[index - len(run) - 1] if index - len(run) >= 1 else None
            if (
                not data_block
                and starts is not None
                and starts.kind is Kind.PUNCT
                and starts.text in ("{", ".", "}")
            ):
                line, column = line_and_column(query, token.start)
                written = " ".join(term.text for term in run)
                missing = "no predicate and no object" if len(run) == 1 else "no object"
                hint = f'the triple pattern "{_shorten(written)}" has {missing}'
                expected = (
                    ("a predicate and an object",)
                    if len(run) == 1
                    else ("an object (an IRI, a literal or a variable)",)
                )
                return SyntaxProblem(line, column, token.text, expected, hint)
        if token.kind is Kind.PUNCT and token.text == "}":
            data_block = False
        run = []
    return None


def _from_engine(engine_message: str, query: str, tokens: Sequence[Token]) -> SyntaxProblem:
    match = _POSITION.match(engine_message.strip())
    if match is None:
        return SyntaxProblem(None, None, None, (), " ".join(engine_message.split())[:200])
    line, column, rest = int(match.group(1)), int(match.group(2)), match.group(3)
    offset = _offset(query, line, column)
    token = next((t for t in tokens if t.start <= offset < t.start + len(t.text)), None)
    if token is None:
        token = next((t for t in tokens if t.start >= offset), None)
    if token is not None:
        line, column = line_and_column(query, token.start)
    return SyntaxProblem(line, column, None if token is None else token.text, _expected(rest))


def _offset(query: str, line: int, column: int) -> int:
    lines = query.split("\n")
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1


def _expected(rest: str) -> tuple[str, ...]:
    """The engine's alternatives in words: keywords and punctuation; classes as "a name"."""
    text = rest.removeprefix("expected one of ").removeprefix("expected ")
    words: list[str] = []
    classes = _CLASS.findall(text)
    for quoted in _QUOTED.findall(_CLASS.sub("", text)):
        words.append(f'"{quoted}"')
    for part in _CLASS.sub("", _QUOTED.sub("", text)).split(","):
        part = part.strip()
        if part and part != "Prefix not found":
            words.append(part)
    keywords = [word for word in words if word.isupper() or word[:2] == "is"]
    if len(keywords) > 6:  # the functions an expression may start with: say so instead
        words = [word for word in words if word not in keywords] + ["an expression"]
    if any("'A'" in item or "'a'" in item for item in classes):
        words.append("a name")
    elif any("'0'" in item for item in classes):
        words.append("a number")
    return tuple(dict.fromkeys(word for word in words if word not in ("LATERAL", "SERVICE")))


def _either(options: Sequence[str]) -> str:
    if len(options) == 1:
        return options[0]
    return ", ".join(options[:-1]) + " or " + options[-1]


def _shorten(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
