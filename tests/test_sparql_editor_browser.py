"""The query editor in headless Chromium (Debian's) on the real server, offline: loopback only."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import requests
from playwright.sync_api import Route

from tests.serve_support import chromium, requires_chromium, serve_bundled

pytestmark = [pytest.mark.browser, pytest.mark.server, requires_chromium]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real `chava serve` over a fresh build of the bundled publication."""
    with serve_bundled(tmp_path_factory.mktemp("editor-build")) as url:
        yield url


def test_the_editor_works_offline_on_one_example_with_the_catalogue_in_a_menu(
    base: str,
) -> None:
    examples = len(requests.get(base + "/sparql/examples", timeout=30).text.split("<h2>")) - 1
    outside: list[str] = []
    errors: list[str] = []

    def only_loopback(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with chromium() as browser:
        page = browser.new_page()
        page.route("**/*", only_loopback)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/sparql", wait_until="networkidle")
        page.wait_for_selector(".yasqe .CodeMirror")
        tab_names = page.locator(".tabsList .tab").all_inner_texts()
        assert len(tab_names) == 1, tab_names  # one real example, not a tab per example
        editor = "document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()"
        first = page.evaluate(editor)
        assert first.startswith("PREFIX")
        assert "SELECT" in first
        menu = page.locator("#sparql-example option")
        assert menu.count() == 1 + examples  # the prompt, then each example
        page.select_option("#sparql-example", menu.nth(2).get_attribute("value"))
        assert page.evaluate(editor) != first
        page.locator(".yasqe_queryButton").first.click()
        page.wait_for_selector(".yasr table, .yasr .dataTable", timeout=30_000)
    assert not outside, f"the editor reached outside: {outside}"
    assert not errors, errors


def test_an_editor_link_opens_its_query(base: str) -> None:
    query = "ASK { ?s a <https://w3id.org/learning-city/def/core#Theme> }"
    with chromium() as browser:
        page = browser.new_page()
        page.goto(base + "/sparql/editor?" + urlencode({"query": query}))
        page.wait_for_selector(".yasqe .CodeMirror")
        shown = page.evaluate(
            "Array.from(document.querySelectorAll('.yasqe .CodeMirror'))"
            ".filter(e => e.offsetParent !== null)[0].CodeMirror.getValue()"
        )
    assert shown == query
