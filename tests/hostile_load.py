"""Clients for hostile-load tests: requests from chosen loopback source addresses (127.0.0.x).

Linux routes all of 127.0.0.0/8 to the loopback interface, so a socket bound to 127.0.0.5 talks
to a server on 127.0.0.1 as a distinct client (the server sees REMOTE_ADDR 127.0.0.5).
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

SLOW_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
    "FILTER(?a != <urn:x:{tag}>) }}"
)
"""A four-way product: billions of rows on a small store; it runs until its time limit."""


@dataclass(frozen=True)
class Reply:
    """One answer: status, headers (lower-case names), body, seconds taken."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


def source(index: int) -> str:
    """The loopback source address of client *index* (127.0.0.2, 127.0.0.3, ...)."""
    return f"127.0.0.{2 + index}"


def connect(
    base: str, address: str = "127.0.0.1", timeout: float = 60
) -> http.client.HTTPConnection:
    """A connection to *base* from *address*."""
    parts = urlsplit(base)
    assert parts.hostname is not None
    return http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=(address, 0)
    )


def get(
    base: str,
    path: str,
    *,
    address: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> Reply:
    """GET *path* from *address* on a fresh connection."""
    connection = connect(base, address, timeout)
    started = time.monotonic()
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return Reply(
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            body,
            time.monotonic() - started,
        )
    finally:
        connection.close()


def query_path(query: str) -> str:
    """The GET path asking /sparql for *query* in SPARQL JSON."""
    return "/sparql?" + urlencode({"query": query, "format": "json"})


def process_memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of process *pid*, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _colon, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def web_workers(base: str) -> set[int]:
    """Process ids of the web workers of the `chava serve` listening at *base*."""
    port = str(urlsplit(base).port).encode()
    serving: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # `chava serve ... --port PORT`, which execs `python -m chava.web.supervisor PLAN`
        plan = b" ".join(arguments)
        supervisor = b"chava.web.supervisor" in arguments and b'"port": ' + port + b"," in plan
        if fields[0] != "Z" and ((b"serve" in arguments and port in arguments) or supervisor):
            serving[int(entry.name)] = int(fields[1])
    leaders = {pid for pid, parent in serving.items() if parent not in serving}
    return {pid for pid, parent in serving.items() if parent in leaders}
