"""A city scaffolded with `chava init` publishes under its own name, in its own languages.

Issue 11: every page, API answer, VoID/DCAT, service description and the portal of a city that
is not Charleroi shows nothing of Charleroi; its `languages` (any BCP 47 tag: fi, es, ar,
zh-Hans) drive what pages show, with English page texts where chava has no translation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Final
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from chava.building.build import build_publication
from chava.config import Settings
from chava.language_tags import direction, is_right_to_left, language_name, match_language
from chava.network.scaffold import scaffold_publication
from chava.web.texts import texts_language
from tests.conftest import PROJECT_ROOT

BASE: Final = "https://jarvilinna.example.org/"
LANGUAGES: Final = ("fi", "es", "ar", "zh-Hans")
TITLES: Final = {
    "fi": "Oppiva Järvilinna",
    "es": "Järvilinna, ciudad del aprendizaje",
    "ar": "يارفيلينا، مدينة التعلّم",
    "zh-Hans": "亚尔维林纳学习型城市",
}
SHARED: Final = "/learning-city/"
FORBIDDEN: Final = ("Charleroi", "ChaVa", "Territoires", "Mémoire", "w3id.org/chava")
"""What a city that is not Charleroi must never show."""
HTML: Final = {"Accept": "text/html"}
NOT_PAGES: Final = ("/dumps/", "/static/", "/sparql?", "/api", "/context", "/frames/")
"""Links from pages to downloads and machine documents (checked with their own media types)."""

DATA: Final = f"""\
@prefix lc:      <https://w3id.org/learning-city/def/core#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema:  <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .

<{BASE}id/place/jarvilinna> a schema:City ;
    rdfs:label "Järvilinna"@fi , "Järvilinna"@es , "يارفيلينا"@ar , "亚尔维林纳"@zh-Hans ;
    dcterms:source <{BASE}id/source/profile> .
<{BASE}id/place/vanhakaupunki> a schema:Place ;
    rdfs:label "Vanhakaupunki"@fi ;
    dcterms:source <{BASE}id/source/profile> .
<{BASE}id/source/profile> a lc:SourceDocument , prov:Entity ;
    rdfs:label "Järvilinnan profiili"@fi , "Perfil de Järvilinna"@es ;
    dcterms:title "Järvilinnan profiili"@fi ;
    dcterms:language "fi" .
"""


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Järvilinna, scaffolded in four languages, with a little data, validated and built."""
    root = tmp_path_factory.mktemp("jarvilinna") / "city"
    scaffold_publication(
        root, "Järvilinna", profile_root=PROJECT_ROOT, languages=LANGUAGES, base_iri=BASE
    )
    (root / "data" / "city.ttl").write_text(DATA, encoding="utf-8")
    dataset = (root / "data" / "dataset.trig").read_text(encoding="utf-8")
    titles = " , ".join(f'"{title}"@{tag}' for tag, title in TITLES.items())
    dataset, count = re.subn(
        r"dcterms:title .*?(?= ;\n    dcterms:description| \.\n)",
        f"dcterms:title {titles}",
        dataset,
        flags=re.DOTALL,
    )
    assert count == 1
    (root / "data" / "dataset.trig").write_text(dataset, encoding="utf-8")
    settings = Settings.load(root=root, environ={})
    build_publication(settings)
    return settings


@pytest.fixture(scope="module")
def app_build(city: Settings) -> tuple[Settings, None]:
    """The city's publication, its current build."""
    return city, None


def _text(response_body: bytes, content_type: str) -> str:
    """The body as a person or a program reads it (JSON unescaped)."""
    text = response_body.decode("utf-8")
    if "json" in content_type:
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def _crawl(client: FlaskClient) -> Iterator[tuple[str, str]]:
    """Every page and machine answer of the publication: (path, text)."""
    seen: set[str] = set()
    queue = [
        "/",
        "/classes/",
        "/learning-city/def/core",
        "/learning-city/def/shapes",
        "/sparql/editor",
        "/sparql/examples",
        "/harvest/",
        "/portal/",
        "/portal/portal.js",
        "/portal/index.html",
    ]
    for language in LANGUAGES:
        queue.append(f"/?lang={language}")
    machine = [
        ("/.well-known/void", "text/turtle"),
        ("/.well-known/void", "application/ld+json"),
        ("/sparql", "text/turtle"),
        ("/sparql", "application/ld+json"),
        ("/api", "application/ld+json"),
        ("/api/search?q=a", "application/ld+json"),
        ("/frames/", "application/json"),
    ]
    api = json.loads(client.get("/api", headers={"Accept": "application/json"}).data)
    machine += [(urlsplit(c["url"]).path, "application/ld+json") for c in api["collections"]]
    for path, accept in machine:
        answer = client.get(path, headers={"Accept": accept}, follow_redirects=True)
        assert answer.status_code == 200, (path, answer.status_code)
        yield f"{path} ({accept})", _text(answer.data, answer.content_type)
    while queue and len(seen) < 300:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        with client.get(path, headers=HTML, follow_redirects=True) as response:
            assert response.status_code == 200, (path, response.status_code)
            body = _text(response.data, response.content_type)
        yield path, body
        if response.mimetype == "text/html":
            for href in re.findall(r'href="(/[^"#]*)"', body):
                target = href.replace("&amp;", "&")
                if not target.startswith(NOT_PAGES):
                    queue.append(target)


def test_nothing_a_visitor_or_a_machine_sees_is_charleroi_s(client: FlaskClient) -> None:
    crawled = dict(_crawl(client))
    assert len(crawled) > 30
    # The shared vocabulary and reference data (`/learning-city/...`) are the same in every
    # city; their provenance may cite the publication they were drawn from (the availability
    # scheme cites a Charleroi source), never in words a visitor reads as the city's own.
    problems = [
        f"{path}: {word}"
        for path, text in crawled.items()
        for word in FORBIDDEN
        if word in text and not (path.startswith(SHARED) and word == "w3id.org/chava")
    ]
    assert problems == []
    # The JSON-LD context is the one shared, frozen contract of every chava publication: its
    # `chava:` and `graph:` prefixes name the bundled publication's namespaces, which a city's
    # own IRIs never fall under (they stay absolute in its JSON-LD).
    context = client.get("/context.jsonld").text
    assert [word for word in FORBIDDEN[:-1] if word in context] == []
    named = [path for path, text in crawled.items() if "Järvilinna" in text]
    assert "/" in named
    assert "/.well-known/void (text/turtle)" in named
    assert "/api (application/ld+json)" in named


def test_void_service_description_and_graphs_are_the_city_s(client: FlaskClient) -> None:
    turtle = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text
    assert turtle == client.get("/id/dataset/jarvilinna", headers={"Accept": "text/turtle"}).text
    assert f"<{BASE}id/dataset/jarvilinna>" in turtle
    for title in TITLES.values():
        assert title in turtle
    for graph in ("ontology", "shapes", "metadata", "asserted"):
        assert f"<{BASE}graph/{graph}>" in turtle
    service = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    assert f"{BASE}id/dataset/jarvilinna" in service
    assert f"@prefix graph: <{BASE}graph/>" in service
    editor = client.get("/sparql/editor").text
    assert f'"jarvilinna": "{BASE}id/"' in editor


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_speaks_each_configured_language(client: FlaskClient, language: str) -> None:
    response = client.get(f"/?lang={language}", headers=HTML)
    body = response.text
    assert response.headers["Content-Language"] == language
    # chava has no page texts in these languages: they are English, and the page says so.
    assert '<html lang="en" dir="ltr">' in body
    assert "Entry points" in body or "Resources per class" in body
    rtl = ' dir="rtl"' if is_right_to_left(language) else ""
    heading = f'<h1 id="intro-heading"><span lang="{language}"{rtl}>{TITLES[language]}</span></h1>'
    assert heading in body
    assert f"<title>Home · {TITLES[language]}</title>" in body


def test_the_language_switch_names_each_language_in_itself(client: FlaskClient) -> None:
    body = client.get("/?lang=fi", headers=HTML).text
    assert 'hreflang="ar" lang="ar" dir="rtl">' in body
    for language in LANGUAGES:
        assert f">{language_name(language)}</a>" in body
    assert ">العربية</a>" in body
    assert ">简体中文</a>" in body


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("ar-EG,ar;q=0.9", "ar"),
        ("zh-CN,zh;q=0.9,en;q=0.5", "zh-Hans"),
        ("es-419", "es"),
        ("de, en;q=0.5", "fi"),
    ],
)
def test_accept_language_chooses_among_the_configured_languages(
    client: FlaskClient, accept_language: str, expected: str
) -> None:
    response = client.get("/", headers={**HTML, "Accept-Language": accept_language})
    assert response.headers["Content-Language"] == expected
    assert TITLES[expected] in response.text


def test_lang_parameter_is_case_insensitive_and_refuses_other_languages(
    client: FlaskClient,
) -> None:
    response = client.get("/?lang=ZH-hans", headers=HTML)
    assert response.headers["Content-Language"] == "zh-Hans"
    refused = client.get("/?lang=fr", headers=HTML)
    assert refused.status_code == 400
    assert "offered: fi, es, ar, zh-Hans" in refused.text


def test_labels_fall_back_through_the_configured_languages(client: FlaskClient) -> None:
    """The old town has only a Finnish label: an Arabic page shows it, marked Finnish."""
    arabic = client.get("/id/place/vanhakaupunki?lang=ar", headers=HTML).text
    assert '<h1 lang="fi">' in arabic
    assert "Vanhakaupunki" in arabic
    place = client.get("/id/place/jarvilinna?lang=ar", headers=HTML).text
    assert '<h1 lang="ar" dir="rtl">' in place
    chinese = client.get("/id/place/jarvilinna?lang=zh-Hans", headers=HTML).text
    assert '<h1 lang="zh-Hans">' in chinese
    assert "亚尔维林纳" in chinese
    spanish_source = client.get("/id/source/profile?lang=es", headers=HTML).text
    assert "Perfil de Järvilinna" in spanish_source


@pytest.mark.parametrize(
    ("tag", "rtl"),
    [
        ("ar", True),
        ("ar-EG", True),
        ("he", True),
        ("fa", True),
        ("ur", True),
        ("az-Arab", True),
        ("ku-Latn", False),
        ("fi", False),
        ("zh-Hans", False),
        ("es-419", False),
    ],
)
def test_right_to_left_languages(tag: str, rtl: bool) -> None:
    assert is_right_to_left(tag) is rtl
    assert direction(tag) == ("rtl" if rtl else "ltr")


@pytest.mark.parametrize(
    ("language", "texts"),
    [("fr", "fr"), ("fr-BE", "fr"), ("en-GB", "en"), ("fi", "en"), ("ar", "en"), ("zh-Hans", "en")],
)
def test_page_texts_fall_back_to_english(language: str, texts: str) -> None:
    assert texts_language(language) == texts


def test_language_ranges_match_by_prefix_and_primary_subtag() -> None:
    offered = ("zh-Hans", "fr", "en")
    assert match_language([("zh", 1.0)], offered) == "zh-Hans"
    assert match_language([("fr-BE", 1.0)], offered) == "fr"
    assert match_language([("zh-TW", 1.0), ("en", 0.5)], offered) == "zh-Hans"
    assert match_language([("de", 1.0)], offered) is None
    assert match_language([("fr", 0.0), ("*", 1.0)], offered) == "zh-Hans"
    assert match_language([("zh-Hans", 0.0), ("*", 1.0)], offered) == "fr"
