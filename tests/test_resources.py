"""Tests of dereferencing over HTTP (Flask test client): negotiation, headers, caching, errors."""

from __future__ import annotations

from email.utils import format_datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from chava.building.build import build_publication
from chava.building.builds import Build
from chava.config import Settings
from tests.app_support import new_app
from tests.publish_fixtures import publication_settings, write_publication

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TOOL_PATH = "/id/tool/aide-memoire"
HUB_PATH = "/id/org/hub"


@pytest.fixture(scope="module")
def app_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Build]:
    """The tiny publication, two incoming links a page, paths up to 300 characters."""
    root = write_publication(tmp_path_factory.mktemp("publication"))
    settings = publication_settings(root, incoming_limit=2, max_path_length=300)
    return settings, build_publication(settings, validate=False)


@pytest.mark.parametrize(
    ("path", "accept", "content_type"),
    [
        (TOOL_PATH, None, "text/turtle; charset=utf-8"),
        (TOOL_PATH, "*/*", "text/turtle; charset=utf-8"),
        (TOOL_PATH, FIREFOX, "text/html; charset=utf-8"),
        (TOOL_PATH, "application/ld+json", "application/ld+json; charset=utf-8"),
        (TOOL_PATH, "application/n-triples", "application/n-triples; charset=utf-8"),
        (TOOL_PATH, "application/rdf+xml", "application/rdf+xml; charset=utf-8"),
        (TOOL_PATH, "application/trig", "application/trig; charset=utf-8"),
        (TOOL_PATH, "application/n-quads", "application/n-quads; charset=utf-8"),
        (TOOL_PATH + ".ttl", FIREFOX, "text/turtle; charset=utf-8"),
        (TOOL_PATH + ".jsonld", "text/turtle", "application/ld+json; charset=utf-8"),
        (TOOL_PATH + ".nt", None, "application/n-triples; charset=utf-8"),
        (TOOL_PATH + ".rdf", None, "application/rdf+xml; charset=utf-8"),
        (TOOL_PATH + ".trig", None, "application/trig; charset=utf-8"),
        (TOOL_PATH + ".nq", None, "application/n-quads; charset=utf-8"),
        (TOOL_PATH + ".html", "text/turtle", "text/html; charset=utf-8"),
        (TOOL_PATH + "?format=jsonld", FIREFOX, "application/ld+json; charset=utf-8"),
        (TOOL_PATH + "?format=text/turtle", FIREFOX, "text/turtle; charset=utf-8"),
        ("/learning-city/def/core", None, "text/turtle; charset=utf-8"),
        ("/learning-city/def/core.ttl", None, "text/turtle; charset=utf-8"),
        (
            "/learning-city/def/core/0.1.0",
            "application/n-triples",
            "application/n-triples; charset=utf-8",
        ),
        ("/learning-city/def/shapes", "application/ld+json", "application/ld+json; charset=utf-8"),
        ("/id/dataset/chava", None, "text/turtle; charset=utf-8"),
        ("/.well-known/void", None, "text/turtle; charset=utf-8"),
        ("/graph/links", None, "text/turtle; charset=utf-8"),
    ],
)
def test_formats_by_accept_suffix_and_parameter(
    client: FlaskClient, path: str, accept: str | None, content_type: str
) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_negotiated_response_headers(client: FlaskClient) -> None:
    response = client.get(TOOL_PATH, headers={"Accept": "application/ld+json"})
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"] == TOOL_PATH + ".jsonld"
    etag = response.headers["ETag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    assert response.headers["Last-Modified"]
    links = response.headers["Link"]
    for extension, media_type in (
        ("ttl", "text/turtle"),
        ("html", "text/html"),
        ("nq", "application/n-quads"),
    ):
        assert f'<{TOOL_PATH}.{extension}>; rel="alternate"; type="{media_type}"' in links
    assert 'type="application/ld+json"' not in links


def test_html_varies_on_language_and_says_which(client: FlaskClient) -> None:
    french = client.get(TOOL_PATH, headers={"Accept": FIREFOX, "Accept-Language": "fr-BE,fr;q=0.9"})
    english = client.get(TOOL_PATH, headers={"Accept": FIREFOX, "Accept-Language": "en"})
    forced = client.get(TOOL_PATH + "?lang=en", headers={"Accept": FIREFOX})
    assert french.headers["Content-Language"] == "fr"
    assert english.headers["Content-Language"] == "en"
    assert forced.headers["Content-Language"] == "en"
    assert french.headers["Vary"] == "Accept, Accept-Language"
    assert french.headers["ETag"] != english.headers["ETag"]
    assert "Aide-mémoire" in french.get_data(as_text=True)
    assert client.get(TOOL_PATH + "?lang=xx", headers={"Accept": FIREFOX}).status_code == 400


def test_etag_differs_per_representation(client: FlaskClient) -> None:
    etags = {
        client.get(TOOL_PATH + suffix).headers["ETag"]
        for suffix in (".ttl", ".jsonld", ".nt", ".html")
    }
    assert len(etags) == 4
    assert client.get(TOOL_PATH + ".ttl").headers["ETag"] in etags


def test_if_none_match_gives_304(client: FlaskClient) -> None:
    first = client.get(TOOL_PATH)
    again = client.get(TOOL_PATH, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "Accept" in again.headers["Vary"]
    other = client.get(TOOL_PATH, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_if_modified_since_gives_304(client: FlaskClient, app: Flask) -> None:
    first = client.get(TOOL_PATH)
    response = client.get(TOOL_PATH, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert response.status_code == 304
    created = app.extensions["chava.stores.store"].build.created
    older = format_datetime(created.replace(year=created.year - 1), usegmt=True)
    assert client.get(TOOL_PATH, headers={"If-Modified-Since": older}).status_code == 200


def test_head_sends_the_same_headers_and_the_true_length(client: FlaskClient) -> None:
    got = client.get(TOOL_PATH, headers={"Accept": "application/ld+json"})
    head = client.head(TOOL_PATH, headers={"Accept": "application/ld+json"})
    assert head.status_code == 200
    assert head.data == b""
    assert int(head.headers["Content-Length"]) == len(got.data)
    for name in ("ETag", "Content-Type", "Link", "Vary", "Last-Modified"):
        assert head.headers[name] == got.headers[name]


def test_cors_preflight_is_answered(client: FlaskClient) -> None:
    response = client.options(
        TOOL_PATH,
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "Accept" in response.headers["Access-Control-Allow-Headers"]
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_incoming_links_are_paginated_with_link_next(client: FlaskClient) -> None:
    first = client.get(HUB_PATH + ".nt")
    assert f'<{HUB_PATH}.nt?page=2>; rel="next"' in first.headers["Link"]
    second = client.get(HUB_PATH + ".nt?page=2")
    assert second.status_code == 200
    assert 'rel="next"' not in second.headers["Link"]
    assert f'<{HUB_PATH}.nt?page=1>; rel="prev"' in second.headers["Link"]
    incoming = {
        quad.subject
        for body in (first.data, second.data)
        for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        if quad.object == ox.NamedNode("https://w3id.org/chava/id/org/hub")
    }
    assert len(incoming) == 4
    assert client.get(HUB_PATH + ".nt?page=3").status_code == 404
    assert first.headers["ETag"] != second.headers["ETag"]


def test_withdrawn_iri_is_gone_and_replaced_iri_redirects(client: FlaskClient) -> None:
    gone = client.get("/id/tool/ancien")
    assert gone.status_code == 410
    moved = client.get("/id/tool/renomme")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith(TOOL_PATH)


def test_not_found_is_json_for_machines_and_html_for_browsers(client: FlaskClient) -> None:
    machine = client.get("/id/tool/nothing")
    assert machine.status_code == 404
    assert machine.json is not None
    assert "nothing is published" in machine.json["message"]
    browser = client.get("/id/tool/nothing", headers={"Accept": FIREFOX})
    assert browser.status_code == 404
    assert browser.headers["Content-Type"].startswith("text/html")


def test_unsatisfiable_accept_is_406_with_the_offered_types(client: FlaskClient) -> None:
    response = client.get(TOOL_PATH, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json is not None
    for media_type in ("text/turtle", "application/ld+json", "text/html", "application/n-quads"):
        assert media_type in response.json["message"]


def test_the_ontology_document_is_the_whole_ontology_graph(client: FlaskClient) -> None:
    response = client.get("/learning-city/def/core", headers={"Accept": "application/n-triples"})
    triples = list(ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES))
    subjects = {str(triple.subject) for triple in triples}
    assert "<https://w3id.org/learning-city/def/core#Tool>" in subjects
    assert "<https://w3id.org/learning-city/def/core#usedBy>" in subjects


def test_the_dataset_description_includes_its_distributions(client: FlaskClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    text = response.get_data(as_text=True)
    assert "http://rdfs.org/ns/void#classPartition" in text
    assert "http://www.w3.org/ns/dcat#byteSize" in text
    assert "http://spdx.org/rdf/terms#checksumValue" in text


def test_dumps_are_served_with_etag_and_ranges(client: FlaskClient, app: Flask) -> None:
    build = app.extensions["chava.stores.store"].build
    entry = next(e for e in build.manifest["dumps"] if e["name"] == "chava.ttl")
    with client.get("/dumps/chava.ttl") as response:
        assert response.status_code == 200
        assert response.headers["ETag"] == f'"{entry["sha256"]}"'
        assert int(response.headers["Content-Length"]) == entry["byte_size"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        body = response.data
    with client.get("/dumps/chava.ttl", headers={"Range": "bytes=0-9"}) as partial:
        assert partial.status_code == 206
        assert partial.data == body[:10]
    etag = f'"{entry["sha256"]}"'
    with client.get("/dumps/chava.ttl", headers={"If-None-Match": etag}) as cached:
        assert cached.status_code == 304
    with client.get("/dumps/chava.nq.gz") as gzipped:
        assert gzipped.headers["Content-Type"] == "application/gzip"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/dumps/../pyproject.toml", 404),
        ("/dumps/..%2Fpyproject.toml", 404),
        ("/dumps/%2e%2e/pyproject.toml", 404),
        ("/dumps/manifest.json", 404),
        ("/dumps/chava.ttl%00", 404),
        ("/id/%00", 400),
        ("/id/a%20b", 400),
        ("/id/a%0Ab", 404),  # werkzeug routes no newline
        ("/id/%3Cscript%3E", 400),
        ("/id/a/../../pyproject.toml", 400),
        ("/id/a/%2e%2e/b", 400),
        ("/id/caf%C3%A9", 404),
        ("/id/%FF%FE", 400),  # not UTF-8: decoded to U+FFFD, no IRI
        ("/id/" + "x" * 400, 414),
        ("/id/tool/aide-memoire?format=xyz", 406),
        ("/id/tool/aide-memoire?format=", 406),
        ("/id/tool/aide-memoire?page=0", 400),
        ("/id/tool/aide-memoire?page=-1", 400),
        ("/id/tool/aide-memoire?page=abc", 400),
        ("/id/tool/aide-memoire?page=99999999999", 400),
        ("/id/tool/aide-memoire.xyz", 404),
        ("/id/", 404),
    ],
)
def test_bad_requests_get_a_clear_4xx_never_a_500(
    client: FlaskClient, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json is not None
    assert response.json["message"]


@pytest.mark.parametrize(
    "accept",
    ["text/html;q=abc", ";;;", "*/*;q=2", "garbage", "text/turtle;;q=0.5", "a" * 2000, "\x7f"],
)
def test_malformed_accept_never_gives_a_500(client: FlaskClient, accept: str) -> None:
    assert client.get(TOOL_PATH, headers={"Accept": accept}).status_code in (200, 406)


def test_representations_are_cached_per_build(app: Flask, client: FlaskClient) -> None:
    cache = app.extensions["chava.representations"]
    client.get("/id/tool/a.nt")
    size = len(cache)
    first = client.get("/id/tool/a.nt")
    assert len(cache) == size
    assert client.get("/id/tool/a.nt").data == first.data


def test_other_mappings_follow_the_settings(tmp_path: Path) -> None:
    root = write_publication(tmp_path)
    settings = publication_settings(root, iri_paths=("/resource/={data}id/",))
    app = new_app(settings, build=build_publication(settings, validate=False))
    client = app.test_client()
    assert client.get("/resource/tool/aide-memoire").status_code == 200
    assert client.get(TOOL_PATH).status_code == 404


@pytest.fixture(scope="module")
def bundled_client(bundled_build: tuple[Settings, Build]) -> FlaskClient:
    settings, build = bundled_build
    return new_app(settings, build=build).test_client()


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/id/initiative/chava", "text/turtle"),
        ("/id/initiative/chava", "application/ld+json"),
        ("/id/initiative/chava", FIREFOX),
        ("/learning-city/def/core", "text/turtle"),
        ("/learning-city/def/core", FIREFOX),
        ("/learning-city/def/shapes", FIREFOX),
        ("/id/dataset/chava", "application/ld+json"),
        ("/.well-known/void", FIREFOX),
        ("/graph/asserted", "text/turtle"),
    ],
)
def test_the_bundled_publication_dereferences(
    bundled_client: FlaskClient, path: str, accept: str
) -> None:
    response = bundled_client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.data
