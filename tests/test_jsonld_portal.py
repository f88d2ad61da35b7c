"""The reference portal in headless Chromium against a real `chava serve`: tools, filters,
search, language switch, screenshots, and no console errors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.serve_support import chromium, requires_chromium, serve_bundled

pytestmark = [pytest.mark.browser, pytest.mark.server, requires_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chava serve` on the bundled publication on a free loopback port; stopped afterwards."""
    with serve_bundled(tmp_path_factory.mktemp("portal-build"), ready_path="/api") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


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

    page.goto(server + "/portal/?lang=fr")  # the site's language choice (else Accept-Language)
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
