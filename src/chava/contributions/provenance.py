"""The RDF chava adds to a published contribution: its source, its provenance, its change.

- the contribution itself, `{data}id/contribution/{id}`, an `lc:SourceDocument` (the resource's
  `dcterms:source`): labelled with its identifier in each language of the publication, dated,
  in the language it was written in. Nothing about the contributor (no name, no email).
- each change, `{data}id/change/{n}`, a `prov:Activity` and an Activity Streams `as:Create`,
  `as:Update` or `as:Delete` of the resource (`as:object`), ended at a time
  (`prov:endedAtTime`), associated with the steward who made it (`prov:wasAssociatedWith`
  `{data}id/steward/{name}`, a `prov:Agent` named by its account), and using the contribution
  when there is one (`prov:used`). The resource is `prov:wasGeneratedBy` its latest change.

The change feed (chava.contributions.feed) is read from these statements in the served build.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

import pyoxigraph as ox

from chava import namespaces as ns
from chava.config import Settings

AS: Final = "https://www.w3.org/ns/activitystreams#"
CHANGE_TYPES: Final = {"create": AS + "Create", "update": AS + "Update", "delete": AS + "Delete"}
RDF_TYPE: Final = ox.NamedNode(ns.RDF + "type")


def contribution_iri(settings: Settings, contribution_id: str) -> ox.NamedNode:
    """The IRI of a contribution once published (as the source of what it proposed)."""
    return ox.NamedNode(f"{settings.data_base_iri}id/contribution/{contribution_id}")


def change_iri(settings: Settings, sequence: int) -> ox.NamedNode:
    """The IRI of the n-th change of the publication's contributed data."""
    return ox.NamedNode(f"{settings.data_base_iri}id/change/{sequence}")


def steward_iri(settings: Settings, name: str) -> ox.NamedNode:
    """The IRI of a steward, as provenance names them."""
    return ox.NamedNode(f"{settings.data_base_iri}id/steward/{name}")


def contribution_document(
    settings: Settings, contribution_id: str, *, language: str, created: datetime
) -> list[ox.Triple]:
    """The contribution as a source document (what the shapes ask of one, nothing personal)."""
    document = contribution_iri(settings, contribution_id)
    title = f"Contribution {contribution_id}"
    triples = [
        ox.Triple(document, RDF_TYPE, ox.NamedNode(ns.LC + "SourceDocument")),
        ox.Triple(document, RDF_TYPE, ox.NamedNode(ns.PROV + "Entity")),
        ox.Triple(document, _p(ns.DCTERMS + "title"), ox.Literal(title)),
        ox.Triple(document, _p(ns.DCTERMS + "language"), ox.Literal(primary(language))),
        ox.Triple(document, _p(ns.DCTERMS + "created"), _time(created)),
    ]
    triples += [
        ox.Triple(document, _p(ns.RDFS + "label"), ox.Literal(title, language=tag))
        for tag in settings.languages
    ]
    return triples


def sourced(subject: ox.NamedNode, settings: Settings, contribution_id: str) -> ox.Triple:
    """The statement citing the contribution as the resource's source."""
    return ox.Triple(
        subject, _p(ns.DCTERMS + "source"), contribution_iri(settings, contribution_id)
    )


def change_description(
    settings: Settings,
    *,
    sequence: int,
    kind: str,
    resource: ox.NamedNode,
    steward: str,
    ended: datetime,
    contribution_id: str | None,
    labels: Sequence[ox.Literal] = (),
) -> list[ox.Triple]:
    """The n-th change (create, update or delete of *resource*) and its steward."""
    change = change_iri(settings, sequence)
    agent = steward_iri(settings, steward)
    triples = [
        ox.Triple(change, RDF_TYPE, ox.NamedNode(ns.PROV + "Activity")),
        ox.Triple(change, RDF_TYPE, ox.NamedNode(CHANGE_TYPES[kind])),
        ox.Triple(change, _p(AS + "object"), resource),
        ox.Triple(change, _p(ns.PROV + "endedAtTime"), _time(ended)),
        ox.Triple(change, _p(ns.PROV + "wasAssociatedWith"), agent),
        ox.Triple(agent, RDF_TYPE, ox.NamedNode(ns.PROV + "Agent")),
        ox.Triple(agent, _p(ns.RDFS + "label"), ox.Literal(steward)),
    ]
    verb = {"create": "Création", "update": "Modification", "delete": "Suppression"}[kind]
    english = {"create": "Creation", "update": "Update", "delete": "Deletion"}[kind]
    name = next((label.value for label in labels), resource.value.rsplit("/", 1)[-1])
    triples.append(
        ox.Triple(change, _p(ns.RDFS + "label"), ox.Literal(f"{verb} : {name}", language="fr"))
    )
    triples.append(
        ox.Triple(change, _p(ns.RDFS + "label"), ox.Literal(f"{english}: {name}", language="en"))
    )
    if kind == "delete":
        triples.append(ox.Triple(change, _p(ns.PROV + "invalidated"), resource))
    if contribution_id is not None:
        used = contribution_iri(settings, contribution_id)
        triples.append(ox.Triple(change, _p(ns.PROV + "used"), used))
    return triples


def generated_by(resource: ox.NamedNode, settings: Settings, sequence: int) -> ox.Triple:
    """The resource's link to the change that made its current version."""
    return ox.Triple(resource, _p(ns.PROV + "wasGeneratedBy"), change_iri(settings, sequence))


def primary(language: str) -> str:
    """The primary subtag of a BCP 47 tag, as `dcterms:language` wants it (`zh-Hans` -> `zh`)."""
    return language.split("-")[0].lower()


def _time(moment: datetime) -> ox.Literal:
    return ox.Literal(
        moment.replace(microsecond=0).isoformat(), datatype=ox.NamedNode(ns.XSD + "dateTime")
    )


def _p(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)
