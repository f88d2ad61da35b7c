"""What people meet, in Chromium at desktop and phone widths (1280 and 390 px), on the real
server: a query link gives a results table, the editor opens on an example with its menu, the
portal is one of the site's pages. Nothing is wider than the screen (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page

from tests.serve_support import chromium, requires_chromium, serve_bundled

pytestmark = [pytest.mark.browser, pytest.mark.server, requires_chromium]

WIDTHS = (1280, 390)
QUERY = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?resource ?label WHERE {\n  ?resource rdfs:label ?label\n"
    '  FILTER(STRSTARTS(STR(?resource), "https://w3id.org/chava/id/"))\n} LIMIT 40'
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_bundled(tmp_path_factory.mktemp("people-build")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _page(browser: Browser, width: int, problems: list[str]) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    return page


def _fits(page: Page, width: int) -> None:
    """Nothing makes the page scroll sideways (wide tables scroll inside their box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"the page is {overflow} px wide in a {width} px window"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_query_link_shows_a_results_table(browser: Browser, base: str, width: int) -> None:
    problems: list[str] = []
    page = _page(browser, width, problems)
    page.goto(base + "/sparql?" + urlencode({"query": QUERY}))
    assert page.locator("html").get_attribute("lang") == "en"  # Accept-Language en-GB
    table = page.locator("table.sparql-results")
    assert table.locator("tbody tr").count() == 40
    assert table.locator("a[href^='/id/']").count() >= 40  # each resource links to its page
    assert page.locator(".result-downloads a").count() == 4
    assert page.locator("a[href^='/sparql/editor?query=']").is_visible()
    _fits(page, width)
    page.locator("a[href^='/sparql/editor?query=']").click()
    page.wait_for_selector(".yasqe .CodeMirror")
    shown = page.evaluate("document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()")
    assert shown == QUERY
    page.context.close()
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_editor_fits_and_runs_an_example(browser: Browser, base: str, width: int) -> None:
    problems: list[str] = []
    page = _page(browser, width, problems)
    page.goto(base + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert page.locator("#sparql-example").is_visible()
    box = page.locator(".yasqe .CodeMirror").bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
    _fits(page, width)
    page.locator(".yasqe_queryButton").first.click()
    page.wait_for_selector(".yasr table, .yasr .dataTable", timeout=30_000)
    _fits(page, width)
    page.context.close()
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_portal_is_a_page_of_the_site(browser: Browser, base: str, width: int) -> None:
    problems: list[str] = []
    page = _page(browser, width, problems)
    page.goto(base + "/portal/")
    page.wait_for_selector("body[data-ready=en]", timeout=60_000)  # Accept-Language en-GB
    assert page.locator(".site-header .site-name").is_visible()  # the site's look
    page.wait_for_selector("#tool-list li")
    _fits(page, width)
    page.click("#lang-fr")  # the site's language links
    page.wait_for_selector("body[data-ready=fr]", timeout=60_000)
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.click(".site-header .site-name")  # back to the site, in its language
    page.wait_for_url("**/?lang=fr")
    page.context.close()
    assert problems == []
