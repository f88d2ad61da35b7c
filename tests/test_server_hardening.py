"""The real `chava serve` against hostile requests: bodies, headers, Host, paths (issue 12).

Chunked bodies are capped while they arrive (413) and the web worker's memory stays flat; slow
bodies are cut (408); every kind of response carries the security headers; with
`public_base_url` set no Host header a client sends reaches a link, a Location or a JSON-LD URL;
paths never leave the dumps and static folders.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.hostile_load import connect, get, process_memory, query_path, web_workers
from tests.publish_fixtures import write_publication
from tests.serve_support import chava_serve

pytestmark = pytest.mark.server

PUBLIC = "https://data.example.org"
SPOOFED = "evil.example"
CHUNK = b"x" * 65536


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = write_publication(tmp_path_factory.mktemp("publication"))
    environment = {
        "CHAVA_BUILD_DIR": str(tmp_path_factory.mktemp("build")),
        "CHAVA_PUBLIC_BASE_URL": PUBLIC,
        "CHAVA_WEB_BODY_TIMEOUT": "2",
    }
    with chava_serve(
        root, "--workers", "1", "--no-validate", environment=environment, startup_seconds=90
    ) as base:
        yield base


def _chunked_post(base: str, path: str, content_type: str, megabytes: int) -> int | None:
    """POST *megabytes* MB in chunks (no Content-Length); the status, or None if cut off."""
    connection = connect(base, timeout=60)

    def body() -> Iterator[bytes]:
        for _chunk in range(megabytes * 16):
            yield CHUNK

    with contextlib.suppress(OSError):  # the server answered and closed while we still sent
        connection.request(
            "POST",
            path,
            body=body(),
            headers={"Content-Type": content_type, "Transfer-Encoding": "chunked"},
            encode_chunked=True,
        )
    try:
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/sparql", "application/sparql-query"),
        ("/sparql", "application/x-www-form-urlencoded"),
        ("/api/tools", "application/x-www-form-urlencoded"),
        ("/id/tool/aide-memoire", "application/octet-stream"),
    ],
)
def test_a_huge_chunked_body_is_refused_while_read_and_memory_stays_flat(
    server: str, path: str, content_type: str
) -> None:
    (worker,) = web_workers(server)
    before = process_memory(worker)
    status = _chunked_post(server, path, content_type, megabytes=300)
    after = process_memory(worker)
    assert status in (413, None), status  # None: cut off while sending, never a 200
    assert status == 413 or get(server, "/").status == 200
    grown_mb = (after["VmHWM"] - before["VmHWM"]) / 1024
    assert grown_mb < 64, f"the web worker's peak memory grew {grown_mb:.0f} MB"


def test_a_chunked_query_under_the_cap_is_answered(server: str) -> None:
    connection = connect(server)
    try:
        connection.request(
            "POST",
            "/sparql",
            body=iter([b"ASK ", b"{ ?s ?p ?o }"]),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
                "Transfer-Encoding": "chunked",
            },
            encode_chunked=True,
        )
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["boolean"] is True
    finally:
        connection.close()


def test_a_body_that_does_not_arrive_in_time_is_cut_with_408(server: str) -> None:
    parts = urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nASK"
        )
        started = time.monotonic()
        reply = sock.recv(4096)
        assert reply.startswith(b"HTTP/1.1 408"), reply[:100]
        assert time.monotonic() - started < 10
    assert get(server, "/").status == 200


def _assert_secured(headers: dict[str, str], what: str) -> None:
    policy = headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy, (what, headers)
    assert "script-src 'self';" in policy, what
    assert "unsafe-inline" not in policy, what
    assert headers.get("x-content-type-options") == "nosniff", (what, headers)


@pytest.mark.parametrize(
    ("what", "path", "accept"),
    [
        ("home page", "/", "text/html"),
        ("resource page", "/id/tool/aide-memoire", "text/html"),
        ("resource in Turtle", "/id/tool/aide-memoire", "text/turtle"),
        ("API", "/api/tools", "application/ld+json"),
        ("dump", "/dumps/chava.ttl", "*/*"),
        ("SPARQL fast path", query_path("ASK { ?s ?p ?o }"), "*/*"),
        ("SPARQL editor", "/sparql", "text/html"),
        ("portal", "/portal/", "text/html"),
        ("static file", "/static/style.css", "*/*"),
        ("404 page", "/id/nothing-here", "text/html"),
        ("404 JSON", "/id/nothing-here", "application/json"),
        ("SPARQL error", query_path("SELECT * WHERE {"), "*/*"),
    ],
)
def test_every_kind_of_response_carries_the_security_headers(
    server: str, what: str, path: str, accept: str
) -> None:
    for attempt in ("computed", "replayed"):  # the second may come from the replay cache
        reply = get(server, path, headers={"Accept": accept})
        assert reply.status < 500, (what, reply.status)
        _assert_secured(reply.headers, f"{what} ({attempt})")


def test_refusals_by_the_gateway_carry_the_security_headers(server: str) -> None:
    connection = connect(server)
    try:
        connection.request(
            "POST",
            "/sparql",
            body=b"x" * 300_000,
            headers={"Content-Type": "application/sparql-query"},
        )
        response = connection.getresponse()
        assert response.status == 413
        _assert_secured({k.lower(): v for k, v in response.getheaders()}, "413")
    except OSError:
        pytest.fail("the 413 did not arrive")
    finally:
        connection.close()
    head = connect(server)
    try:
        head.request("HEAD", "/id/tool/aide-memoire")
        response = head.getresponse()
        assert response.status == 200
        assert response.read() == b""
        _assert_secured({k.lower(): v for k, v in response.getheaders()}, "HEAD")
    finally:
        head.close()


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/id/tool/aide-memoire", "application/ld+json"),
        ("/api/tools", "application/ld+json"),
        ("/api", "application/ld+json"),
        ("/classes", "text/html"),
        ("/portal", "text/html"),
        ("/.well-known/void", "text/turtle"),
        ("/sparql", "text/turtle"),
        (query_path("SELECT ?x WHERE { BIND(<rel> AS ?x) }"), "*/*"),
    ],
)
def test_a_spoofed_host_header_is_never_reflected(server: str, path: str, accept: str) -> None:
    reply = get(server, path, headers={"Accept": accept, "Host": SPOOFED})
    assert reply.status < 400, (path, reply.status)
    assert SPOOFED not in reply.body.decode("utf-8", "replace"), path
    assert all(SPOOFED not in value for value in reply.headers.values()), reply.headers
    location = reply.headers.get("location")
    if location is not None and "//" in location:
        assert location.startswith(PUBLIC + "/"), location


def test_the_public_base_url_is_where_links_point(server: str) -> None:
    reply = get(server, "/api", headers={"Accept": "application/ld+json", "Host": SPOOFED})
    assert PUBLIC in reply.body.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/..%2fmanifest.json",
        "/dumps/%2e%2e/manifest.json",
        "/dumps/../../etc/passwd",
        "/static/..%2f..%2fconfig.py",
        "/static/%2e%2e/%2e%2e/config.py",
        "/portal/..%2f..%2fapp.py",
        "/portal/%2e%2e/%2e%2e/app.py",
        "/portal//etc/passwd",
        "/static//etc/passwd",
    ],
)
def test_paths_never_leave_the_dumps_and_static_folders(server: str, path: str) -> None:
    reply = get(server, path)
    if reply.status == 308:  # `//` merged into `/`: the redirect stays inside the same folder
        prefix = "/" + path.strip("/").split("/")[0] + "/"
        assert reply.headers["location"].startswith(PUBLIC + prefix), reply.headers
        reply = get(server, urlsplit(reply.headers["location"]).path)
    assert reply.status in (400, 404), (path, reply.status)
    text = reply.body.decode("utf-8", "replace")
    assert "root:" not in text
    assert "def create_app" not in text
    assert "import" not in text


@pytest.mark.parametrize(
    "path", ["//evil.example/", "/\\evil.example/", "/portal/..//evil.example"]
)
def test_no_open_redirect(server: str, path: str) -> None:
    reply = get(server, path)
    location = reply.headers.get("location", "")
    assert "evil.example" not in location, (path, reply.status, location)


def test_options_and_unknown_methods_answer_cleanly(server: str) -> None:
    for method, path in (
        ("OPTIONS", "/sparql"),
        ("OPTIONS", "/id/tool/aide-memoire"),
        ("TRACE", "/"),
        ("PUT", "/sparql"),
        ("DELETE", "/dumps/chava.ttl"),
    ):
        connection = connect(server)
        try:
            connection.request(
                method,
                path,
                headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
            )
            response = connection.getresponse()
            response.read()
            assert response.status in (200, 204, 405), (method, path, response.status)
            _assert_secured({k.lower(): v for k, v in response.getheaders()}, method)
        finally:
            connection.close()


def test_huge_and_many_headers_are_refused_and_the_server_goes_on(server: str) -> None:
    parts = urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2_000_000 + b"\r\n\r\n")
        try:
            raw = sock.recv(4096)
        except OSError:
            raw = b""
        assert not raw.startswith(b"HTTP/1.1 200"), raw[:80]
    headers = {f"X-H{index}": "v" for index in range(500)}
    try:
        reply = get(server, "/", headers=headers)
        assert reply.status in (200, 400, 431)
    except (OSError, http.client.HTTPException):
        pass
    assert get(server, "/", headers={"Accept": "text/html"}).status == 200


@pytest.mark.slow
def test_many_silent_connections_do_not_shut_pages_out(server: str) -> None:
    """granian's default let 1024 sockets that never speak stop a worker from accepting."""
    parts = urlsplit(server)
    sockets: list[socket.socket] = []
    try:
        for index in range(1100):
            sock = socket.socket()
            sock.bind((f"127.0.0.{2 + index % 200}", 0))
            sock.connect((parts.hostname, parts.port))
            sockets.append(sock)
        time.sleep(0.5)
        for _attempt in range(3):
            reply = get(
                server, "/id/tool/aide-memoire", headers={"Accept": "text/html"}, timeout=10
            )
            assert reply.status == 200
    finally:
        for sock in sockets:
            sock.close()


def test_headers_sent_byte_by_byte_are_cut_after_the_timeout(server: str) -> None:
    parts = urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 20:
            try:
                sock.sendall(b"X")  # a slowloris: one byte of a header line now and then
                sock.settimeout(0.5)
                if sock.recv(4096) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
            except OSError:
                closed = True
                break
        assert closed, "a client sending headers forever kept its connection"
        assert time.monotonic() - started < 10  # web_body_timeout is 2 s here


def test_dumps_are_sent_from_disk_with_ranges_and_revalidation(server: str) -> None:
    whole = get(server, "/dumps/chava.ttl")
    assert whole.status == 200
    assert int(whole.headers["content-length"]) == len(whole.body) > 100
    part = get(server, "/dumps/chava.ttl", headers={"Range": "bytes=10-19"})
    assert part.status == 206
    assert part.body == whole.body[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(whole.body)}"
    again = get(server, "/dumps/chava.ttl", headers={"If-None-Match": whole.headers["etag"]})
    assert again.status == 304
    assert again.body == b""
    _assert_secured(part.headers, "range")
