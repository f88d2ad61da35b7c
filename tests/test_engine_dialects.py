"""The parts of chava.stores.remote_engines that need no engine: query rewriting, answers in an
engine's dialect, the circuit breaker, chunks, credentials (a bearer token sent to a real local
server)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from requests.structures import CaseInsensitiveDict

from chava.config import Settings
from chava.errors import (
    ConfigError,
    EngineBusyError,
    EngineTimeoutError,
    EngineUnreachableError,
)
from chava.network.publish_remote import chunked, content_hash
from chava.stores.remote_engines import transport
from chava.stores.remote_engines.answers import read_answer
from chava.stores.remote_engines.auth import Credentials
from chava.stores.remote_engines.profiles import OXIGRAPH, VIRTUOSO, profile_of_server
from chava.stores.remote_engines.rewrite import boolean_variables, modifiers, page, query_form
from chava.stores.remote_engines.transport import Breaker, EngineClient, EngineReply
from chava.stores.remote_store import store_urls

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("query", "limit", "offset", "ordered"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", None, 0, False),
        ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10 OFFSET 5", 10, 5, True),
        ("SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 3 } } OFFSET 7", None, 7, False),
        (
            "SELECT (EXISTS { ?a ?b ?c } AS ?e) { ?s ?p ?o } LIMIT 2 VALUES ?s { <a:b> }",
            2,
            0,
            False,
        ),
    ],
)
def test_top_level_modifiers_are_read_and_replaced(
    query: str, limit: int | None, offset: int, ordered: bool
) -> None:
    found = modifiers(query)
    assert (found.limit, found.offset, found.ordered) == (limit, offset, ordered)
    paged = page(query, found, start=100, size=50, order=["s"])
    again = modifiers(paged)
    assert again.limit == 50
    assert again.offset == offset + 100
    assert again.ordered  # ordered by the variables when it was not
    ox.Store().query(paged)  # still a query


def test_a_trailing_comment_does_not_swallow_the_page() -> None:
    query = "SELECT * WHERE { ?s ?p ?o }\n# request 7"
    assert modifiers(page(query, modifiers(query), start=0, size=3)).limit == 3


def test_boolean_expressions_are_found_by_their_top_operator() -> None:
    query = (
        "SELECT (EXISTS { ?s ?p ?o } AS ?e) ((?a > 1) * 2 AS ?n) (?a = ?b AS ?c) "
        "(STR(?x) AS ?s) (COUNT(*) AS ?k) WHERE { BIND(BOUND(?x) && ?y AS ?z) "
        "BIND(?x IN (1, 2) AS ?i) BIND(NOT EXISTS { ?a ?b ?c } AS ?ne) "
        'BIND(CONTAINS(?a, "x") + 1 AS ?no) }'
    )
    assert boolean_variables(query) == {"e", "c", "z", "i", "ne"}
    assert query_form("PREFIX a: <x:> ASK { ?s ?p ?o }") == "ASK"


def _reply(
    body: bytes, media: str = "application/sparql-results+json", **headers: str
) -> EngineReply:
    return EngineReply("http://127.0.0.1/sparql", 200, media, CaseInsensitiveDict(headers), body)


VIRTUOSO_TABLE = b"""{ "head": { "link": [], "vars": ["s", "b", "n", "_star_fake"] },
  "results": { "distinct": false, "ordered": true, "bindings": [
    { "s": { "type": "bnode", "value": "nodeID://b10000" },
      "b": { "type": "typed-literal", "datatype": "XSDboolean", "value": "1" },
      "n": { "type": "typed-literal", "datatype": "XSDinteger", "value": "0" } } ] } }""".replace(
    b"XSD", XSD.encode()
)


def test_a_virtuoso_table_is_read_as_the_embedded_store_writes_it() -> None:
    answer = read_answer(_reply(VIRTUOSO_TABLE), VIRTUOSO, booleans=frozenset({"n"}))
    assert isinstance(answer.result, ox.QuerySolutions)
    assert [str(name) for name in answer.result.variables] == ["?s", "?b", "?n"]
    row = next(iter(answer.result))
    assert row["s"] == ox.BlankNode("b10000")
    assert row["b"] == ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    assert row["n"] == ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))
    assert not answer.cut


def test_asks_cuts_and_partial_answers() -> None:
    ask = b'{"head":{"vars":["__ASK_RETVAL"]},"results":{"bindings":[{"__ASK_RETVAL":{"type":"typed-literal","datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"1"}}]}}'
    assert bool(read_answer(_reply(ask), VIRTUOSO).result) is True
    cut = read_answer(_reply(VIRTUOSO_TABLE, **{"X-SPARQL-MaxRows": "1"}), VIRTUOSO)
    assert cut.cut
    with pytest.raises(EngineTimeoutError, match="partial"):
        read_answer(_reply(VIRTUOSO_TABLE, **{"X-SQL-State": "S1TAT"}), VIRTUOSO)
    triples = b"<a:s> <a:p> <a:o> .\n<a:s> <a:p> <a:q> .\n"
    graph = read_answer(_reply(triples, "application/n-triples"), VIRTUOSO, max_rows=2)
    assert graph.cut  # as many triples as the cap: CONSTRUCT is cut without a word
    assert not read_answer(_reply(triples, "application/n-triples"), OXIGRAPH).cut


def test_profiles_come_from_the_server_header() -> None:
    assert profile_of_server("Virtuoso/07.20.3229 (Linux)").name == "virtuoso"
    assert profile_of_server("Oxigraph/0.5.13").name == "oxigraph"
    assert profile_of_server("Apache Jena Fuseki (5.0)").name == "fuseki"
    assert profile_of_server("nginx").name == "generic"
    with pytest.raises(ConfigError, match="store_engine"):
        Settings.from_mapping({"store_engine": "blazegraph"}, origin="test")


def test_the_breaker_opens_waits_then_lets_one_probe_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transport, "BREAKER_COOLDOWN", 0.2)
    breaker = Breaker("http://127.0.0.1:9/sparql")
    down = EngineUnreachableError("connection refused")
    for _attempt in range(transport.BREAKER_FAILURES):
        assert breaker.admit()
        breaker.failed(down)
    assert breaker.cooling()
    assert not breaker.admit()
    refusal = breaker.refusal()
    assert isinstance(refusal, EngineUnreachableError)
    assert refusal.retry_after >= 1
    time.sleep(0.25)
    assert breaker.admit()  # the probe's turn
    assert breaker.must_probe()
    assert not breaker.admit()  # one probe at a time
    breaker.succeeded()
    assert breaker.admit()
    assert not breaker.open


def test_an_unreachable_engine_is_502_and_a_busy_pool_503() -> None:
    client = EngineClient(
        ["http://127.0.0.1:9/sparql"],
        Credentials(),
        connect_timeout=1,
        read_timeout=1,
        max_bytes=1000,
        concurrency=1,
        wait=0.05,
    )
    with pytest.raises(EngineUnreachableError, match="connection refused"):
        client.post_form([("query", "ASK {}")], accept="application/sparql-results+json")
    held = client._session()  # the one connection, taken
    try:
        with pytest.raises(EngineBusyError):
            client.post_form([("query", "ASK {}")], accept="application/sparql-results+json")
    finally:
        client._idle.put(held)


@contextmanager
def _recording_server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.headers.get("Authorization", ""))
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = b'{"head":{},"boolean":true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", seen
    finally:
        server.shutdown()
        server.server_close()


def test_a_bearer_token_is_sent_and_never_shown() -> None:
    credentials = Credentials(token="s3cret-token")
    assert "s3cret" not in repr(credentials)
    with _recording_server() as (url, seen):
        client = EngineClient(
            [url], credentials, connect_timeout=2, read_timeout=5, max_bytes=1000, concurrency=1
        )
        client.post_form([("query", "ASK {}")], accept="application/sparql-results+json")
    assert seen == ["Bearer s3cret-token"]
    with pytest.raises(ConfigError, match="either"):
        Credentials(user="a", password="b", token="c")


def test_store_urls_take_replicas_and_refuse_credentials() -> None:
    assert store_urls("http://a:1/q  http://b:2/q,http://c:3/q") == (
        "http://a:1/q",
        "http://b:2/q",
        "http://c:3/q",
    )
    with pytest.raises(ConfigError, match="credentials"):
        store_urls("http://user:pw@a:1/q")


def test_chunks_keep_each_blank_node_whole() -> None:
    p = ox.NamedNode("https://example.org/p")
    triples = []
    for index in range(200):
        head, tail = ox.BlankNode(), ox.BlankNode()
        subject = ox.NamedNode(f"https://example.org/s{index}")
        triples += [
            ox.Triple(subject, p, head),
            ox.Triple(head, p, tail),
            ox.Triple(tail, p, ox.Literal(f"value {index}")),
        ]
    chunks = list(chunked(triples, 2_000))
    assert len(chunks) > 5
    parsed = [list(ox.parse(chunk, format=ox.RdfFormat.N_TRIPLES)) for chunk in chunks]
    assert sum(len(chunk) for chunk in parsed) == len(triples)
    for chunk in parsed:
        labels = [
            term.value
            for quad in chunk
            for term in (quad.subject, quad.object)
            if isinstance(term, ox.BlankNode)
        ]
        # each blank node shows up as subject and object in the same chunk (or is an end)
        assert all(labels.count(label) >= 2 for label in labels)
    assert content_hash(triples) == content_hash(list(reversed(triples)))


def test_an_answer_the_oxigraph_server_broke_off_at_its_time_limit_is_a_timeout() -> None:
    broken = b"?n\nError Empty integer serialization on 'The SPARQL operation has been cancelled'"
    with pytest.raises(EngineTimeoutError, match="its own time limit"):
        read_answer(_reply(broken, "text/tab-separated-values"), OXIGRAPH)
