"""The lexer and the screen against pyoxigraph's parser: where it reads code, so does the screen.

Two properties, checked on generated text (hypothesis, derandomized so CI runs the same cases):
- re-spacing a term at the lexer's token boundaries changes nothing pyoxigraph computes (so
  every token ends where pyoxigraph's does, strings, IRIs and escapes included);
- a query that makes pyoxigraph call a SERVICE (a loopback canary counts the calls) is refused
  by the screen, however the call is spelt or hidden.
And the obfuscation corpus of test_sparql_screen is real: pyoxigraph calls out on each one
marked live, where the old lexical screen let several through.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chava.errors import QueryError
from chava.sparql.lexer import Kind, tokenize, unescape_codepoints
from chava.sparql.screen import screen_query
from tests.test_sparql_screen import OBFUSCATIONS

STORE = ox.Store()
BASE = "http://127.0.0.1:9/sparql"

PIECES = [
    *"'\"#:%._aZ09u{}[]$`\\ \t<>-+*/|&!=,;()?@^~",
    *("\\u0041", "\\U0001F600", "\\u0022", "\\u003E", "é", "\\#", "%4a", "%4", "''", '""'),
    *("'''", '"""', "\\'", '\\"', "\\n", "\n", "\r", "\u00b7", "\u0300", "\\(", "\\-", "\\."),
    *("..", ":", "e1", "E-2", "\\\\", "SERVICE", "en", "?a", "1"),
]
WRAPPERS = [
    *("'{}'", '"{}"', "'''{}'''", '"""{}"""', "<{}>", "ex:{}", "{}", "ex:a{}", "1{}", ".{}"),
    *("?{}", "${}", ":{}", "<http://e/{}>", "?a<{}", "(?a<{}", "?a{}", '"a"@{}'),
]


def _bind(term: str) -> list[tuple[str, ...]] | str | None:
    """What pyoxigraph computes for `BIND(term AS ?x)`: rows, an error kind, or None if invalid."""
    prologue = "PREFIX ex: <http://e/> PREFIX : <http://f/> "
    query = f"{prologue}SELECT * {{ BIND(1 AS ?a) BIND({term} AS ?x) }}"
    try:
        answer = STORE.query(query, base_iri=BASE)
        assert isinstance(answer, ox.QuerySolutions)
        return [tuple(str(value) for value in row) for row in answer]
    except SyntaxError:
        return None
    except (ValueError, OSError, RuntimeError) as error:
        return type(error).__name__


@settings(
    max_examples=600,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(st.sampled_from(WRAPPERS), st.lists(st.sampled_from(PIECES), max_size=10).map("".join))
def test_tokens_end_where_pyoxigraphs_do(wrapper: str, inner: str) -> None:
    term = wrapper.format(inner)
    computed = _bind(term)
    if computed is None:
        return  # not a term pyoxigraph reads: nothing to compare
    tokens = list(tokenize(term))
    assert all(token.kind is not Kind.ERROR for token in tokens), (term, tokens)
    spaced = " ".join(token.text for token in tokens)
    assert _bind(spaced) == computed, (term, spaced)


class _Canary(BaseHTTPRequestHandler):
    """A SPARQL endpoint that answers every query with one empty solution, and logs its path."""

    calls: list[str]

    def do_POST(self) -> None:
        self.calls.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def canary() -> Iterator[tuple[int, list[str]]]:
    calls: list[str] = []
    handler = type("Handler", (_Canary,), {"calls": calls})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], calls
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _calls_out(query: str, base: str, calls: list[str], path: str | None = None) -> bool:
    """Whether pyoxigraph, running *query* over an empty store, calls the canary (at *path*)."""
    before = len(calls)
    try:
        answer = STORE.query(query, base_iri=base)
        if isinstance(answer, ox.QuerySolutions):
            list(answer)
    except (SyntaxError, ValueError, OSError, RuntimeError):
        pass
    return any(path is None or call.startswith(path) for call in calls[before:])


def _refused(query: str, base: str) -> bool:
    try:
        screen_query(query, max_depth=100, max_offset=1_000_000, base_iri=base)
    except QueryError:
        return True
    return False


SPELLINGS = [
    *("SERVICE {}", "service {}", "SeRvIcE {}", "SERVICE SILENT {}", "SERVICE\t#c\n{}"),
    *("SERVICE{}", "SERVICE SILENT{}", "SERVICESILENT {}"),
]
TARGETS = [
    "<{url}>",
    "<{escaped}>",
    ":{path}",
    "p:{path}",
    "<{relative}>",
    "<//{authority}{slash}>",
]
NOISE = [
    *("ex:a\\#", "ex:a\\'", "'''", '"', "'", "#", "\n", "?a<1#>", "?a<", ">", "(", ")", "{", "}"),
    *("ex:a.b.", "\\u0022", "\\u0023", "<x#'>", "ex:", ".", "BIND(1 AS ?b)", "FILTER(", "1"),
]
_counter = itertools.count()


@settings(
    max_examples=400,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    st.lists(st.sampled_from(NOISE), max_size=6).map(" ".join),
    st.sampled_from(SPELLINGS),
    st.sampled_from(TARGETS),
    st.lists(st.sampled_from(NOISE), max_size=4).map(" ".join),
)
def test_whatever_makes_pyoxigraph_call_out_is_refused(
    canary: tuple[int, list[str]], before: str, spelling: str, target: str, after: str
) -> None:
    port, calls = canary
    path = f"/call-{next(_counter)}"
    authority = f"127.0.0.1:{port}"
    url = f"http://{authority}{path}"
    iri = target.format(
        url=url,
        escaped=url.replace("c", "\\u0063"),
        path=path[1:],
        relative=path[1:],
        authority=authority,
        slash=path,
    )
    prologue = f"BASE <http://{authority}/> PREFIX : <http://{authority}/> PREFIX p: <c>"
    prologue += " PREFIX ex: <http://e/> "
    service = spelling.format(iri) + " { }"
    query = f"{prologue}SELECT * WHERE {{ {{ {before} }} UNION {{ {service} }} {after} }}"
    for text in (query, unescape_codepoints(query)):  # the second: an engine applying 19.2
        if _calls_out(text, BASE, calls, path):
            assert _refused(query, BASE), query


LIVE = [
    *("pn-local-escape", "pn-local-escape-quote", "percent-escape", "lower-case", "glued-iri"),
    *("comment-between", "silent", "glued-prefixed-name", "glued-silent", "silent-glued"),
    *("redeclared-prefix", "dotted-local-name", "prefixed-name", "relative-under-base"),
    *("network-path", "relative-prefix", "codepoint-in-iri", "numeric-host-short"),
    *("glued-prefix-declaration", "glued-empty-prefix"),
    *("numeric-host-hex", "numeric-host-integer", "less-than-comment"),
]


@pytest.mark.parametrize("name", LIVE)
def test_the_corpus_is_real_pyoxigraph_calls_out_on_each(
    canary: tuple[int, list[str]], name: str
) -> None:
    """Unscreened, each of these makes pyoxigraph connect to the address it names."""
    port, calls = canary
    query = OBFUSCATIONS[name].replace(":9/", f":{port}/")
    assert _calls_out(query, BASE.replace(":9/", f":{port}/"), calls), query
