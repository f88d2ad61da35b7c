"""The example query catalogue: every query runs on the endpoint and gives its expected answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from chava.building.builds import Build
from chava.config import Settings
from chava.formats import results_formats
from chava.sparql.catalogue import ExampleQuery, read_catalogue
from chava.stores.store import PublishedStore

Rows = list[dict[str, str]]
GRAPH = "https://w3id.org/chava/graph/"
ID = "https://w3id.org/chava/id/"


def column(rows: Rows, name: str) -> list[str]:
    return [row[name] for row in rows if name in row]


def row_with(rows: Rows, name: str, value: str) -> dict[str, str]:
    return next(row for row in rows if row.get(name) == value)


EXPECTED: dict[str, Callable[[Any], bool]] = {
    "acteurs-par-thematique": lambda rows: (
        {
            "GT 1 Education et numérique",
            "Atelier 1 \u2013 La fracture numérique",
        }
        <= set(column(rows, "actorLabel"))
        and set(column(rows, "graph")) == {GRAPH + "inferred"}
    ),
    "outils-par-type-et-disponibilite": lambda rows: (
        len(rows) == 14
        and "Aide-mémoire" in column(rows, "toolLabel")
        and {"Pérenne", "Temporaire"} <= set(column(rows, "availability"))
    ),
    "gouvernance-avec-faits-inferes": lambda rows: (
        len(rows) == 6
        and row_with(rows, "bodyLabel", "Comité de pilotage")["aboveLabel"]
        == "Comité de gouvernance"
        and row_with(rows, "bodyLabel", "GT 1 Education et numérique")["themeLabel"]
        == "L'éducation et le numérique"
    ),
    "gouvernance-sans-faits-inferes": lambda rows: (
        len(rows) == 6
        and not column(rows, "aboveLabel")
        and not column(rows, "themeLabel")
        and set(column(rows, "partOfLabel")) == {"ChaVa"}
    ),
    "thematiques-caracteristiques-cles-et-odd": lambda rows: (
        {
            "http://metadata.un.org/sdg/4",
            "http://metadata.un.org/sdg/11",
        }
        == set(column(rows, "sdg"))
        and {"BB.1", "BB.4", "WB.3"} <= set(column(rows, "keyFeatureNotation"))
    ),
    "ressources-sans-libelle-anglais": lambda rows: (
        bool(rows) and all(row["graph"].startswith(GRAPH) for row in rows)
    ),
    "adhesion-au-reseau-mondial": lambda rows: (
        set(column(rows, "since")) == {"2020-09"}
        and set(column(rows, "memberLabel")) == {"Ville de Charleroi"}
        and len(rows) == 4
    ),
    "decret-education-permanente": lambda rows: (
        column(rows, "aimNotation") == ["1", "2", "3"]
        and set(column(rows, "date")) == {"2003-07-17"}
    ),
    "retours-de-la-premiere-rencontre": lambda rows: (
        column(rows, "position") == [str(number) for number in range(1, 8)]
        and column(rows, "numeroInfere") == ["true"] * 3 + ["false"] * 4
    ),
    "defis-par-source": lambda rows: (
        len(rows) == 10 and {"D1", "D2", "D3", "D4"} <= set(column(rows, "notation"))
    ),
    "ressources-par-classe": lambda rows: (
        row_with(rows, "class", "https://w3id.org/learning-city/def/core#PedagogicalTool")[
            "resources"
        ]
        == "14"
    ),
    "triplets-par-graphe": lambda rows: (
        {
            GRAPH + name
            for name in ("asserted", "inferred", "links", "ontology", "shapes", "queries")
        }
        <= set(column(rows, "graph"))
    ),
    "principes-et-ressources-de-chava": lambda rows: (
        len(rows) == 6 and "Donner la parole aux Carolos" in column(rows, "french")
    ),
    "caracteristiques-cles-des-villes-apprenantes": lambda rows: (
        column(rows, "notation")
        == [f"BB.{n}" for n in range(1, 7)]
        + [f"FC.{n}" for n in range(1, 4)]
        + [f"WB.{n}" for n in range(1, 4)]
    ),
    "ateliers-thematiques-et-defis": lambda rows: (
        sorted(set(column(rows, "position"))) == ["1", "2", "3"]
        and row_with(rows, "position", "1")["challengeLabel"] == "Diminuer la fracture numérique"
    ),
    "liens-externes-et-leurs-preuves": lambda rows: (
        "http://www.wikidata.org/entity/Q7809" in column(rows, "object")
    ),
    "ressources-par-document-source": lambda rows: (
        {"Charleroi, une ville apprenante !", "Key Features of Learning Cities"}
        <= set(column(rows, "title"))
    ),
    "hierarchie-de-gouvernance-inferee": lambda answer: answer is True,
    "organigramme-de-gouvernance": lambda graph: (
        ox.Triple(
            ox.NamedNode(ID + "body/comite-de-gouvernance"),
            ox.NamedNode("http://www.w3.org/ns/org#hasSubOrganization"),
            ox.NamedNode(ID + "body/comite-de-pilotage"),
        )
        in graph
    ),
    "personnes-et-postes": lambda rows: column(rows, "name") == ["Julie Patte"],
}


@pytest.fixture(scope="module")
def catalogue(bundled_build: tuple[Settings, Build]) -> tuple[ExampleQuery, ...]:
    return read_catalogue(PublishedStore(bundled_build[1]))


def test_the_catalogue_has_at_least_fifteen_described_questions(
    catalogue: tuple[ExampleQuery, ...],
) -> None:
    assert len(catalogue) >= 15
    assert {example.slug for example in catalogue} == set(EXPECTED)
    assert [example.position for example in catalogue] == sorted(
        example.position for example in catalogue
    )
    for example in catalogue:
        assert set(example.labels) >= {"fr", "en"}
        assert set(example.comments) >= {"fr", "en"}
        assert set(example.keywords) >= {"fr", "en"}
    assert {example.form for example in catalogue} == {"SELECT", "ASK", "CONSTRUCT"}


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_every_catalogued_query_gives_its_expected_answer(
    client: FlaskClient, catalogue: tuple[ExampleQuery, ...], slug: str
) -> None:
    example = next(example for example in catalogue if example.slug == slug)
    if example.form == "CONSTRUCT":
        response = client.post(
            "/sparql", data={"query": example.text}, headers={"Accept": "application/n-triples"}
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        graph = list(ox.parse(response.get_data(), format=ox.RdfFormat.N_TRIPLES))
        assert graph
        assert EXPECTED[slug]({ox.Triple(q.subject, q.predicate, q.object) for q in graph})
        return
    response = client.post("/sparql", data={"query": example.text})
    assert response.status_code == 200, response.get_data(as_text=True)
    document = json.loads(response.get_data())
    if example.form == "ASK":
        assert EXPECTED[slug](document["boolean"])
        return
    rows = [
        {name: term["value"] for name, term in binding.items()}
        for binding in document["results"]["bindings"]
    ]
    assert rows, f"{slug} returned no rows"
    assert EXPECTED[slug](rows), rows


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_examples_list_is_an_accessible_page_in_each_language(
    client: FlaskClient, catalogue: tuple[ExampleQuery, ...], lang: str
) -> None:
    response = client.get(f"/sparql/examples?lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}" dir="ltr">' in page
    for example in catalogue:
        assert f'href="/sparql/examples/{example.slug}' in page
        assert _escaped(example.label((lang,))) in page


@pytest.mark.parametrize(
    ("slug", "lang", "accept_language"),
    [
        ("adhesion-au-reseau-mondial", "fr", None),
        ("adhesion-au-reseau-mondial", "en", None),
        ("retours-de-la-premiere-rencontre", None, "en-GB,en;q=0.9"),
        ("hierarchie-de-gouvernance-inferee", None, None),
        ("organigramme-de-gouvernance", "en", None),
    ],
)
def test_each_example_page_shows_description_query_results_and_links(
    client: FlaskClient,
    catalogue: tuple[ExampleQuery, ...],
    slug: str,
    lang: str | None,
    accept_language: str | None,
) -> None:
    example = next(example for example in catalogue if example.slug == slug)
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.get(
        f"/sparql/examples/{slug}" + (f"?lang={lang}" if lang else ""), headers=headers
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    language = lang or ("en" if accept_language else "fr")
    assert _escaped(example.label((language,))) in page
    assert _escaped(example.comment((language,))) in page
    assert _escaped(example.text.splitlines()[-1]) in page  # the query, escaped
    if example.form == "ASK":
        assert ("Answer: true" if language == "en" else "Réponse : vrai") in page
    else:
        assert "<table" in page
        assert '<th scope="col">' in page
    # Downloads in each machine format the query form offers (named by their suffix).
    links = [f"format={fmt.extension}" for fmt in results_formats(example.form) if not fmt.page]
    assert len(links) >= 2
    for link in links:
        assert link in page


def test_an_unknown_example_is_404(client: FlaskClient) -> None:
    assert client.get("/sparql/examples/nope").status_code == 404


def _escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )
