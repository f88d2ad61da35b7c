"""Proposing and reviewing in Debian's Chromium, through the real `chava serve`.

A tool is proposed through the form; an invalid field shows its message; corrected, it is sent;
a steward signs in and accepts it; it appears on its page, in /api/tools, in search and in the
feed, and a partner following the feed harvests just that change. The form also works without
JavaScript and at phone width. The screenshots of docs/contributing-data.md are taken here
(set CHAVA_UPDATE_SCREENSHOTS=1 to write them into docs/images/).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PROJECT_ROOT
from tests.contribution_support import PASSWORD, STEWARD, Publication, copy_publication
from tests.serve_support import chava, chava_serve, chromium, init_partner, requires_chromium

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow, requires_chromium]

LABEL_FR = "Atelier d'écriture collective"
LABEL_EN = "Collective writing workshop"
DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"
LIMITS = {
    "CHAVA_SPARQL_RATE_LIMIT": "0",
    "CHAVA_SPARQL_CLIENT_BUDGET": "0",
    "CHAVA_SPARQL_WORKER_ISOLATION": "warn",
}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Publication:
    return copy_publication(tmp_path_factory.mktemp("browser-contributions") / "charleroi")


@pytest.fixture(scope="module")
def server(city: Publication) -> Iterator[str]:
    environment = {"CHAVA_BUILD_DIR": str(city.settings.build_path), **LIMITS}
    with chava_serve(city.root, "--workers", "1", "--no-validate", environment=environment) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def shot(page: Page, name: str, shots: Path) -> None:
    """A screenshot of the viewport; copied into docs/images/ when asked to."""
    path = shots / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 5_000
    if os.environ.get("CHAVA_UPDATE_SCREENSHOTS"):
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_IMAGES / path.name)


def harvest(partner: Path, base: str) -> str:
    return chava(partner, "harvest", f"{base}/changes", "--partner", "charleroi")


def test_propose_correct_accept_and_find_it_everywhere(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    partner = init_partner(tmp_path)
    assert "whole dump" in harvest(partner, server)

    context = browser.new_context(viewport={"width": 900, "height": 1000}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + "/contributions/new?lang=en")
    shot(page, "contributing-call", tmp_path)
    page.get_by_role("link", name="A pedagogical tool").click()
    expect(page.locator("h1")).to_contain_text("A pedagogical tool")
    # The English label only: the publication's first language (French) is missing.
    page.fill("#field-rdfs-label-en", LABEL_EN)
    page.get_by_label("permanent", exact=False).first.check()
    page.locator('input[name="lc-toolKind"]').first.check()
    page.fill("#field-schema-provider-q", "territoires")
    pick = page.locator("fieldset.picker ul.found button.pick").first
    expect(pick).to_be_visible(timeout=15_000)  # found as we typed (the script)
    pick.click()
    expect(page.locator("fieldset.picker ul.chosen input:checked")).to_have_count(1)
    page.get_by_role("button", name="Send the proposal").click()
    errors_list = page.locator("#field-rdfs-label-errors")
    expect(errors_list).to_be_visible()
    expect(errors_list).to_contain_text("fr")
    expect(page.locator("#form-errors")).to_be_visible()
    shot(page, "contributing-form-error", tmp_path)
    page.fill("#field-rdfs-label-fr", LABEL_FR)
    page.fill("#contributor-email", "someone@example.org")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.locator("#contribution-status")).to_have_text("Waiting for review.")
    shot(page, "contributing-status", tmp_path)
    contribution = page.url.split("/contributions/", 1)[1].split("?", 1)[0]
    assert (
        requests.get(server + "/api/search", params={"q": "écriture collective"}, timeout=30)
        .json()
        .get("totalItems", 0)
        == 0
    )

    steward = browser.new_context(viewport={"width": 900, "height": 1000}, locale="en-GB")
    review = steward.new_page()
    review.on("pageerror", lambda error: errors.append(str(error)))
    review.goto(server + "/contributions?lang=en")
    expect(review.locator("h1")).to_have_text("Stewards' sign-in")
    review.fill("#steward-name", STEWARD)
    review.fill("#steward-password", PASSWORD)
    review.get_by_role("button", name="Sign in").click()
    expect(review.locator("h1")).to_have_text("Proposals to review")
    shot(review, "steward-queue", tmp_path)
    review.get_by_role("link", name=LABEL_FR).click()
    expect(review.get_by_text("someone@example.org")).to_be_visible()  # stewards may write back
    shot(review, "steward-review", tmp_path)
    review.get_by_role("button", name="Accept and publish").click()
    expect(review.locator("#contribution-status")).to_have_text("Accepted and published.")
    expect(review.locator("#publication-progress")).to_contain_text(
        "Published in version", timeout=180_000
    )
    review.locator("#published-resource").click()
    expect(review.locator("h1")).to_contain_text(LABEL_EN)
    shot(review, "steward-published", tmp_path)
    resource = requests.get(
        f"{server}/contributions/{contribution}",
        headers={
            "Accept": "application/json",
            "Authorization": requests.auth._basic_auth_str(STEWARD, PASSWORD),
        },
        timeout=30,
    ).json()["resource"]

    assert resource in requests.get(server + "/api/tools?limit=500", timeout=30).text
    assert (
        resource
        in requests.get(
            server + "/api/search", params={"q": "écriture collective"}, timeout=30
        ).text
    )
    feed = requests.get(server + "/changes", timeout=30).json()
    items = requests.get(feed["last"]["id"], timeout=30).json()["orderedItems"]
    assert (items[-1]["type"], items[-1]["object"]["id"]) == ("Create", resource)
    assert "1 created, 0 updated, 0 deleted since the last harvest" in harvest(partner, server)
    assert LABEL_FR in (partner / "data" / "harvest" / "charleroi.trig").read_text(encoding="utf-8")
    assert errors == []
    context.close()
    steward.close()


def test_the_form_works_without_javascript_and_at_phone_width(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="fr-BE"
    )
    page = context.new_page()
    page.goto(server + "/contributions/new/event")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form is {width} px wide at 390 px"
    shot(page, "contributing-phone", tmp_path)
    page.fill("#field-rdfs-label-fr", "Balade contée au parc")
    page.fill("#field-schema-startDate", "2025-06-21")
    page.fill("#field-schema-organizer-q", "peuple")
    page.locator('button[name="search"][value="schema-organizer"]').click()  # the server searches
    found = page.locator('fieldset.picker[data-field="schema-organizer"] ul.found input')
    expect(found.first).to_be_visible()
    found.first.check()
    page.locator('button[name="action"]').click()
    expect(page.locator("#contribution-status")).to_have_text("En attente de relecture.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
