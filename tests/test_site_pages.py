"""What people meet (issue 15): error pages in their language, the dumps index, the portal as one
of the site's pages, SPARQL results and errors as pages, English labels on English pages."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask.testing import FlaskClient

from chava.errors import PublisherError

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PYTHON_NAMES = re.compile(r"\b\w+(Error|Exception)\b|Traceback|NotFound\b")


@pytest.fixture(scope="module")
def app_settings() -> dict[str, Any]:
    """At most 50 rows a result: cut results are quick to see."""
    return {"sparql_max_results": 50}


def _page(
    client: FlaskClient, path: str, status: int = 200, headers: dict[str, str] | None = None
) -> str:
    response = client.get(path, headers={**BROWSER, **(headers or {})})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def _h1(page: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
    assert match, page[:500]
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.parametrize(
    ("path", "headers", "title", "lang"),
    [
        ("/nowhere", {"Accept-Language": "fr"}, "Page introuvable", "fr"),
        ("/nowhere", {"Accept-Language": "en-GB,en;q=0.9"}, "Not found", "en"),
        ("/nowhere?lang=en", {"Accept-Language": "fr"}, "Not found", "en"),
        ("/id/nothing-here?lang=fr", {}, "Page introuvable", "fr"),  # a PublisherError's 404
        ("/dumps/nope?lang=en", {}, "Not found", "en"),
        ("/api/unknown?lang=en", {}, "Not found", "en"),
    ],
)
def test_a_404_speaks_the_pages_language_and_names_no_python_class(
    client: FlaskClient, path: str, headers: dict[str, str], title: str, lang: str
) -> None:
    page = _page(client, path, 404, headers)
    assert _h1(page).startswith(title)
    assert f'<html lang="{lang}"' in page
    assert not PYTHON_NAMES.search(re.sub(r"<[^>]+>", " ", page)), page
    assert 'href="/?lang=' in page  # the way back


def test_machines_keep_the_json_error_with_its_kind(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert set(response.get_json()) == {"error", "status", "message"}


def test_the_dumps_index_lists_each_dump_with_its_checksum(client: FlaskClient) -> None:
    page = _page(client, "/dumps/?lang=en")
    assert _h1(page) == "Downloads"
    for name in ("chava.nq.gz", "chava.trig", "chava.ttl", "chava.jsonld"):
        assert f'href="/dumps/{name}"' in page
    assert re.search(r"[0-9a-f]{64}", page)  # SHA-256
    with client.get("/dumps/chava.ttl") as dump:
        assert dump.status_code == 200


def test_every_page_links_the_harvest_and_the_dumps(client: FlaskClient) -> None:
    for path in ("/?lang=en", "/sparql/examples?lang=en", "/dumps/?lang=en"):
        page = _page(client, path)
        assert 'href="/harvest/?lang=en"' in page
        assert 'href="/dumps/?lang=en"' in page


@pytest.mark.parametrize(
    ("path", "headers", "lang"),
    [
        ("/portal/", {"Accept-Language": "en"}, "en"),
        ("/portal/", {"Accept-Language": "fr"}, "fr"),
        ("/portal/?lang=en", {"Accept-Language": "fr"}, "en"),
    ],
)
def test_the_portal_is_one_of_the_sites_pages(
    client: FlaskClient, path: str, headers: dict[str, str], lang: str
) -> None:
    page = _page(client, path, headers=headers)
    assert 'class="site-header"' in page  # the site's header and navigation
    assert f'href="/?lang={lang}"' in page  # the way back to the site
    assert "/static/style.css" in page  # the site's look
    assert f'data-lang="{lang}"' in page  # the language the portal's script opens in
    assert f'id="lang-{"fr" if lang == "en" else "en"}"' in page  # the site's language links
    assert client.get("/portal/index.html").headers["Location"].endswith("/portal/")


QUERY = (
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
    'FILTER(STRSTARTS(STR(?s), "https://w3id.org/chava/id/")) } LIMIT 5'
)


def test_a_query_link_opened_in_a_browser_is_a_results_table(client: FlaskClient) -> None:
    page = _page(client, "/sparql?" + urlencode({"query": QUERY, "lang": "en"}))
    assert "<table" in page
    assert '<th scope="col">s</th>' in page
    assert re.search(r'<a href="/[^"]+" title="https://w3id.org/', page)  # to their pages
    assert re.search(r'class="tag"[^>]*>@(fr|en)<', page)  # language tags shown
    assert 'href="/sparql/editor?query=' in page  # edit it
    for extension in ("srj", "srx", "csv", "tsv"):  # and download it
        assert f"format={extension}" in page


def test_a_cut_result_says_so_on_its_page(client: FlaskClient) -> None:
    everything = "SELECT * WHERE { ?s ?p ?o }"
    response = client.get("/sparql?" + urlencode({"query": everything}), headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["X-Chava-Results-Truncated"] == "true"
    assert 'role="status"' in response.get_data(as_text=True)


def test_a_syntax_error_in_a_browser_is_a_page_with_the_position_and_the_editor(
    client: FlaskClient,
) -> None:
    query = "SELECT * WHERE {\n  ?x ?y\n}"
    page = _page(client, "/sparql?" + urlencode({"query": query, "lang": "en"}), 400)
    assert "line 3, column 1" in page
    assert "has no object" in page
    assert 'href="/sparql/editor?query=' + quote("SELECT", safe="") in page
    assert not PYTHON_NAMES.search(re.sub(r"<[^>]+>", " ", page))


def test_an_undeclared_prefix_is_named_with_its_namespace(client: FlaskClient) -> None:
    query = "SELECT * WHERE { ?s foaf:name ?name }"
    response = client.get("/sparql?" + urlencode({"query": query}))
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert '"foaf:"' in message
    assert "PREFIX foaf: <http://xmlns.com/foaf/0.1/>" in message


def test_english_pages_of_examples_show_english_labels_where_they_exist(
    client: FlaskClient,
) -> None:
    """The example lists the working groups and workshops of a theme; their names exist in
    English for the working groups (`GT 1` is `WG 1`)."""
    english = _page(client, "/sparql/examples/acteurs-par-thematique?lang=en")
    french = _page(client, "/sparql/examples/acteurs-par-thematique?lang=fr")
    assert "WG 1" in english
    assert "WG 1" not in french
    assert "GT 1" in french


def test_error_pages_render_when_the_error_carries_nothing_but_a_message(
    client: FlaskClient,
) -> None:
    """The page of an error reported outside a route (a 429 of the hardening layer) renders
    from the status and message alone."""
    from chava.web.error_pages import render_error_page

    with client.application.test_request_context("/sparql?lang=en"):
        page = render_error_page(429, "slow down", PublisherError("slow down"))
    assert _h1(page).startswith("Too many requests")
