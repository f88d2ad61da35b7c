"""The response rules: one module sets CORS, validator and caching headers (issue 15), and its
rules hold (304 decisions, one preflight answer, one list of exposed headers)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.datastructures import Headers

from chava.web import response_rules as rules

SOURCE = Path(rules.__file__).resolve().parents[1]
RULES = Path(rules.__file__).resolve()
OWNED_HEADERS = frozenset({"etag", "last-modified", "cache-control", "vary"})
"""Headers only the rules module spells (besides every `Access-Control-*`)."""
OWNED_CALLS = frozenset(
    {"set_etag", "add_etag", "make_conditional", "is_resource_modified", "send_from_directory"}
)
"""werkzeug's and Flask's own validator machinery: only through the rules."""
OWNED_ATTRIBUTES = frozenset({"last_modified", "cache_control", "vary", "expires"})
"""Response attributes that set those headers when assigned or changed."""


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value.strip().lower()
            if value in OWNED_HEADERS or value.startswith("access-control-"):
                found.append(f"{where}: header {node.value!r}")
        elif isinstance(node, ast.Attribute) and not _is_rules(node.value):
            if node.attr in OWNED_CALLS:
                found.append(f"{where}: {node.attr}")
            elif node.attr in OWNED_ATTRIBUTES and isinstance(node.ctx, ast.Store):
                found.append(f"{where}: sets .{node.attr}")
            elif node.attr in ("cache_control", "vary"):
                found.append(f"{where}: changes .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in OWNED_CALLS:
            found.append(f"{where}: {node.id}")
        elif isinstance(node, ast.Call) and _name(node.func) == "send_file":
            for keyword in node.keywords:
                off = isinstance(keyword.value, ast.Constant) and keyword.value.value in (
                    False,
                    None,
                )
                if keyword.arg in ("etag", "last_modified", "max_age", "conditional") and not off:
                    found.append(f"{where}: send_file({keyword.arg}=...)")
    return found


def _is_rules(node: ast.expr) -> bool:
    """`rules.vary(...)`: the rules module itself, imported as `rules`."""
    return isinstance(node, ast.Name) and node.id in ("rules", "response_rules")


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def test_no_module_but_the_rules_sets_cors_validator_or_caching_headers() -> None:
    """Issue 15: CORS was set in 8 places and ETags computed 4 ways; now in one module."""
    violations = [
        f"{path.relative_to(SOURCE.parent)}: {violation}"
        for path in sorted(SOURCE.rglob("*.py"))
        if path.resolve() != RULES
        for violation in _violations(path)
    ]
    assert violations == []


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The check above sees each way a module could set these headers itself."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        'response.headers["Access-Control-Allow-Origin"] = "*"\n'
        'headers = [("ETag", etag), ("Cache-Control", "no-store"), ("Vary", "Accept")]\n'
        "response.last_modified = created\n"
        "response.set_etag(value)\n"
        "response.vary.add('Accept')\n"
        "send_file(path, etag=value, conditional=False)\n"
    )
    assert len(_violations(sample)) == 8, _violations(sample)


def test_one_preflight_answer_and_one_list_of_exposed_headers() -> None:
    preflight = dict(rules.preflight_headers(("GET", "POST", "OPTIONS")))
    assert preflight["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    allowed = preflight["Access-Control-Allow-Headers"]
    for name in ("Accept", "Accept-Language", "Content-Type", "If-None-Match", "Range"):
        assert name in allowed
    exposed = dict(rules.cors_headers())["Access-Control-Expose-Headers"]
    for name in ("ETag", "Link", "Retry-After", rules.TRUNCATED_HEADER, "Content-Language"):
        assert name in exposed


NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("validators", "if_none_match", "if_modified_since", "expected"),
    [
        (rules.Validators("abc"), '"abc"', None, True),
        (rules.Validators("abc"), 'W/"abc"', None, True),  # weak comparison (RFC 9110 13.1.2)
        (rules.Validators("abc"), '"x", "abc"', None, True),
        (rules.Validators("abc"), "*", None, True),
        (rules.Validators("abc"), '"x"', None, False),
        (rules.Validators(None), '"abc"', None, False),
        (rules.Validators("abc", NOW), '"x"', "Thu, 02 Jan 2025 03:04:05 GMT", False),  # INM wins
        (rules.Validators("abc", NOW), None, "Thu, 02 Jan 2025 03:04:05 GMT", True),
        (rules.Validators("abc", NOW), None, "Thu, 02 Jan 2025 03:04:04 GMT", False),
        (rules.Validators("abc", NOW), None, "not a date", False),
        (rules.Validators("abc", NOW), None, None, False),
    ],
)
def test_not_modified_follows_rfc_9110(
    validators: rules.Validators,
    if_none_match: str | None,
    if_modified_since: str | None,
    expected: bool,
) -> None:
    decided = rules.is_not_modified(
        validators, if_none_match=if_none_match, if_modified_since=if_modified_since
    )
    assert decided is expected


def test_a_304_keeps_validators_and_drops_the_content_description() -> None:
    headers = [
        ("Content-Type", "text/turtle"),
        ("Content-Length", "12"),
        ("Content-Language", "fr"),
        *rules.Validators("abc", NOW).headers(),
        rules.vary("Accept"),
    ]
    kept = dict(rules.not_modified_headers(headers))
    assert kept == {
        "ETag": '"abc"',
        "Last-Modified": "Thu, 02 Jan 2025 03:04:05 GMT",
        "Vary": "Accept",
    }


def test_applied_vary_and_link_add_up_and_others_replace() -> None:
    target = Headers([("Vary", "Accept"), ("Link", '</a>; rel="next"'), ("ETag", '"old"')])
    rules.apply(
        target,
        [
            rules.vary("Accept", "Accept-Language"),
            ("Link", '</b>; rel="prev"'),
            ("ETag", '"new"'),
        ],
    )
    assert target["Vary"] == "Accept, Accept-Language"
    assert target["Link"] == '</a>; rel="next", </b>; rel="prev"'
    assert target["ETag"] == '"new"'


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("application/json", False),
        ("*/*", False),
        (None, False),
        ("text/html;q=0", False),
    ],
)
def test_browsers_get_pages_and_machines_json(accept: str | None, html: bool) -> None:
    assert rules.wants_html(accept) is html
