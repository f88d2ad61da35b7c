"""Pages for people: language choice, resource pages, home and class pages, generated docs."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from chava import catalogue
from chava.building.build import build_publication
from chava.building.builds import Build
from chava.config import Settings
from chava.describe import describe_resource
from chava.errors import BadRequestError
from chava.stores.store import PublishedStore
from chava.web import state
from chava.web.pages import choose_language, resource_html
from tests.app_support import new_app
from tests.pages_support import EVIL, HOSTILE_LABEL, write_publication

LANGUAGES = ("fr", "en")
HTML = {"Accept": "text/html"}
SCHEMA_BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@pytest.mark.parametrize(
    ("accept_language", "lang_param", "expected"),
    [
        (None, None, "fr"),  # nothing asked: the first configured language
        ("", None, "fr"),
        ("en", None, "en"),
        ("en-US,en;q=0.9,fr;q=0.8", None, "en"),
        ("fr-BE", None, "fr"),  # primary subtag
        ("de, en;q=0.5", None, "en"),  # unknown first choice, next one offered
        ("de, nl", None, "fr"),  # nothing offered: default
        ("en;q=0, fr;q=0.1", None, "fr"),  # q=0 excludes
        ("en;q=0, *", None, "fr"),
        ("*", None, "fr"),
        ("garbage;;;q=x", None, "fr"),  # malformed: ignored
        ("fr", "en", "en"),  # ?lang= beats Accept-Language
        ("en", "FR", "fr"),  # case-insensitive
        ("en", "", "en"),  # empty ?lang= counts as absent
    ],
)
def test_choose_language(
    accept_language: str | None, lang_param: str | None, expected: str
) -> None:
    assert choose_language(accept_language, lang_param, LANGUAGES) == expected


def test_choose_language_refuses_an_unknown_lang_parameter() -> None:
    with pytest.raises(BadRequestError, match="unknown language 'xx'"):
        choose_language("fr", "xx", LANGUAGES)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Build]:
    """The tiny publication of pages_support, built for real (with dumps)."""
    root = write_publication(tmp_path_factory.mktemp("tiny"))
    settings = Settings.load(
        root=root, environ={}, overrides={"build_dir": root / "build", "class_page_size": 2}
    )
    return settings, build_publication(settings, validate=False)


@pytest.fixture(scope="module")
def app_build(tiny: tuple[Settings, Build]) -> tuple[Settings, Build]:
    """The pages of the tiny publication."""
    return tiny


def page(client: FlaskClient, path: str, **headers: str) -> str:
    response = client.get(path, headers={**HTML, **headers})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_resource_page_escapes_hostile_labels(client: FlaskClient) -> None:
    body = page(client, "/id/tool/evil")
    assert '<html lang="fr" dir="ltr">' in body
    assert "&lt;script&gt;alert(" in body
    assert "<script>alert(" not in body
    assert body.count("<script") == 1  # only the JSON-LD block
    english = page(client, "/id/tool/evil?lang=en")
    assert '<html lang="en" dir="ltr">' in english
    assert "Evil &lt;/script&gt;&lt;!-- tool" in english
    assert "<!-- tool" not in english


def test_iris_with_script_schemes_are_not_links(client: FlaskClient) -> None:
    body = page(client, "/id/tool/evil")
    assert 'href="javascript:' not in body
    assert 'href="data:' not in body
    assert "<code>javascript:alert(1)</code>" in body  # shown as text


def test_schema_org_block_is_valid_json_that_cannot_close_the_script(
    client: FlaskClient,
) -> None:
    body = page(client, "/id/tool/evil")
    (block,) = SCHEMA_BLOCK.findall(body)
    assert "<" not in block
    assert ">" not in block
    assert "&" not in block
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    assert data["@id"] == EVIL
    assert data["@type"] == "CreativeWork"
    assert data["name"] == "Outil </script>"  # schema:name in the page language
    assert data["description"] == "Une description & plus"
    assert data["sameAs"] == "http://www.wikidata.org/entity/Q1"
    assert data["contactPoint"] == {"@type": "ContactPoint", "email": "info@example.org"}
    assert all(key.startswith("@") or ":" not in key for key in data)  # schema.org terms only


def _value_item(body: str, text: str) -> str:
    """The <li> of the value whose text is *text*."""
    items: list[str] = re.findall(r"<li>(.*?)</li>", body, re.DOTALL)
    matching = [item for item in items if f">{text}</a>" in item]
    assert matching, f"no value {text!r}"
    return matching[0]


def test_inferred_statements_carry_a_visible_badge(client: FlaskClient) -> None:
    body = page(client, "/id/tool/evil?lang=en")
    inferred = _value_item(body, "Theme B")
    assert 'class="badge inferred"' in inferred
    assert "Not stated in the sources: inferred by the editors" in inferred
    assert "badge inferred" not in _value_item(body, "Thème A")
    assert "Statements marked “inferred” are not in the source documents" in body


def test_resource_page_shows_labels_types_sources_and_fallbacks(client: FlaskClient) -> None:
    body = page(client, "/id/tool/evil?lang=en")
    assert '<a href="/learning-city/def/core?lang=en#Tool" class="chip"' in body  # a type
    assert ">about</a>" in body  # the property by its label
    assert '<a href="/id/theme/a?lang=en" lang="fr" title="' in body  # French label fallback
    assert '<span class="literal" lang="fr">Une description &amp; plus</span>' in body
    assert ">Source one</a>" in body  # dcterms:source with its label
    assert 'id="sources-heading"' in body


def test_resource_page_links_formats_and_sparql(client: FlaskClient) -> None:
    body = page(client, "/id/tool/evil")
    assert '<link rel="alternate" type="text/turtle" href="/id/tool/evil.ttl"' in body
    assert '<a href="/id/tool/evil.jsonld" type="application/ld+json">' in body
    hrefs = re.findall(r'href="(/sparql\?query=[^"]+)"', body)
    queries = [parse_qs(urlsplit(href.replace("&amp;", "&")).query)["query"][0] for href in hrefs]
    assert f"DESCRIBE <{EVIL}>" in queries
    assert any(f"GRAPH ?graph {{ <{EVIL}> ?property ?value }}" in query for query in queries)


def test_incoming_links_read_is_property_of(client: FlaskClient) -> None:
    body = page(client, "/id/theme/b?lang=en")
    assert "Incoming links" in body
    assert "is “" in body
    assert "about</a>” of" in body
    assert "badge inferred" in _value_item(body, "Evil &lt;/script&gt;&lt;!-- tool")


def test_pages_have_landmarks_and_a_skip_link(client: FlaskClient) -> None:
    for path in ("/", "/id/tool/evil", "/classes/lc:Theme", "/learning-city/def/core"):
        body = page(client, path)
        assert '<a class="skip-link" href="#main">' in body
        for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
            assert landmark in body, (path, landmark)


def test_home_page_counts_classes_and_opens_doors(client: FlaskClient) -> None:
    response = client.get("/", headers={**HTML, "Accept-Language": "en"})
    assert response.headers["Content-Language"] == "en"
    assert "Accept-Language" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    counts = dict(
        re.findall(r'<a href="/classes/(lc:\w+)\?lang=en">.*?<td class="number">(\d+)<', body)
    )
    assert counts["lc:Theme"] == "3"
    assert counts["lc:Tool"] == "1"
    for door in ("/sparql", "/context.jsonld", "/api/", "/portal/", "/learning-city/def/core"):
        assert f'href="{door}' in body
    assert re.search(r'href="/dumps/chava\.nq\.gz" download', body)
    assert "Entry points" in body
    assert ">Theme</a>" in body


def test_class_page_lists_instances_with_labels_and_pages(client: FlaskClient) -> None:
    first = page(client, "/classes/lc:Theme")
    assert ">Thème A</a>" in first
    assert 'lang="en"' in first
    assert ">Theme B</a>" in first
    assert 'rel="next" href="/classes/lc:Theme?lang=fr&amp;page=2"' in first
    second = page(client, "/classes/lc:Theme?page=2")
    assert "<code>chava:theme/c</code>" in second  # no label: the compact IRI
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second
    by_iri = page(client, "/classes/?iri=https://w3id.org/learning-city/def/core%23Theme")
    assert ">Thème A</a>" in by_iri
    listing = page(client, "/classes/")
    assert 'href="/classes/lc:Tool?lang=fr"' in listing


def test_a_class_page_reads_its_class_from_the_index_not_the_store(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an external engine, the store's reads (the class's type statements, a count and a
    sort of its instances) went over HTTP: a page of 23,000 organizations took 437 ms."""

    def unasked(*_arguments: object, **_options: object) -> object:
        raise AssertionError("the store was asked")

    monkeypatch.setattr(catalogue, "is_known", unasked)
    monkeypatch.setattr(PublishedStore, "quads", unasked)
    second = page(client, "/classes/lc:Theme?page=2&fresh=1")
    assert "<code>chava:theme/c</code>" in second


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/classes/lc:Theme?page=3", 400),
        ("/classes/lc:Theme?page=0", 400),
        ("/classes/lc:Theme?page=abc", 400),
        ("/classes/nope:Thing", 404),
        ("/classes/Thing", 404),
        ("/classes/?iri=https://example.org/unknown", 404),
        ("/classes/?iri=not%20an%20iri%3E", 404),
        ("/?lang=xx", 400),
        ("/id/tool/evil?lang=xx", 400),
    ],
)
def test_bad_page_requests_get_a_clear_4xx(client: FlaskClient, path: str, status: int) -> None:
    response = client.get(path, headers=HTML)
    assert response.status_code == status
    assert '<p class="error-message">' in response.get_data(as_text=True)


def test_local_links_keep_the_page_language(client: FlaskClient) -> None:
    chosen = page(client, "/id/tool/evil?lang=en")
    assert 'href="/id/source/s1?lang=en"' in chosen
    assert 'href="/classes/?lang=en"' in chosen
    # The same page whether the language came from ?lang= or Accept-Language (cacheable).
    negotiated = page(client, "/id/tool/evil", **{"Accept-Language": "en"})
    assert negotiated == chosen


def test_language_switch_keeps_only_content_parameters(client: FlaskClient) -> None:
    body = page(client, "/classes/lc:Theme?page=2&utm=x")
    assert 'href="/classes/lc:Theme?page=2&amp;lang=en" hreflang="en"' in body


def test_ontology_page_has_an_anchor_per_term(client: FlaskClient) -> None:
    body = page(client, "/learning-city/def/core?lang=en")
    assert "<h1><span>Test vocabulary</span></h1>" in body
    for anchor in ("Theme", "Tool", "GameTool", "about", "level"):
        assert f'id="{anchor}"' in body
    assert 'href="/learning-city/def/core?lang=en#GameTool"' in body  # hierarchy links
    assert ">the authors</span>" in body
    french = page(client, "/learning-city/def/core")
    assert "Vocabulaire d&#39;essai" in french


def test_shapes_page_says_what_each_shape_requires(client: FlaskClient) -> None:
    body = page(client, "/learning-city/def/shapes?lang=en")
    assert 'id="ToolShape"' in body
    assert "A label is required" in body
    assert "<code>^lc:about</code>" in body
    assert '<td class="cardinality">1..*</td>' in body
    assert ">Warning</span>" in body


def test_bundled_home_and_resource_pages(bundled_build: tuple[Settings, Build]) -> None:
    settings, build = bundled_build
    client = new_app(settings, build=build).test_client()
    home = page(client, "/")
    assert ">ChaVa</a>" in home
    resource = page(client, "/id/initiative/chava?lang=en")
    assert "<h1>ChaVa</h1>" in resource
    assert SCHEMA_BLOCK.search(resource)
    for path in (
        "/",
        "/id/initiative/chava",
        "/learning-city/def/core",
        "/learning-city/def/shapes",
    ):
        checker = _Nesting()
        checker.feed(page(client, path))
        assert (checker.errors, checker.stack) == ([], []), path
        assert len(checker.ids) == len(set(checker.ids)), path


def test_home_and_class_pages_answer_conditional_requests(client: FlaskClient) -> None:
    first = client.get("/classes/lc:Theme", headers=HTML)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/classes/lc:Theme", headers={**HTML, "If-None-Match": etag})
    assert again.status_code == 304
    english = client.get("/classes/lc:Theme?lang=en", headers={**HTML, "If-None-Match": etag})
    assert english.status_code == 200  # another language, another representation


class _Nesting(HTMLParser):
    """Checks that every element is closed, in order (void elements aside)."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend(value for name, value in attrs if name == "id" and value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]} at {self.getpos()}")
            return
        self.stack.pop()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/classes/",
        "/classes/lc:Theme?page=2",
        "/id/tool/evil",
        "/id/theme/b?lang=en",
        "/learning-city/def/core",
        "/learning-city/def/shapes?lang=en",
        "/id/nothing-here",
    ],
)
def test_pages_are_well_nested_with_unique_ids(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=HTML)
    checker = _Nesting()
    checker.feed(response.get_data(as_text=True))
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    assert len(checker.ids) == len(set(checker.ids))


def test_resource_html_contract(tiny: tuple[Settings, Build]) -> None:
    """What the publish route calls: a description, a language and the alternates in, HTML out."""
    settings, build = tiny
    app = new_app(settings, build=build)
    with app.test_request_context("/id/tool/evil"):
        description = describe_resource(state.published_store(), EVIL)
        html = resource_html(
            description, lang="en", alternates=[("Turtle <1>", "text/turtle", "/id/tool/evil.ttl")]
        )
    assert '<html lang="en" dir="ltr">' in html
    assert "Evil &lt;/script&gt;&lt;!-- tool" in html
    assert HOSTILE_LABEL not in html
    assert '<a href="/id/tool/evil.ttl" type="text/turtle">Turtle &lt;1&gt;</a>' in html
