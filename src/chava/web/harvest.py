"""`/harvest/`: the harvested partners, their counts and provenance, and quarantined resources.

The only page that reads the withheld graphs (quarantined resources and their reasons) of the
served build; it also lists the harvested files the build skipped because they could not be
read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox
from flask import Blueprint, Flask, Response

from chava import namespaces
from chava.stores.store import PublishedStore
from chava.web import state
from chava.web.language import request_language
from chava.web.rendering import cached, page_response, render_page

blueprint = Blueprint("harvest", __name__)

PREFIXES: Final = (
    f"PREFIX prov: <{namespaces.PROV}>\nPREFIX void: <{namespaces.VOID}>\n"
    f"PREFIX sh: <{namespaces.SH}>\nPREFIX rdfs: <{namespaces.RDFS}>\n"
)
TEXTS: Final = {
    "fr": {
        "title": "Moissonnage des partenaires",
        "intro": "Les jeux de données des villes partenaires importés par chava harvest : les "
        "ressources conformes au profil sont publiées dans le graphe du partenaire, les autres "
        "sont gardées en quarantaine avec leurs erreurs.",
        "none": "Aucun partenaire moissonné dans cette publication.",
        "partner": "Partenaire",
        "source": "Source",
        "when": "Moissonné le",
        "published": "Triplets publiés",
        "quarantined": "Triplets en quarantaine",
        "resources": "Ressources en quarantaine",
        "resource": "Ressource",
        "message": "Erreur",
        "no_quarantine": "Aucune ressource en quarantaine.",
        "notes": "Non moissonné",
        "additions": "Compléments aux ressources partagées (publiés)",
        "skipped": "Fichiers moissonnés ignorés par la construction (illisibles)",
        "file": "Fichier",
        "reason": "Raison",
    },
    "en": {
        "title": "Harvested partners",
        "intro": "Partner cities' datasets imported with chava harvest: resources that conform "
        "to the profile are published in the partner's graph, the others are kept in "
        "quarantine with their errors.",
        "none": "No partner harvested in this publication.",
        "partner": "Partner",
        "source": "Source",
        "when": "Harvested on",
        "published": "Published triples",
        "quarantined": "Quarantined triples",
        "resources": "Quarantined resources",
        "resource": "Resource",
        "message": "Error",
        "no_quarantine": "No resource in quarantine.",
        "notes": "Not harvested",
        "additions": "Additions to shared resources (published)",
        "skipped": "Harvested files the build skipped (unreadable)",
        "file": "File",
        "reason": "Reason",
    },
}


@dataclass(frozen=True)
class Partner:
    """One harvested partner as the page shows it."""

    name: str
    graph: str
    source: str
    ended: str
    published: int
    quarantined: int
    problems: tuple[tuple[str, str], ...]
    """(resource IRI, message) of each reason a resource is quarantined."""
    notes: tuple[str, ...] = ()
    """What the harvest left out (shared vocabulary, the partner's dataset description, ...)."""
    additions: tuple[tuple[str, str], ...] = ()
    """(shared resource IRI, message): what the partner adds to it (published)."""


def init_app(app: Flask) -> None:
    """Register the harvest page."""
    app.register_blueprint(blueprint)


@blueprint.get("/harvest/")
def harvest_page() -> Response:
    """List the partners of the served build with their counts and quarantined resources."""
    store, settings = state.published_store(), state.settings()
    lang, _ = request_language()
    partners = cached(store, "harvest-partners", lambda: partners_of(store, settings.data_base_iri))
    texts = TEXTS.get(lang, TEXTS["en"])
    skipped = [
        (str(entry.get("path", "")), str(entry.get("reason", "")))
        for entry in store.build.manifest.get("skipped_files") or ()
    ]
    body = render_page("harvest.html", lang, h=texts, partners=partners, skipped=skipped)
    return page_response(body, lang)


def partners_of(store: PublishedStore, data_base_iri: str) -> list[Partner]:
    """Read the harvest and quarantine graphs' PROV descriptions and reports from *store*."""
    harvest_prefix = data_base_iri + "graph/harvest/"
    rows = store.query(
        PREFIXES + "SELECT ?graph ?source ?ended ?published ?quarantined WHERE { GRAPH ?graph {"
        " ?graph prov:wasGeneratedBy ?activity ; void:triples ?published ."
        " ?activity prov:used ?source ; prov:endedAtTime ?ended ."
        " OPTIONAL { ?activity prov:generated ?quarantine . ?quarantine void:triples ?quarantined"
        f' FILTER(?quarantine != ?graph) }} }} FILTER(STRSTARTS(STR(?graph), "{harvest_prefix}"))'
        "} ORDER BY ?graph"
    )
    assert isinstance(rows, ox.QuerySolutions)
    partners: list[Partner] = []
    for row in rows:
        graph, source, ended = row["graph"], row["source"], row["ended"]
        if graph is None or source is None or ended is None:
            continue
        name = graph.value.removeprefix(harvest_prefix)
        report = f"{data_base_iri}graph/quarantine/{name}/report"
        if any(partner.graph == graph.value for partner in partners):
            continue  # one row per graph (a second quarantine count would repeat it)
        partners.append(
            Partner(
                name=name,
                graph=graph.value,
                source=source.value,
                ended=ended.value[:19].replace("T", " "),
                published=_number(row["published"]),
                quarantined=_number(row["quarantined"]),
                problems=_problems(store, report),
                notes=_notes(store, graph.value),
                additions=_problems(store, report, "Info"),
            )
        )
    return partners


def _notes(store: PublishedStore, graph: str) -> tuple[str, ...]:
    rows = store.query(
        PREFIXES + f"SELECT DISTINCT ?note WHERE {{ GRAPH <{graph}> {{ <{graph}> "
        "prov:wasGeneratedBy ?activity . ?activity rdfs:comment ?note "
        'FILTER(lang(?note) = "en" && REGEX(STR(?note), ": not (harvested|followed)")) } } '
        "ORDER BY ?note"
    )
    assert isinstance(rows, ox.QuerySolutions)
    return tuple(row["note"].value for row in rows if row["note"] is not None)


def _problems(
    store: PublishedStore, report_graph: str, severity: str = "Violation"
) -> tuple[tuple[str, str], ...]:
    """(resource, message) of the report's results of *severity*: the reasons a resource is
    quarantined (Violation), or what a partner adds to shared resources (Info)."""
    # The report is a withheld graph: read on this page only.
    rows = store.query_withheld(
        PREFIXES + f"SELECT DISTINCT ?focus ?message WHERE {{ GRAPH <{report_graph}> {{"
        " ?result sh:focusNode ?focus ; sh:resultMessage ?message ; "
        f"sh:resultSeverity sh:{severity} }} }} ORDER BY ?focus ?message"
    )
    assert isinstance(rows, ox.QuerySolutions)
    return tuple(
        (row["focus"].value, row["message"].value)
        for row in rows
        if row["focus"] is not None and row["message"] is not None
    )


def _number(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> int:
    return int(term.value) if isinstance(term, ox.Literal) and term.value.isdigit() else 0
