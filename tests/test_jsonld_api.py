"""The JSON-LD API over HTTP: contract documents, listings, pagination, search, profiles, errors."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from chava.building.builds import Build
from chava.config import Settings
from chava.jsonld.collections import COLLECTIONS
from chava.jsonld.schemas import load_schemas
from chava.stores.store import PublishedStore
from tests.jsonld_support import assert_all_true, expand_to_triples, union_triples

TDM = "https://w3id.org/chava/id/organization/territoires-de-la-memoire"
TOOL = "/id/tool/aide-memoire"
TEMPORARY = "https://w3id.org/learning-city/id/concept/availability/temporaire"


@pytest.fixture(scope="module")
def graph(bundled_build: tuple[Settings, Build]) -> set[ox.Triple]:
    return union_triples(PublishedStore(bundled_build[1]).oxigraph)


def get_json(client: FlaskClient, url: str, status: int = 200, **headers: str) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.data
    return json.loads(response.data)


# --- the contract documents ------------------------------------------------------------------


def test_the_versioned_context_is_immutable_and_conditional(client: FlaskClient) -> None:
    response = client.get("/context/v1.jsonld")
    assert response.status_code == 200
    assert response.content_type.startswith("application/ld+json")
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in response.headers["Vary"]
    again = client.get("/context/v1.jsonld", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    current = client.get("/context.jsonld")
    assert current.data == response.data
    assert "immutable" not in current.headers["Cache-Control"]
    assert client.get("/context/v9.jsonld").status_code == 404


@pytest.mark.parametrize("name", sorted({c.frame for c in COLLECTIONS.values()}))
def test_frames_and_schemas_are_published(client: FlaskClient, name: str) -> None:
    frame = get_json(client, f"/frames/{name}.json")
    assert frame["@context"] == "/context/v1.jsonld"
    schema = client.get(f"/frames/{name}.schema.json")
    assert schema.status_code == 200
    assert schema.content_type.startswith("application/schema+json")
    assert schema.data == load_schemas()[name]
    index = get_json(client, "/frames/")
    assert {
        "name": name,
        "frame": f"/frames/{name}.json",
        "schema": f"/frames/{name}.schema.json",
    } in index["profiles"]


# --- listings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_every_collection_page_validates_and_states_true_triples(
    client: FlaskClient, graph: set[ox.Triple], collection: str
) -> None:
    page = get_json(client, f"/api/{collection}?limit=500")
    schema = json.loads(load_schemas()[COLLECTIONS[collection].frame])
    jsonschema.Draft202012Validator({**schema, "$ref": "#/$defs/page", "required": []}).validate(
        page
    )
    assert page["totalItems"] == len(page["items"]) > 0
    items = {"@context": page["@context"], "@graph": page["items"]}
    assert_all_true(expand_to_triples(items), graph)


def test_listing_counts_and_filters(client: FlaskClient) -> None:
    assert get_json(client, "/api/tools")["totalItems"] == 14
    assert get_json(client, "/api/themes")["totalItems"] == 3
    assert get_json(client, f"/api/tools?publisher={TDM}")["totalItems"] == 14
    assert get_json(client, f"/api/tools?availability={TEMPORARY}")["totalItems"] == 6
    assert (
        get_json(client, f"/api/tools?availability={TEMPORARY}&publisher={TDM}")["totalItems"] == 6
    )
    assert get_json(client, "/api/tools?type=schema:BookSeries")["totalItems"] == 4
    assert get_json(client, "/api/actors?kind=" + TEMPORARY)["totalItems"] == 0
    for theme in get_json(client, "/api/themes")["items"]:
        bodies = get_json(client, f"/api/bodies?theme={theme['id']}")
        assert bodies["totalItems"] == 1
        assert bodies["items"][0]["purpose"]["id"] == theme["id"]


def test_lang_keeps_one_language(client: FlaskClient) -> None:
    page = get_json(client, "/api/bodies?lang=en")
    assert all(list(item["label"]) == ["en"] for item in page["items"])
    assert all(len(item["label"]) == 2 for item in get_json(client, "/api/bodies")["items"])


def test_order_is_french_collation_in_the_chosen_language(client: FlaskClient) -> None:
    tools = get_json(client, "/api/tools?limit=100")["items"]
    french = [item["label"]["fr"] for item in tools]
    assert french.index("« Discriminations et toi ? et moi ? »") < french.index(
        "En marche, citoyen !"
    )
    assert french.index("Bibliothèque insoumise") < french.index(
        "« Discriminations et toi ? et moi ? »"
    )
    english = [
        item["label"]["en"] for item in get_json(client, "/api/tools?limit=100&lang=en")["items"]
    ]
    assert english != french


def test_pagination_walks_every_item_once_in_a_stable_order(client: FlaskClient) -> None:
    everything = [item["id"] for item in get_json(client, "/api/concepts?limit=500")["items"]]
    seen: list[str] = []
    url: str | None = "/api/concepts?limit=7"
    pages = 0
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        page = json.loads(response.data)
        assert page["totalItems"] == len(everything)
        seen += [item["id"] for item in page["items"]]
        links = response.headers["Link"]
        next_url = page["view"].get("next")
        assert (next_url is not None) == ('rel="next"' in links)
        if pages:
            assert 'rel="prev"' in links
            assert "previous" in page["view"]
        url = next_url.removeprefix("http://localhost") if next_url else None
        pages += 1
    assert seen == everything
    assert pages == -(-len(everything) // 7)


def test_previous_link_goes_back(client: FlaskClient) -> None:
    first = get_json(client, "/api/concepts?limit=5")
    second = get_json(client, first["view"]["next"].removeprefix("http://localhost"))
    back = get_json(client, second["view"]["previous"].removeprefix("http://localhost"))
    assert back["items"] == first["items"]
    assert get_json(client, "/api/concepts?limit=5&offset=5")["items"] == second["items"]


def test_api_pages_are_cacheable(client: FlaskClient) -> None:
    response = client.get("/api/themes")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Cache-Control"].startswith("public")
    assert 'rel="profile"' in response.headers["Link"]
    again = client.get("/api/themes", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


# --- search ------------------------------------------------------------------------------------


def test_search_ignores_case_and_accents(client: FlaskClient) -> None:
    page = get_json(client, "/api/search?q=memoire&limit=100")
    assert page["totalItems"] > 0
    assert any("Mémoire" in json.dumps(item, ensure_ascii=False) for item in page["items"])
    assert get_json(client, "/api/search?q=MÉMOIRE")["totalItems"] == page["totalItems"]


def test_search_ranks_exact_labels_first(client: FlaskClient) -> None:
    page = get_json(client, "/api/search?q=comite de pilotage")
    assert page["items"][0]["id"] == "https://w3id.org/chava/id/body/comite-de-pilotage"
    page = get_json(client, "/api/search?q=chava")
    assert page["items"][0]["id"] == "https://w3id.org/chava/id/initiative/chava"


def test_search_within_a_collection(client: FlaskClient) -> None:
    page = get_json(client, "/api/search?q=memoire&collection=tools")
    assert page["items"]
    assert all("lc:PedagogicalTool" in item["type"] for item in page["items"])
    assert get_json(client, "/api/tools?q=memoire")["totalItems"] == page["totalItems"]


# --- bad requests: 400 with a message, never a 500 ---------------------------------------------


@pytest.mark.parametrize("accept", ["application/ld+json", "text/html", None])
def test_an_unknown_collection_is_404_whatever_the_client_accepts(
    client: FlaskClient, accept: str | None
) -> None:
    """Issue 15: `/api/unknown` answers 404 (it was 400, or 406 for a browser)."""
    response = client.get("/api/unknown", headers={"Accept": accept} if accept else {})
    assert response.status_code == 404
    assert "tools" in response.get_data(as_text=True)  # the collections there are


@pytest.mark.parametrize(
    "url",
    [
        "/api/tools?limit=-1",
        "/api/tools?limit=0",
        "/api/tools?limit=501",
        "/api/tools?limit=abc",
        "/api/tools?limit=1e3",
        "/api/tools?limit=99999999999999999999",
        "/api/tools?limit=",
        "/api/tools?offset=-5",
        "/api/tools?limit=1&limit=2",
        "/api/tools?foo=bar",
        "/api/tools?lang=!!",
        "/api/tools?type=not%20an%20iri",
        "/api/tools?theme=%3Cscript%3E",
        "/api/tools?graph=nope",
        "/api/tools?cursor=%%%",
        "/api/tools?cursor=bm90LWEtY3Vyc29y",
        "/api/tools?cursor=MTAuMDAwMDAwMDAwMDAwMDAwMA",
        "/api/search",
        "/api/search?q=",
        "/api/search?q=" + "x" * 201,
        "/api/search?q=a&collection=nope",
    ],
)
def test_bad_parameters_get_400_with_a_message(client: FlaskClient, url: str) -> None:
    body = get_json(client, url, 400, Accept="application/json")
    assert body["message"]


def test_a_cursor_only_works_for_its_own_listing(client: FlaskClient) -> None:
    next_url = get_json(client, "/api/concepts?limit=5")["view"]["next"]
    cursor = next_url.split("cursor=")[1]
    get_json(client, f"/api/concepts?limit=5&cursor={cursor}")
    get_json(client, f"/api/tools?limit=5&cursor={cursor}", 400)
    get_json(client, f"/api/concepts?limit=5&lang=en&cursor={cursor}", 400)
    get_json(client, f"/api/concepts?limit=5&offset=5&cursor={cursor}", 400)


def test_api_refuses_a_non_json_accept(client: FlaskClient) -> None:
    assert client.get("/api/tools", headers={"Accept": "text/turtle"}).status_code == 406


# --- profile negotiation on resources ------------------------------------------------------------


def test_accept_profile_gives_the_framed_document(client: FlaskClient) -> None:
    accept = 'application/ld+json; profile="http://localhost/frames/tool.json"'
    response = client.get(TOOL, headers={"Accept": accept})
    assert response.status_code == 200
    assert 'profile="http://localhost/frames/tool.json"' in response.headers["Content-Type"]
    assert "Accept" in response.headers["Vary"]
    document = json.loads(response.data)
    assert document["provider"]["label"]["fr"] == "Les Territoires de la Mémoire asbl"
    assert (
        client.get(
            TOOL, headers={"Accept": accept, "If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )
    by_query = client.get(TOOL + "?profile=tool")
    assert by_query.data == response.data


def test_without_profile_the_resource_is_compact_json_ld(client: FlaskClient) -> None:
    response = client.get(TOOL, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert "profile=" not in response.headers["Content-Type"]


def test_unknown_profiles_are_refused_with_the_list(client: FlaskClient) -> None:
    accept = 'application/ld+json; profile="http://localhost/frames/nope.json"'
    refused = get_json(client, TOOL, 406, Accept=accept)
    assert "/frames/tool.json" in refused["message"]
    assert "/frames/tool.json" in get_json(client, TOOL + "?profile=nope", 400)["message"]
    get_json(client, TOOL + "?profile=theme", 400)
    get_json(client, TOOL + ".ttl?profile=tool", 400)
    get_json(client, TOOL + "?profile=tool&lang=%3C", 400)
