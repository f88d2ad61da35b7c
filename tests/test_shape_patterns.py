"""Every sh:pattern and sh:flags of the shapes uses XPath regular expression syntax only.

SHACL defines sh:pattern by SPARQL's REGEX, that is XPath's fn:matches: no look-around, no
`(?:...)` or `(?i)` groups, no `\\b`, no possessive quantifiers, no POSIX classes. A profile
using them loads in one engine and is refused (or misread) by another, e.g. pyrudof.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from chava import namespaces
from chava.loading.sources import parse_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHAPE_FILES = sorted((PROJECT_ROOT / "shapes").glob("*.ttl"))
PATTERN = ox.NamedNode(namespaces.SH + "pattern")
FLAGS = ox.NamedNode(namespaces.SH + "flags")

XPATH_FLAGS = frozenset("smixq")
# Escapes XPath allows: single characters, multi-character classes, \p{..} / \P{..} (below).
SINGLE_ESCAPES = frozenset("nrt\\|.?*+(){}-[]^$")
CLASS_ESCAPES = frozenset("sSiIcCdDwW")
QUANTIFIERS = frozenset("?*+")


def xpath_problems(regex: str) -> list[str]:
    """Name each construct of *regex* that XPath's regular expressions do not have."""
    problems: list[str] = []
    index = 0
    depth = 0
    after_quantifier = False
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            index = _escape(regex, index, problems, in_class=False)
            after_quantifier = False
            continue
        if char == "(":
            if regex.startswith("(?", index):
                problems.append(f"group construct {regex[index : index + 3]!r} at {index}")
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                problems.append(f"unbalanced ')' at {index}")
                depth = 0
        elif char == "[":
            index = _char_class(regex, index, problems)
            after_quantifier = False
            continue
        elif char in QUANTIFIERS or char == "{":
            if after_quantifier and char == "+":
                problems.append(f"possessive quantifier at {index}")
            elif after_quantifier and char != "?":
                problems.append(f"quantifier after a quantifier at {index}")
            if char == "{":
                end = regex.find("}", index)
                body = regex[index + 1 : end] if end > 0 else ""
                low, _, high = body.partition(",")
                if end < 0 or not low.isdigit() or (high and not high.isdigit()):
                    problems.append(f"malformed quantifier at {index}")
                index = max(end, index)
            # A reluctant `?` closes the quantifier; anything else may follow a quantifier.
            after_quantifier = not (after_quantifier and char == "?")
            index += 1
            continue
        elif char in "]}":
            problems.append(f"unescaped {char!r} at {index}")
        after_quantifier = False
        index += 1
    if depth:
        problems.append("unbalanced '('")
    return problems


def _escape(regex: str, index: int, problems: list[str], *, in_class: bool) -> int:
    escaped = regex[index + 1 : index + 2]
    if escaped in ("p", "P"):
        end = regex.find("}", index)
        if regex[index + 2 : index + 3] != "{" or end < 0:
            problems.append(f"malformed \\{escaped}{{..}} at {index}")
            return index + 2
        return end + 1
    if escaped.isdigit() and escaped != "0" and not in_class:
        return index + 2  # a back-reference
    if escaped not in SINGLE_ESCAPES and escaped not in CLASS_ESCAPES:
        problems.append(f"escape \\{escaped} at {index}")
    return index + 2


def _char_class(regex: str, index: int, problems: list[str]) -> int:
    """Scan `[...]` (with XPath's `-[...]` subtraction); return the index after it."""
    if regex.startswith("[[:", index) or regex.startswith("[:", index + 1):
        problems.append(f"POSIX character class at {index}")
    index += 1
    if regex.startswith("^", index):
        index += 1
    first = True
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            index = _escape(regex, index, problems, in_class=True)
        elif char == "]" and not first:
            return index + 1
        elif char == "-" and regex.startswith("-[", index):
            index = _char_class(regex, index + 1, problems)
            if not regex.startswith("]", index):
                problems.append(f"subtraction not last in its class at {index}")
        elif char == "[":
            problems.append(f"unescaped '[' inside a class at {index}")
            index += 1
        else:
            index += 1
        first = False
    problems.append("unterminated character class")
    return index


@pytest.mark.parametrize(
    ("regex", "problem"),
    [
        ("^(?!https://x)|^https://x#A$", "group construct"),
        ("(?:a|b)", "group construct"),
        ("(?i)abc", "group construct"),
        ("(?<=a)b", "group construct"),
        ("\\bword\\b", "escape \\b"),
        ("\\Aabc\\z", "escape \\A"),
        ("a++", "possessive"),
        ("[[:alpha:]]+", "POSIX"),
        ("\\x41", "escape \\x"),
        ("a{2,x}", "malformed quantifier"),
        ("(a", "unbalanced"),
    ],
)
def test_checker_names_constructs_xpath_lacks(regex: str, problem: str) -> None:
    assert any(problem in found for found in xpath_problems(regex)), xpath_problems(regex)


@pytest.mark.parametrize(
    "regex",
    [
        "^(WB|BB|FC)(\\.[1-9][0-9]*)?$",
        "^[^@\\s:]+@[^@\\s:]+\\.[A-Za-z]{2,}$",
        "^\\+?[0-9][0-9 ./()-]{5,}$",
        "^[a-z]{2,3}$",
        "\\p{Lu}\\P{IsBasicLatin}*?",
        "[a-z-[aeiou]]+",
        "(a)\\1",
    ],
)
def test_checker_accepts_xpath(regex: str) -> None:
    assert xpath_problems(regex) == []


def shape_literals(predicate: ox.NamedNode) -> list[tuple[str, str]]:
    return [
        (path.name, quad.object.value)
        for path in SHAPE_FILES
        for quad in parse_file(path)
        if quad.predicate == predicate and isinstance(quad.object, ox.Literal)
    ]


def test_the_shapes_have_patterns_to_check() -> None:
    assert len(shape_literals(PATTERN)) >= 8


@pytest.mark.parametrize(("file", "regex"), shape_literals(PATTERN))
def test_every_pattern_is_xpath(file: str, regex: str) -> None:
    assert xpath_problems(regex) == [], f"{file}: {regex}"


def test_every_flag_is_an_xpath_flag() -> None:
    for file, flags in shape_literals(FLAGS):
        assert set(flags) <= XPATH_FLAGS, f"{file}: sh:flags {flags!r}"
