"""Resources named `javascript:`, `data:` or `vbscript:` IRIs in the portal, in Chromium (issue 12).

Valid RDF may name a resource with any IRI scheme. The portal shows such a resource as text,
never as a link; and the Content-Security-Policy alone stops a `javascript:` link that a page
would still contain. Each layer is checked on its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Dialog, Page

from tests.conftest import PROJECT_ROOT
from tests.serve_support import chava_serve, chromium, requires_chromium

pytestmark = [pytest.mark.browser, pytest.mark.server, requires_chromium]

HOSTILE = """\
@prefix lc: <https://w3id.org/learning-city/def/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .
@prefix o: <https://w3id.org/chava/id/organization/> .
<javascript:document.title='pwned';void(0)> a lc:PedagogicalTool ;
    schema:provider o:territoires-de-la-memoire ;
    rdfs:label "Outil piégé javascript"@fr, "Trapped tool javascript"@en .
<data:text/html;base64,PHNjcmlwdD5kb2N1bWVudC50aXRsZT0ncHduZWQnPC9zY3JpcHQ+> a lc:PedagogicalTool ;
    schema:provider o:territoires-de-la-memoire ;
    rdfs:label "Outil piégé data"@fr, "Trapped tool data"@en .
<vbscript:msgbox(1)> a lc:PedagogicalTool ;
    schema:provider o:territoires-de-la-memoire ;
    rdfs:label "Outil piégé vbscript"@fr, "Trapped tool vbscript"@en .
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled publication plus three tools named by hostile IRIs."""
    root = tmp_path_factory.mktemp("hostile-publication")
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    (root / "data" / "hostile-iris.ttl").write_text(HOSTILE, encoding="utf-8")
    environment = {"CHAVA_BUILD_DIR": str(root / "build")}
    with chava_serve(
        root, "--workers", "1", "--no-validate", environment=environment, startup_seconds=180
    ) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _portal_tools(browser: Browser, base: str) -> tuple[Page, list[str]]:
    """The portal, its tool list loaded (the hostile tools are published by its provider)."""
    page = browser.new_page()
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.goto(base + "/portal/?lang=fr")  # French labels (the portal follows Accept-Language)
    page.wait_for_selector("body[data-ready]", timeout=60_000)
    page.wait_for_selector("#tool-list li", timeout=30_000)
    return page, dialogs


def test_the_portal_shows_hostile_iris_as_text_and_clicking_runs_nothing(
    browser: Browser, server: str
) -> None:
    page, dialogs = _portal_tools(browser, server)
    results = page.locator("#tool-list li", has_text="Outil piégé")
    assert results.count() == 3, page.locator("#tool-list li").all_inner_texts()
    title = page.title()
    dangerous = page.evaluate(
        "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
        ".filter(h => !/^(https?:|\\/(?![\\/\\\\])|#)/i.test(h))"
    )
    assert dangerous == []
    for name in ("javascript", "data", "vbscript"):
        item = page.locator("#tool-list").get_by_text(f"Outil piégé {name}")
        assert item.evaluate("node => node.closest('a')") is None, name
        item.click()
    page.wait_for_timeout(500)
    assert page.url.endswith("/portal/?lang=fr")
    assert page.title() == title != "pwned"
    assert dialogs == []
    page.close()


def test_the_content_security_policy_alone_stops_a_javascript_link(
    browser: Browser, server: str
) -> None:
    """As if the portal still made the link: the CSP blocks what the click would run."""
    page, dialogs = _portal_tools(browser, server)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    title = page.title()
    page.evaluate(
        "() => { const a = document.createElement('a'); a.id = 'planted';"
        " a.href = \"javascript:document.title='pwned';void(0)\"; a.textContent = 'planted';"
        " document.body.append(a); }"
    )
    page.click("#planted")
    page.wait_for_timeout(500)
    assert page.title() == title != "pwned"
    assert dialogs == []
    assert any("Content Security Policy" in text for text in violations), violations
    page.close()


def test_pages_the_portal_and_the_editor_run_under_the_policy_without_violations(
    browser: Browser, server: str
) -> None:
    """The policy is strict and nothing of ours breaks it (a new YASGUI would change its hash)."""
    page = browser.new_page()
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__violations.push(e.violatedDirective + ' ' + e.sourceFile));"
    )
    for path in ("/", "/id/organization/territoires-de-la-memoire", "/classes/", "/portal/"):
        page.goto(server + path, wait_until="networkidle")
        assert page.evaluate("window.__violations") == [], path
    page.goto(server + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.locator(".yasqe_queryButton").first.click()
    page.wait_for_selector(".yasr table, .yasr .dataTable", timeout=30_000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__violations") == [], "/sparql"
    page.close()
