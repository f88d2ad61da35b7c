"""The pages in a real browser: Debian's headless Chromium, driven by Playwright, on `chava serve`.

Skipped (with the reason) only when /usr/bin/chromium is missing outside CI; in CI (`CI` set)
they must run: `make browser` installs Debian's chromium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.serve_support import chromium, requires_chromium, serve_bundled

pytestmark = [pytest.mark.browser, pytest.mark.server, requires_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chava serve` on the bundled publication on a free loopback port; stopped afterwards."""
    with serve_bundled(tmp_path_factory.mktemp("browser-build")) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


class Visit:
    """A browser page that records console errors, page errors and failed requests."""

    def __init__(self, browser: Browser, base: str, shots: Path) -> None:
        self.base = base
        self.shots = shots
        # A Belgian French reader: Accept-Language fr-BE must give French pages.
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
        self.page: Page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.problems.append(f"console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        # ERR_ABORTED is the browser cancelling a request itself (a favicon still loading when a
        # click navigates away); a server's failure shows as a status or another net:: error.
        self.page.on(
            "requestfailed",
            lambda request: (
                self.problems.append(f"failed: {request.url} {request.failure}")
                if "ERR_ABORTED" not in (request.failure or "")
                else None
            ),
        )
        self.page.on(
            "response",
            lambda response: (
                self.problems.append(f"{response.status}: {response.url}")
                if response.status >= 400
                else None
            ),
        )

    def open(self, path: str) -> Page:
        response = self.page.goto(self.base + path)
        assert response is not None
        assert response.status == 200, path
        return self.page

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        return path

    def close(self) -> None:
        self.context.close()
        assert self.problems == []


@pytest.fixture
def visit(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Visit]:
    visit = Visit(browser, server, tmp_path_factory.mktemp("screenshots"))
    yield visit
    visit.close()


def test_home_renders_with_counts_and_entry_points(visit: Visit) -> None:
    page = visit.open("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").first.is_visible()
    assert page.get_by_role("link", name="ChaVa", exact=True).first.is_visible()
    assert page.locator("table.counts tbody tr").count() > 5
    assert page.get_by_role("navigation", name="Navigation principale").is_visible()
    visit.shot("home-fr")


def test_resource_page_in_french_and_english(visit: Visit) -> None:
    page = visit.open("/id/initiative/chava")
    assert page.locator("html").get_attribute("lang") == "fr"  # from Accept-Language fr-BE
    assert page.locator("h1").inner_text() == "ChaVa"
    french_heading = page.locator("#properties-heading").inner_text()
    visit.shot("resource-fr")
    page = visit.open("/id/initiative/chava?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#properties-heading").inner_text() == "Properties"
    assert french_heading == "Propriétés"
    block = page.locator('script[type="application/ld+json"]').text_content()
    assert block is not None
    assert '"@id": "https://w3id.org/chava/id/initiative/chava"' in block
    visit.shot("resource-en")


def test_a_link_navigates_to_another_resource(visit: Visit) -> None:
    page = visit.open("/id/initiative/chava?lang=en")
    link = page.locator('table.properties a[href^="/id/body/"]').first
    target = link.get_attribute("href")
    assert target is not None
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(target)
    assert page.locator("html").get_attribute("lang") == "en"  # the language is kept
    assert page.locator("h1").inner_text()
    assert page.locator("#incoming-heading").is_visible()  # linked from ChaVa


def test_ontology_page_renders_with_anchors(visit: Visit) -> None:
    page = visit.open("/learning-city/def/core?lang=en")
    anchors = page.locator("section.term[id]")
    assert anchors.count() >= 30
    page.locator('.tree a[href$="#WorkingGroup"]').first.click()
    assert page.url.endswith("#WorkingGroup")
    assert page.locator("#WorkingGroup").is_visible()
    assert re.search("Working group", page.locator("#WorkingGroup h3").inner_text())
    visit.shot("ontology-en")


def test_shapes_page_and_keyboard_skip_link(visit: Visit) -> None:
    page = visit.open("/learning-city/def/shapes")
    assert page.locator("section.shape").count() >= 10
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()  # shown when focused
    visit.shot("shapes-fr")


def test_the_header_search_box_finds_and_highlights(visit: Visit) -> None:
    page = visit.open("/id/initiative/chava?lang=fr")
    page.fill("#site-search-input", "territoires mém")  # as typed, with an accent
    page.press("#site-search-input", "Enter")
    page.wait_for_load_state()
    assert "/search?" in page.url
    first = page.locator("#search-results li a").first
    assert first.get_attribute("href") == "/id/organization/territoires-de-la-memoire?lang=fr"
    assert page.locator("#search-results mark").count() > 0
    assert int(page.locator("#search-total").inner_text()) >= 3
    refine = page.locator(".search-facets a").first
    refine.click()  # a facet narrows the results
    page.wait_for_load_state()
    assert page.locator(".search-facets a[aria-current]").count() == 1
    visit.shot("search-fr")
