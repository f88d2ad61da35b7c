"""Validation on write: a proposal checked by the publication's profile before it is kept.

The proposal is validated as it would be published (with the contribution as its source
document) by chava's public validation (`chava.validation.validate.validate_publication`), with the
publication's own language requirements (`chava.validation.publication_shapes`). The profile
(shapes, ontology, imports, shared reference data) is read from the served build; the resources the
proposal links to bring their types, so `sh:class` is checked against the published data.
Only results about the proposal (its resource and the blank nodes under it) are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from chava import namespaces as ns
from chava.config import Settings
from chava.contributions.issues import Issue
from chava.contributions.proposals import Proposal
from chava.contributions.provenance import contribution_document, sourced
from chava.loading.sources import FOLDER_GRAPHS, IMPORTS_GRAPH, REFERENCE_GRAPH, Publication
from chava.publication_iris import publication_iris
from chava.stores.store import PublishedStore
from chava.validation.publication_shapes import publication_shapes, publication_shapes_iri
from chava.validation.validate import ValidationReport, validate_publication

SH: Final = ns.SH
_LOADED: Final = {
    "ontology": FOLDER_GRAPHS["ontology"],
    "shapes": FOLDER_GRAPHS["shapes"],
    "imports": IMPORTS_GRAPH,
    "reference": REFERENCE_GRAPH,
}
"""The profile's graphs in a build, and the names validation knows them by
(chava.loading.sources)."""
_TYPE: Final = ox.NamedNode(ns.RDF + "type")


@dataclass(frozen=True)
class Checked:
    """A proposal's validation: its issues (violations first) and the SHACL report."""

    issues: tuple[Issue, ...]
    report: ValidationReport

    @property
    def conforms(self) -> bool:
        """No violation: the proposal may be kept for review (warnings are shown)."""
        return not any(item.blocking for item in self.issues)


def profile_quads(store: PublishedStore, settings: Settings) -> tuple[ox.Quad, ...]:
    """The profile as the served build holds it, in the graphs validation expects."""
    iris = publication_iris(settings)
    quads: list[ox.Quad] = []
    for name, loaded in _LOADED.items():
        graph = ox.NamedNode(iris.graph(name))
        target = ox.NamedNode(loaded)
        quads += [
            ox.Quad(q.subject, q.predicate, q.object, target)
            for q in store.oxigraph.quads_for_pattern(None, None, None, graph)
        ]
    return tuple(quads)


def check_proposal(
    proposal: Proposal,
    *,
    settings: Settings,
    store: PublishedStore,
    profile: Sequence[ox.Quad],
    contribution_id: str,
    language: str,
) -> Checked:
    """Validate *proposal* as it would be published; return what concerns it."""
    data = ox.NamedNode(FOLDER_GRAPHS["data"])
    triples = [
        *proposal.triples,
        sourced(proposal.subject, settings, contribution_id),
        *contribution_document(
            settings, contribution_id, language=language, created=datetime.now(UTC)
        ),
        *_linked_types(store, proposal.triples, proposal.subject),
    ]
    quads = [*profile, *(ox.Quad(t.subject, t.predicate, t.object, data) for t in triples)]
    report = validate_publication(
        Publication(tuple(quads), (), {}),
        languages=(language, *settings.languages),
        extra_shapes=publication_shapes(settings),
        engine=settings.validation_engine,
        threads=settings.validation_threads,
    )
    own = {proposal.subject.value} | {
        f"_:{t.object.value}" for t in proposal.triples if isinstance(t.object, ox.BlankNode)
    }
    labels = _label_shapes(settings)
    issues = sorted(
        _issues(report.graph, own, labels), key=lambda i: (not i.blocking, i.path or "")
    )
    return Checked(tuple(issues), report)


def _linked_types(
    store: PublishedStore, triples: Iterable[ox.Triple], subject: ox.NamedNode
) -> list[ox.Triple]:
    """The published types of the resources the proposal points to."""
    found: list[ox.Triple] = []
    seen: set[ox.NamedNode] = set()
    for triple in triples:
        target = triple.object
        if not isinstance(target, ox.NamedNode) or triple.predicate == _TYPE:
            continue
        if target == subject or target in seen:
            continue
        seen.add(target)
        found += [
            ox.Triple(target, _TYPE, quad.object)
            for quad in store.oxigraph.quads_for_pattern(target, _TYPE, None)
        ]
    return list(dict.fromkeys(found))


def _label_shapes(settings: Settings) -> dict[str, str]:
    """The publication's label shapes (chava.validation.publication_shapes) and the language each
    asks."""
    base = publication_shapes_iri(settings)
    return {f"{base}#label-{tag.lower()}": tag for tag in settings.languages}


def _issues(report: Graph, own: set[str], labels: dict[str, str]) -> Iterable[Issue]:
    """The report's results about *own* focus nodes, with their messages by language; a
    missing label in a language is put next to that language's label input."""
    for result in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        focus = report.value(result, URIRef(SH + "focusNode"))
        if focus is None or _name(focus) not in own:
            continue
        path = report.value(result, URIRef(SH + "resultPath"))
        severity = report.value(result, URIRef(SH + "resultSeverity"))
        value = report.value(result, URIRef(SH + "value"))
        messages: dict[str, str] = {}
        for message in report.objects(result, URIRef(SH + "resultMessage")):
            if isinstance(message, Literal):
                messages.setdefault(message.language or "en", str(message))
        if not messages:
            messages["en"] = "Does not conform to the profile."
        shape = str(report.value(result, URIRef(SH + "sourceShape")))
        language = labels.get(shape) or _language_of(value)
        if shape in labels:
            path = URIRef(ns.RDFS + "label")
        yield Issue(
            messages,
            str(path) if isinstance(path, URIRef) else None,
            language,
            None if value is None else str(value)[:200],
            str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            None if _name(focus) in own and not str(focus).startswith("_:") else _name(focus),
        )


def _language_of(value: Node | None) -> str | None:
    return value.language if isinstance(value, Literal) else None


def _name(node: Node) -> str:
    text = str(node)
    return text if isinstance(node, URIRef) else f"_:{text}"
