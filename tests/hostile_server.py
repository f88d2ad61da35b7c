"""A small local HTTP server that misbehaves on purpose, for the network-safety tests."""

from __future__ import annotations

import base64
import functools
import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests import hostile_inputs

BIG = 50 * 1024 * 1024
AUTH = base64.b64encode(b"user:secret").decode()
VALID_TURTLE = (
    b"<https://partner.example.org/id/a> <http://www.w3.org/2000/01/rdf-schema#label> 'A' .\n"
)
TRESPASS = (
    b"<https://example.org/exampleville/id/organization/ville> "
    b"<http://www.w3.org/2000/01/rdf-schema#label> 'Hacked'@fr .\n"
    b"<https://w3id.org/learning-city/def/core#WorkingGroup> "
    b"<http://www.w3.org/2000/01/rdf-schema#label> 'Hacked'@fr .\n" + VALID_TURTLE
)


@functools.cache
def _bomb() -> bytes:
    """20 MB of spaces, gzipped to a few kilobytes."""
    return gzip.compress(b" " * (20 * 1024 * 1024))


HOSTILE: dict[str, tuple[str, bytes]] = {
    "/entity-bomb.rdf": ("application/rdf+xml", hostile_inputs.entity_bomb()),
    "/xxe.rdf": ("application/rdf+xml", hostile_inputs.external_entity()),
    "/deep.jsonld": ("application/ld+json", hostile_inputs.deep_jsonld()),
    "/deep.ttl": ("text/turtle", hostile_inputs.deep_turtle()),
    "/deep-triple-terms.nt": ("application/n-triples", hostile_inputs.deep_triple_terms()),
    "/huge-literal.nt": ("application/n-triples", hostile_inputs.huge_literal(2 * 1024 * 1024)),
    "/many.nt": ("application/n-triples", hostile_inputs.many_statements(3000)),
    "/imports.ttl": ("text/turtle", hostile_inputs.OWL_IMPORTS),
}
"""Hostile documents, each also answered by `/sparql/<name>` as a one-class SPARQL endpoint
whose DESCRIBE pages are that document."""
_ONE_CLASS = (
    b'{"head": {"vars": ["class"]}, "results": {"bindings": [{"class": '
    b'{"type": "uri", "value": "https://partner.example.org/def/Thing"}}]}}'
)
_NO_ROWS = b'{"head": {"vars": ["g", "kind"]}, "results": {"bindings": []}}'


class _Handler(BaseHTTPRequestHandler):
    """Paths: /auth (PUT/POST needing user:secret), /slow (never answers), /big (50 MB),
    /invalid (broken Turtle), /html, /redirect (to another host), /redirect-same (to /valid.ttl
    on this host), /valid.ttl, /valid.ttl.gz, /bomb.nt.gz (20 MB inflated), /trespass.ttl
    (about the Exampleville scaffold's IRIs), /drip (a byte every 0.2 s), the HOSTILE documents
    and /sparql/<document> endpoints serving them."""

    body = b""

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0") or 0)
        self.body = self.rfile.read(length)
        self._answer()

    def do_PUT(self) -> None:
        self.do_POST()

    def _answer(self) -> None:
        path = self.path.split("?")[0]
        if path.startswith("/sparql/"):
            self._endpoint("/" + path.removeprefix("/sparql/"))
            return
        if path in HOSTILE:
            self._send(200, *HOSTILE[path])
            return
        if path.startswith("/slow"):
            time.sleep(5)
            return
        if path.startswith("/big"):
            self._send(200, "text/turtle", None, length=BIG)
            chunk = b"# " + b"x" * (1024 * 1024 - 3) + b"\n"
            try:
                for _ in range(BIG // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the client hung up, as it should
            return
        if path.startswith("/auth"):  # a graph store wanting user:secret (basic auth)
            if self.headers.get("Authorization") == "Basic " + AUTH:
                self._send(204, "text/plain", b"")
            else:
                self._send(401, "text/plain", b"wrong credentials")
        elif path.startswith("/invalid"):
            self._send(200, "text/turtle", b"<https://a.example/x> <https://a.example/p> .\n")
        elif path.startswith("/html"):
            self._send(200, "text/html", b"<!doctype html><title>Welcome</title><p>Hello</p>")
        elif path.startswith("/redirect-same"):
            self._send(302, "text/plain", b"", location="/valid.ttl")
        elif path.startswith("/redirect"):
            port = self.server.server_port  # type: ignore[attr-defined]
            self._send(302, "text/plain", b"", location=f"http://localhost:{port}/valid.ttl")
        elif path.startswith("/valid.ttl.gz"):
            self._send(200, "application/gzip", gzip.compress(VALID_TURTLE))
        elif path.startswith("/bomb.nt.gz"):
            self._send(200, "application/gzip", _bomb())
        elif path.startswith("/trespass.ttl"):
            self._send(200, "text/turtle", TRESPASS)
        elif path.startswith("/valid.ttl"):
            self._send(200, "text/turtle", VALID_TURTLE)
        elif path.startswith("/drip"):
            self._send(200, "text/turtle", None, length=100)
            try:
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        else:
            self._send(404, "text/plain", b"not here")

    def _endpoint(self, document: str) -> None:
        query = parse_qs(self.body.decode()).get("query", [""])[0]
        if "?class" in query:
            self._send(200, "application/sparql-results+json", _ONE_CLASS)
        elif "DESCRIBE" in query and "OFFSET 0" in query:
            self._send(200, *HOSTILE[document])
        elif "DESCRIBE" in query:
            self._send(200, "application/n-triples", b"")
        else:
            self._send(200, "application/sparql-results+json", _NO_ROWS)

    def _send(
        self,
        status: int,
        media_type: str,
        body: bytes | None,
        *,
        length: int | None = None,
        location: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        if location is not None:
            self.send_header("Location", location)
        size = length if body is None else len(body)
        if size is not None and not self.path.startswith("/big-unannounced"):
            self.send_header("Content-Length", str(size))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests check behaviour, not logs."""


@contextmanager
def hostile_server() -> Iterator[str]:
    """Serve the misbehaving paths on 127.0.0.1 and yield the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
