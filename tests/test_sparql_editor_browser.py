"""The query editor in headless Chromium (Debian's), offline: it reaches nothing but loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from playwright.sync_api import Route, sync_playwright

from chava.builds import Build
from chava.config import Settings
from chava.web.app import create_app
from tests.sparql_support import live_server

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="Debian's chromium is not installed (/usr/bin/chromium): `make browser`",
    ),
]


@pytest.fixture(scope="module")
def base(bundled_build: tuple[Settings, Build]) -> Iterator[str]:
    settings, build = bundled_build
    with live_server(create_app(settings, build=build)) as server:
        yield server.url


def test_the_editor_works_offline_with_one_tab_per_example(base: str) -> None:
    examples = len(requests.get(base + "/sparql/examples", timeout=30).text.split("<h2>")) - 1
    outside: list[str] = []
    errors: list[str] = []

    def only_loopback(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.route("**/*", only_loopback)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(base + "/sparql", wait_until="networkidle")
            page.wait_for_selector(".yasqe .CodeMirror")
            tab_names = page.locator(".tabsList .tab").all_inner_texts()
            assert len(tab_names) >= 1 + examples, tab_names
            editor_text = page.evaluate(
                "document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()"
            )
            assert "PREFIX lc: <https://w3id.org/learning-city/def/core#>" in editor_text
            page.locator(".yasqe_queryButton").first.click()
            page.wait_for_selector(".yasr table, .yasr .dataTable", timeout=30_000)
        finally:
            browser.close()
    assert not outside, f"the editor reached outside: {outside}"
    assert not errors, errors


def test_an_editor_link_opens_its_query(base: str) -> None:
    query = "ASK { ?s a <https://w3id.org/learning-city/def/core#Theme> }"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.goto(base + "/sparql/editor?" + urlencode({"query": query}))
            page.wait_for_selector(".yasqe .CodeMirror")
            shown = page.evaluate(
                "Array.from(document.querySelectorAll('.yasqe .CodeMirror'))"
                ".filter(e => e.offsetParent !== null)[0].CodeMirror.getValue()"
            )
        finally:
            browser.close()
    assert shown == query
