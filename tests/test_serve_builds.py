"""The real `chava serve` while builds come and go (findings 4 and 9 of issue 12).

Requests in a loop (pages, API, dumps, SPARQL GET and POST, conditional requests) across
several `chava build` runs that change the content: not one answer other than 2xx or 304, each
new content served within a bounded time, old builds pruned once released. A damaged current
build is not served (the previous good one is, /health says why); with no good build, `chava
serve` says so in one line and exits 2.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from chava.building.build import build_publication
from tests.build_support import VERSIONED, corrupt, write_version
from tests.publish_fixtures import publication_settings, write_publication
from tests.serve_support import CHAVA, chava_serve, free_port

pytestmark = pytest.mark.server

VISIBLE_WITHIN = 20.0
"""Seconds a new build may take to be served by every web worker (checks run every second)."""
BUILDS = 3
QUERY = (
    f"SELECT ?label WHERE {{ <{VERSIONED}> ?p ?label FILTER(STRSTARTS(STR(?label), 'version')) }}"
)
PAGES = (
    "/",
    "/id/tool/a",
    "/id/tool/a.ttl",
    "/id/tool/aide-memoire.jsonld",
    "/api/",
    "/classes/",
    "/.well-known/void",
    "/dumps/chava.ttl",
    "/dumps/chava.nq.gz",
    "/health",
)


class Load:
    """Threads sending requests until stopped; every answer's status is kept."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.stop = threading.Event()
        self.answers = 0
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._pages, daemon=True),
            threading.Thread(target=self._pages, daemon=True),
            threading.Thread(target=self._sparql, daemon=True),
        ]

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exception: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _record(self, what: str, call: Callable[[], requests.Response]) -> requests.Response | None:
        try:
            response = call()
        except requests.RequestException as error:
            with self._lock:
                self.failures.append(f"{what}: {error!r}")
            return None
        with self._lock:
            self.answers += 1
            if not (200 <= response.status_code < 300 or response.status_code == 304):
                self.failures.append(f"{what}: {response.status_code} {response.text[:200]}")
        return response

    def _pages(self) -> None:
        etags: dict[str, str] = {}
        index = 0
        with requests.Session() as session:
            while not self.stop.is_set():
                path = PAGES[index % len(PAGES)]
                index += 1
                headers = {"If-None-Match": etags[path]} if path in etags and index % 3 else {}
                response = self._record(
                    path, partial(session.get, self.base + path, headers=headers, timeout=30)
                )
                if response is None or response.status_code != 200:
                    continue
                etag = response.headers.get("ETag")
                if etag:
                    etags[path] = etag
                if path.startswith("/dumps/") and etag:
                    digest = hashlib.sha256(response.content).hexdigest()
                    if etag.strip('"') != digest:
                        with self._lock:
                            self.failures.append(f"{path}: ETag of another build's dump")

    def _sparql(self) -> None:
        with requests.Session() as session:
            while not self.stop.is_set():
                self._record(
                    "GET /sparql",
                    lambda: session.get(
                        self.base + "/sparql?" + urlencode({"query": QUERY}),
                        headers={"Accept": "text/csv"},
                        timeout=30,
                    ),
                )
                self._record(
                    "POST /sparql",
                    lambda: session.post(
                        self.base + "/sparql",
                        data=QUERY.encode(),
                        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
                        timeout=30,
                    ),
                )


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("CHAVA_")}


def _served_everywhere(base: str, text: str) -> bool:
    """True once *text* is in /id/tool/a.ttl on several fresh connections in a row."""
    deadline = time.monotonic() + VISIBLE_WITHIN
    streak = 0
    while time.monotonic() < deadline:
        with requests.Session() as session:  # a new connection: any web worker may answer
            found = text in session.get(base + "/id/tool/a.ttl", timeout=30).text
        streak = streak + 1 if found else 0
        if streak >= 8:
            return True
        time.sleep(0.05)
    return False


def _folders(root: Path) -> set[str]:
    return {path.name for path in (root / "build" / "builds").iterdir()}


def test_builds_while_serving_are_served_without_a_failed_request(tmp_path: Path) -> None:
    root = write_publication(tmp_path)
    write_version(root, 0)
    with (
        chava_serve(
            root,
            "--workers",
            "2",
            "--no-validate",
            # One client loops on every route: the per-client rate is not what is tested here.
            environment={"CHAVA_SPARQL_RATE_LIMIT": "0", "CHAVA_SPARQL_CLIENT_BUDGET": "0"},
            startup_seconds=90,
        ) as base,
        Load(base) as load,
    ):
        assert _served_everywhere(base, '"version 0"')
        for number in range(1, BUILDS + 1):
            write_version(root, number)
            built = subprocess.run(
                [str(CHAVA), "--root", str(root), "build", "--no-validate"],
                env=_environment(),
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert built.returncode == 0, built.stderr
            assert _served_everywhere(base, f'"version {number}"'), f"version {number} not served"
            assert not load.failures, load.failures[:5]
        load.stop.set()
        current = (root / "build" / "current").readlink().name
        previous = (root / "build" / ".previous").read_text().strip()
        deadline = time.monotonic() + VISIBLE_WITHIN
        while _folders(root) != {current, previous}:  # released by both workers, then pruned
            assert time.monotonic() < deadline, _folders(root)
            time.sleep(0.1)
        health = requests.get(base + "/health", timeout=10).json()
        assert (health["status"], health["build"]) == ("ok", current)
        # Query workers killed now start again (their build is still there): a query that
        # meets a dying worker gets a 503, and the next ones are answered.
        workers = _query_workers(root)
        assert workers
        assert all(f"/builds/{current}/".encode() in arguments for arguments in workers.values())
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + VISIBLE_WITHIN
        while True:
            answer = requests.get(
                base + "/sparql?" + urlencode({"query": QUERY}),
                headers={"Accept": "text/csv"},
                timeout=60,
            )
            if answer.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert answer.status_code == 200, answer.text
        assert f"version {BUILDS}" in answer.text
    assert load.answers > 50
    assert not load.failures, load.failures[:5]


def _query_workers(root: Path) -> dict[int, bytes]:
    """pid -> the files under *root* each query worker holds open (its build's store).

    The store's path travels on the worker's standard input, not its command line.
    """
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"chava.sparql.worker" in arguments:
            opened = _open_under(entry, root)
            if opened:
                found[int(entry.name)] = b"\n".join(opened)
    return found


def _open_under(process: Path, root: Path) -> list[bytes]:
    try:
        descriptors = list((process / "fd").iterdir())
    except OSError:
        return []
    opened = []
    for descriptor in descriptors:
        try:
            target = str(descriptor.readlink())
        except OSError:
            continue
        if target.startswith(str(root)):
            opened.append(target.encode())
    return opened


def test_serve_falls_back_from_a_damaged_current_build_then_serves_the_next(
    tmp_path: Path,
) -> None:
    root = write_publication(tmp_path)
    settings = publication_settings(root)
    write_version(root, 0)
    good = build_publication(settings, validate=False)
    write_version(root, 1)
    damaged = build_publication(settings, validate=False)
    corrupt(damaged.path, "missing .sst")
    with chava_serve(root, "--workers", "2", "--no-validate", startup_seconds=90) as base:
        health = requests.get(base + "/health", timeout=10).json()
        assert (health["status"], health["build"]) == ("degraded", good.build_id)
        assert health["current"] == damaged.build_id
        assert "is damaged" in health["problems"][0]
        assert '"version 0"' in requests.get(base + "/id/tool/a.ttl", timeout=10).text
        answer = requests.get(
            base + "/sparql?" + urlencode({"query": QUERY}),
            headers={"Accept": "text/csv"},
            timeout=30,
        )
        assert answer.status_code == 200
        assert "version 0" in answer.text
        write_version(root, 2)
        built = subprocess.run(
            [str(CHAVA), "--root", str(root), "build", "--no-validate"],
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert built.returncode == 0, built.stderr
        assert _served_everywhere(base, '"version 2"')
        assert requests.get(base + "/health", timeout=10).json()["status"] == "ok"


def test_serve_with_no_usable_build_exits_2_with_one_line(tmp_path: Path) -> None:
    root = write_publication(tmp_path)
    only = build_publication(publication_settings(root), validate=False)
    corrupt(only.path, "truncated CURRENT")
    command = [str(CHAVA), "--root", str(root), "serve", "--no-validate"]
    command += ["--host", "127.0.0.1", "--port", str(free_port())]
    refused = subprocess.run(
        command, env=_environment(), capture_output=True, text=True, timeout=120, check=False
    )
    assert refused.returncode == 2
    errors = [line for line in refused.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, refused.stderr
    assert "no usable build" in errors[0]
    assert "run `chava build`" in errors[0]
    assert "Traceback" not in refused.stderr
