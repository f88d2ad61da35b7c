"""Real processes for tests: `chava serve` on a free loopback port, and Debian's Chromium."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import PROJECT_ROOT

CHAVA = Path(sys.executable).parent / "chava"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Headless Chromium on a closed network: no background connections, no updates, no sync."""

requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (/usr/bin/chromium): `make browser`",
)
"""Browser tests skip only outside CI; in CI `make browser` installs chromium and they run."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def serve_bundled(build_dir: Path, *, ready_path: str = "/") -> Iterator[str]:
    """The real `chava serve` over a fresh build of the bundled publication in *build_dir*."""
    options = ("--workers", "1", "--threads", "4", "--no-validate")
    environment = {"CHAVA_BUILD_DIR": str(build_dir)}
    with chava_serve(
        PROJECT_ROOT, *options, environment=environment, ready_path=ready_path
    ) as base:
        yield base


@contextmanager
def chava_serve(
    root: Path,
    *options: str,
    environment: Mapping[str, str] | None = None,
    ready_path: str = "/.well-known/void",
    startup_seconds: float = 120,
) -> Iterator[str]:
    """Run `chava --root ROOT serve` on a free 127.0.0.1 port; yield its base URL; stop it.

    CHAVA_* variables of the calling environment are dropped (tests set their own through
    *environment*); the process runs in its own session so its whole tree is stopped.
    """
    with serving_process(
        root,
        *options,
        environment=environment,
        ready_path=ready_path,
        startup_seconds=startup_seconds,
    ) as served:
        yield served.base


@dataclass
class ServedProcess:
    """A running `chava serve`: its process (a session leader), base URL and output so far."""

    process: subprocess.Popen[bytes]
    base: str
    port: int
    log: Any

    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        return _read(self.log)


@contextmanager
def serving_process(
    root: Path,
    *options: str,
    environment: Mapping[str, str] | None = None,
    ready_path: str = "/.well-known/void",
    startup_seconds: float = 120,
    command: Sequence[str] | None = None,
    port: int | None = None,
) -> Iterator[ServedProcess]:
    """As chava_serve, yielding the process too; *command* replaces `chava serve` (make)."""
    port = port or free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHAVA_")}
    env.update(environment or {})
    if command is None:
        command = [str(CHAVA), "--root", str(root), "serve", "--host", "127.0.0.1"]
        command += ["--port", str(port), *options]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            list(command), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_ready(base + ready_path, process, log, startup_seconds)
            yield ServedProcess(process, base, port, log)
        finally:
            _stop(process)


def _wait_until_ready(
    url: str, process: subprocess.Popen[bytes], log: Any, startup_seconds: float
) -> None:
    deadline = time.monotonic() + startup_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"chava serve exited with {process.returncode}:\n{_read(log)}")
        try:
            if requests.get(url, timeout=15).status_code < 500:
                return
        except (requests.ConnectionError, requests.Timeout):  # not up, or slow to first answer
            pass
        time.sleep(0.2)
    pytest.fail(f"chava serve did not answer {url} within {startup_seconds} s:\n{_read(log)}")


def _read(log: Any) -> str:
    # The server writes through the same open file (one offset): reading leaves it at the end.
    log.seek(0)
    return str(log.read().decode("utf-8", "replace"))


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def chava(root: Path, *arguments: str) -> str:
    """Run `chava --root ROOT ARGUMENTS...` as a user does; its stdout (a failure fails the test
    with the end of its stderr)."""
    done = subprocess.run(
        [str(CHAVA), "--root", str(root), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def init_partner(folder: Path) -> Path:
    """`chava init` a partner city, Testville (English and French), in *folder*/testville."""
    partner = folder / "testville"
    chava(
        folder,
        "init",
        str(partner),
        "--city",
        "Testville",
        "--languages",
        "en,fr",
        "--base-iri",
        "https://data.testville.example/",
    )
    return partner
