"""Pages of the SPARQL endpoint for people: the query editor and the example query catalogue."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, request

from chava.formats import N_TRIPLES, SPARQL_JSON
from chava.publication_iris import publication_iris
from chava.sparql.catalogue import ExampleQuery, find_example
from chava.sparql.protocol import QueryRequest
from chava.web import state
from chava.web.language import request_language
from chava.web.rendering import page_linker, render_page
from chava.web.sparql_state import catalogue, query_service
from chava.web.texts import texts_language

blueprint = Blueprint("sparql_pages", __name__)

TEXTS: Final = {
    "fr": {
        "editor": "Éditeur de requêtes SPARQL",
        "editor_intro": "Interrogez ce graphe en SPARQL 1.1. Chaque exemple du catalogue "
        "s'ouvre dans son propre onglet.",
        "examples": "Exemples de requêtes",
        "examples_intro": "Des questions de recherche sur le graphe, chacune avec sa requête "
        "et ses résultats.",
        "query": "Requête",
        "results": "Résultats",
        "download": "Télécharger les résultats",
        "open_editor": "Ouvrir dans l'éditeur",
        "keywords": "Mots-clés\u00a0:",
        "no_results": "Aucun résultat.",
        "answer_true": "Réponse : vrai",
        "answer_false": "Réponse : faux",
        "truncated": "Résultats tronqués : seules les premières lignes sont montrées.",
        "no_script": "L'éditeur a besoin de JavaScript. Sans lui, utilisez les exemples ci-dessous "
        "ou envoyez vos requêtes à /sparql (GET ?query= ou POST).",
    },
    "en": {
        "editor": "SPARQL query editor",
        "editor_intro": "Query this graph with SPARQL 1.1. Each catalogued example opens "
        "in its own tab.",
        "examples": "Example queries",
        "examples_intro": "Research questions about the graph, each with its query and results.",
        "query": "Query",
        "results": "Results",
        "download": "Download the results",
        "open_editor": "Open in the editor",
        "keywords": "Keywords:",
        "no_results": "No results.",
        "answer_true": "Answer: true",
        "answer_false": "Answer: false",
        "truncated": "Results truncated: only the first rows are shown.",
        "no_script": "The editor needs JavaScript. Without it, use the examples below or send "
        "your queries to /sparql (GET ?query= or POST).",
    },
}


@dataclass(frozen=True)
class Cell:
    """One value of a result table: its text, a link for IRIs, its language for literals."""

    text: str
    href: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ResultTable:
    """An example's results, ready for a template."""

    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    boolean: bool | None = None
    truncated: bool = False
    links: dict[str, str] = field(default_factory=dict)


def editor_page() -> str:
    """The YASGUI editor, preloaded with the prefixes and one tab per example query."""
    language, _explicit = request_language()
    tabs = [{"name": example.label((language,)), "query": example.text} for example in catalogue()]
    prefixes = publication_iris(state.settings()).prefixes
    config = {"endpoint": "/sparql", "prefixes": prefixes, "tabs": tabs}
    return render_page(
        "sparql/editor.html",
        language,
        s=_texts(language),
        config=config,
        examples=catalogue(),
    )


@blueprint.get("/sparql/editor")
def editor() -> str:
    """The editor at its own address: `?query=` here opens that query in a tab (share links)."""
    return editor_page()


@blueprint.get("/sparql/examples")
@blueprint.get("/sparql/examples/")
def examples() -> str:
    """The list of example queries."""
    language, _explicit = request_language()
    languages = _languages(language)
    return render_page(
        "sparql/examples.html",
        language,
        s=_texts(language),
        examples=catalogue(),
        languages=languages,
    )


@blueprint.get("/sparql/examples/<slug>")
def example(slug: str) -> str:
    """One example: its description, its query and its results as a table."""
    language, _explicit = request_language()
    chosen = find_example(catalogue(), slug)
    return render_page(
        "sparql/example.html",
        language,
        s=_texts(language),
        example=chosen,
        languages=_languages(language),
        table=run_example(chosen, language),
        editor_href="/sparql/editor?" + urlencode({"query": chosen.text}),
    )


def run_example(example: ExampleQuery, language: str) -> ResultTable:
    """Run *example* on the public endpoint's workers and tabulate its results."""
    service = query_service()
    media = N_TRIPLES if example.form in ("CONSTRUCT", "DESCRIBE") else SPARQL_JSON
    prepared = service.prepare(
        QueryRequest(example.text),
        accept=media.media_type,
        requested_format=None,
        base_iri=request.host_url.rstrip("/") + "/sparql",
    )
    outcome = service.run(prepared, client=request.remote_addr or "unknown")
    linker = page_linker({}, language)

    def cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | dict[str, str] | None) -> Cell:
        if term is None:
            return Cell("")
        if isinstance(term, dict):
            kind, value = term.get("type"), term.get("value", "")
            if kind == "uri":
                return Cell(linker.compact(value), linker.href(value))
            if kind == "bnode":
                return Cell(f"_:{value}")
            return Cell(value, None, term.get("xml:lang"))
        if isinstance(term, ox.NamedNode):
            return Cell(linker.compact(term.value), linker.href(term.value))
        if isinstance(term, ox.Literal):
            return Cell(term.value, None, term.language)
        return Cell(str(term))

    links = _result_links(example)
    if media is N_TRIPLES:
        triples = ox.parse(outcome.body, format=ox.RdfFormat.N_TRIPLES)
        triple_rows: tuple[tuple[Cell, ...], ...] = tuple(
            (cell(quad.subject), cell(quad.predicate), cell(quad.object)) for quad in triples
        )
        return ResultTable(
            ("subject", "predicate", "object"), triple_rows, None, outcome.truncated, links
        )
    document = json.loads(outcome.body)
    if "boolean" in document:
        return ResultTable(boolean=bool(document["boolean"]), links=links)
    columns = tuple(document["head"]["vars"])
    rows = tuple(
        tuple(cell(binding.get(column)) for column in columns)
        for binding in document["results"]["bindings"]
    )
    return ResultTable(columns, rows, None, outcome.truncated, links)


def _result_links(example: ExampleQuery) -> dict[str, str]:
    """Links running *example* on the endpoint, by format name."""
    names = {"SELECT": ("json", "csv", "tsv"), "ASK": ("json", "xml")}.get(
        example.form, ("turtle", "json-ld", "n-triples")
    )
    return {name: "/sparql?" + urlencode({"query": example.text, "format": name}) for name in names}


def _texts(language: str) -> dict[str, str]:
    return TEXTS[texts_language(language)]


def _languages(language: str) -> Sequence[str]:
    others = [other for other in state.settings().languages if other != language]
    return (language, *others)
