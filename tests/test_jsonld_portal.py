"""The reference portal in headless Chromium against a real `chava serve`: tools, filters,
search, language switch, screenshots, and no console errors."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVE_OPTIONS = ["--host", "127.0.0.1", "--workers", "1", "--threads", "4", "--no-validate"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="Debian's chromium is not installed (/usr/bin/chromium): `make browser`",
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chava serve` on the bundled publication on a free loopback port; stopped afterwards."""
    chava = shutil.which("chava", path=str(Path(sys.executable).parent))
    assert chava is not None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    build_dir = tmp_path_factory.mktemp("portal-build")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CHAVA_")}
    environment["CHAVA_BUILD_DIR"] = str(build_dir)
    log_path = build_dir / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [chava, "--root", str(PROJECT_ROOT), "serve", *SERVE_OPTIONS, "--port", str(port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chava serve did not start:\n{log_path.read_text()}")
                try:
                    if requests.get(base + "/api", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.3)
            yield base
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_portal_shows_tools_filters_searches_and_switches_language(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page: Page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )

    page.goto(server + "/portal/")
    page.wait_for_selector("body[data-ready=fr]")
    expect(page.locator("#tool-list li")).to_have_count(14)
    expect(page.locator("#tool-count")).to_have_text("14 outils")
    expect(page.locator("#governance li[data-iri]")).to_have_count(6)
    assert page.locator("#governance .badge").count() >= 3  # the hierarchy is inferred
    expect(page.locator("#theme-list article")).to_have_count(3)
    expect(page.locator("#theme-list")).to_contain_text("GT 1")
    page.screenshot(path=str(tmp_path / "portal-fr.png"), full_page=True)

    temporary = page.locator("#filter-availability option", has_text="Temporaire")
    page.select_option("#filter-availability", temporary.get_attribute("value"))
    expect(page.locator("#tool-list li")).to_have_count(6)
    page.select_option("#filter-availability", "")
    expect(page.locator("#tool-list li")).to_have_count(14)
    kind_options = page.locator("#filter-kind option")
    assert kind_options.count() > 3
    page.select_option("#filter-kind", kind_options.nth(1).get_attribute("value"))
    expect(page.locator("#tool-count")).not_to_have_text("14 outils")
    assert 0 < page.locator("#tool-list li").count() < 14

    page.fill("#search-input", "memoire")
    page.click("#search-form button")
    expect(page.locator("#search-results li").first).to_be_visible()
    expect(page.locator("#search-results")).to_contain_text("Mémoire")

    french_title = page.locator("#tools-title").inner_text()
    page.click("#lang-en")
    page.wait_for_selector("body[data-ready=en]")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("#tools-title").inner_text() != french_title
    expect(page.locator("#governance")).to_contain_text("Steering committee")
    expect(page.locator("#theme-list")).to_contain_text("WG 1")
    page.screenshot(path=str(tmp_path / "portal-en.png"), full_page=True)
    shots = Path("/tmp/team/screenshots")
    if shots.is_dir():
        shutil.copy(tmp_path / "portal-fr.png", shots / "jsonld-portal-fr.png")
        shutil.copy(tmp_path / "portal-en.png", shots / "jsonld-portal-en.png")
    context.close()
    assert problems == []
