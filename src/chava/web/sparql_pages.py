"""Pages of the SPARQL endpoint for people: the query editor and the example query catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final
from urllib.parse import urlencode

from flask import Blueprint, request

from chava.formats import HTML, results_formats
from chava.labels import fetch_labels
from chava.publication_iris import publication_iris
from chava.sparql.catalogue import ExampleQuery, find_example
from chava.sparql.protocol import QueryRequest
from chava.web import state
from chava.web.language import request_language
from chava.web.rendering import page_linker, render_page
from chava.web.results_table import ResultTable, iris_in, tabulate
from chava.web.sparql_answer import endpoint_iri_of
from chava.web.sparql_state import catalogue, query_service
from chava.web.texts import texts_language

blueprint = Blueprint("sparql_pages", __name__)

_DEFAULT_QUERY: Final = "SELECT * WHERE {\n  ?subject ?predicate ?object\n}\nLIMIT 10\n"

TEXTS: Final = {
    "fr": {
        "editor": "Éditeur de requêtes SPARQL",
        "editor_intro": "Interrogez ce graphe en SPARQL 1.1. L'éditeur s'ouvre sur un exemple ; "
        "les autres sont dans le menu.",
        "example_menu": "Exemples",
        "choose_example": "Ouvrir un exemple…",
        "shared_query": "Requête partagée",
        "run": "Exécuter",
        "edit": "Modifier la requête dans l'éditeur",
        "results_title": "Résultats de la requête",
        "results_count": "{count} lignes",
        "truncated_at": "Résultats tronqués : seules les {limit} premières lignes (ou la taille "
        "maximale de réponse) sont montrées. Téléchargez-les ou affinez la requête (LIMIT, "
        "OFFSET).",
        "downloads": "Télécharger :",
        "language_tag": "langue",
        "datatype": "type",
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
        "editor_intro": "Query this graph with SPARQL 1.1. The editor opens on one example; the "
        "others are in the menu.",
        "example_menu": "Examples",
        "choose_example": "Open an example…",
        "shared_query": "Shared query",
        "run": "Run",
        "edit": "Edit the query in the editor",
        "results_title": "Query results",
        "results_count": "{count} rows",
        "truncated_at": "Results cut: only the first {limit} rows (or the largest response "
        "size) are shown. Download them, or narrow the query (LIMIT, OFFSET).",
        "downloads": "Download:",
        "language_tag": "language",
        "datatype": "type",
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


def editor_page() -> str:
    """The editor, opened on one example (or on `?query=`), the catalogue in a menu."""
    language, _explicit = request_language()
    examples = catalogue()
    shared = request.args.get("query")
    first = examples[0] if examples else None
    if shared:
        opening = {"name": _texts(language)["shared_query"], "query": shared}
    elif first is not None:
        opening = {"name": first.label((language,)), "query": first.text}
    else:
        opening = {"name": _texts(language)["editor"], "query": _DEFAULT_QUERY}
    menu = [
        {"slug": example.slug, "name": example.label((language,)), "query": example.text}
        for example in examples
    ]
    prefixes = publication_iris(state.settings()).prefixes
    config = {"endpoint": "/sparql", "prefixes": prefixes, "opening": opening, "examples": menu}
    return render_page(
        "sparql/editor.html",
        language,
        s=_texts(language),
        config=config,
        examples=examples,
        opening=opening,
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
    prepared = service.prepare(
        QueryRequest(example.text),
        accept=HTML.media_type,  # computed in the format the HTML page is rendered from
        requested_format=None,
        base_iri=endpoint_iri_of(request.environ),
    )
    outcome = service.run(prepared, client=request.remote_addr or "unknown")
    carrier = prepared.job.format
    iris = sorted(iris_in(outcome.body, carrier))
    labels = fetch_labels(state.published_store(), iris) if iris else {}
    return tabulate(
        outcome.body,
        carrier,
        page_linker(labels, language),
        truncated=outcome.truncated,
        links=_result_links(example),
    )


def _result_links(example: ExampleQuery) -> dict[str, str]:
    """Links running *example* on the endpoint, by format label."""
    return {
        fmt.label: "/sparql?" + urlencode({"query": example.text, "format": fmt.extension})
        for fmt in results_formats(example.form)
        if not fmt.page
    }


def texts(language: str) -> dict[str, str]:
    """The words of the SPARQL pages in *language* (English when there are none)."""
    return TEXTS[texts_language(language)]


_texts = texts


def _languages(language: str) -> Sequence[str]:
    others = [other for other in state.settings().languages if other != language]
    return (language, *others)
