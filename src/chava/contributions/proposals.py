"""A proposed resource as RDF, and proposals sent by machines (Turtle or JSON-LD).

A proposal describes one new resource of a kind (chava.contributions.kinds). Its subject is a
placeholder IRI, `{data}id/contribution/{id}/proposed`, until a steward accepts it and chava
mints its IRI; contributors never mint IRIs. What a machine sends is read with the input limits
every RDF document gets (chava.loading.rdf_input: nesting, term size) and then checked:

- one resource, a blank node (`[] a lc:PedagogicalTool ; ...`, or JSON-LD without `@id`),
  typed with a kind's class; other subjects only as blank nodes under it;
- every IRI it points to under the publication's namespaces is an existing resource (no IRI is
  minted by pointing at it); any other IRI is an http(s) link (no `javascript:`, `data:`...);
- no named graph, no triple term, at most `contribution_max_statements` statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

import pyoxigraph as ox

from chava import namespaces as ns
from chava.config import Settings
from chava.contributions.issues import Issue, issue
from chava.contributions.kinds import KINDS, Kind, kind_of
from chava.errors import (
    BadRequestError,
    LoadError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)
from chava.loading.rdf_input import InputLimits, parse_rdf

MEDIA_TYPES: Final = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
"""What `POST /contributions` reads (forms aside)."""
RDF_TYPE: Final = ox.NamedNode(ns.RDF + "type")
WEB_SCHEMES: Final = ("http", "https")
MAX_IRI_LENGTH: Final = 2000

Exists = Callable[[str], bool]
"""Whether an IRI names a published resource."""


@dataclass(frozen=True)
class Proposal:
    """One proposed (or edited) resource: its kind, subject and statements."""

    kind: Kind
    subject: ox.NamedNode
    triples: tuple[ox.Triple, ...]

    def with_subject(self, subject: ox.NamedNode) -> Proposal:
        """The same statements about *subject* (the minted IRI, at acceptance)."""
        return Proposal(self.kind, subject, tuple(rename(self.triples, self.subject, subject)))

    def objects(self, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        """The values of *predicate* on the subject."""
        return [
            t.object
            for t in self.triples
            if t.subject == self.subject
            and t.predicate.value == predicate
            and isinstance(t.object, ox.NamedNode | ox.BlankNode | ox.Literal)
        ]


def placeholder(settings: Settings, contribution_id: str) -> ox.NamedNode:
    """The subject of a proposal until it is accepted."""
    return ox.NamedNode(f"{settings.data_base_iri}id/contribution/{contribution_id}/proposed")


def rename(
    triples: Iterable[ox.Triple], old: ox.NamedNode | ox.BlankNode, new: ox.NamedNode
) -> list[ox.Triple]:
    """*triples* with *old* replaced by *new* as subject and object."""
    return [
        ox.Triple(
            new if t.subject == old else t.subject,
            t.predicate,
            new if t.object == old else t.object,
        )
        for t in triples
    ]


def with_kind_types(
    kind: Kind, subject: ox.NamedNode, triples: Iterable[ox.Triple]
) -> list[ox.Triple]:
    """*triples* and the kind's classes on *subject* (the standard types chava always adds)."""
    kept = list(dict.fromkeys(triples))
    for cls in kind.classes:
        typed = ox.Triple(subject, RDF_TYPE, ox.NamedNode(cls))
        if typed not in kept:
            kept.append(typed)
    return kept


def read_rdf_proposal(
    body: bytes,
    media_type: str,
    *,
    settings: Settings,
    subject: ox.NamedNode,
    exists: Exists,
    editing: ox.NamedNode | None = None,
) -> tuple[Proposal | None, list[Issue]]:
    """Read what a machine sent; the proposal (subject renamed to *subject*) and its issues.

    *editing* is the IRI of an existing resource being edited: then it is the one subject
    allowed, in place of a blank node. Raises UnsupportedMediaTypeError, LoadError (syntax,
    limits: BadRequestError) or PayloadTooLargeError (more than `contribution_max_statements`).
    """
    rdf_format = MEDIA_TYPES.get(media_type.split(";")[0].strip().lower())
    if rdf_format is None:
        raise UnsupportedMediaTypeError(
            "send Turtle or JSON-LD (with the API's context), or an HTML form; "
            f"not {media_type[:60]!r}"
        )
    limits = InputLimits.from_settings(settings)
    try:
        quads = parse_rdf(body, rdf_format, source="the request body", limits=limits)
    except LoadError as error:  # syntax, nesting, sizes: the client's mistake, said as it is
        raise BadRequestError(str(error)) from error
    if len(quads) > settings.contribution_max_statements:
        raise PayloadTooLargeError(
            f"{len(quads)} statements; a proposal holds at most "
            f"{settings.contribution_max_statements} (contribution_max_statements)"
        )
    issues: list[Issue] = []
    triples: list[ox.Triple] = []
    for quad in quads:
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            issues.append(
                issue(
                    "Une proposition n'a pas de graphe nommé.",
                    "A proposal has no named graph.",
                    value=str(quad.graph_name),
                )
            )
            continue
        if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
            issues.append(
                issue(
                    "Pas de triplet cité (RDF-star) dans une proposition.",
                    "No quoted triple (RDF-star) in a proposal.",
                )
            )
            continue
        triples.append(quad.triple)
    root, root_issues = _root(triples, editing)
    issues += root_issues
    if root is None:
        return None, issues
    types = {
        t.object.value
        for t in triples
        if t.subject == root and t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode)
    }
    kind = kind_of(types)
    if kind is None:
        issues.append(
            issue(
                "La ressource proposée doit être d'un de ces types : " + _kinds_text(),
                "The proposed resource must have one of these types: " + _kinds_text(),
                path=ns.RDF + "type",
            )
        )
        return None, issues
    renamed = rename(triples, root, subject) if root != subject else triples
    issues += check_links(renamed, settings=settings, exists=exists, own={subject.value})
    return Proposal(kind, subject, tuple(with_kind_types(kind, subject, renamed))), issues


def _root(
    triples: Sequence[ox.Triple], editing: ox.NamedNode | None
) -> tuple[ox.NamedNode | ox.BlankNode | None, list[Issue]]:
    subjects = {t.subject for t in triples}
    objects = {t.object for t in triples}
    roots = [s for s in subjects if s not in objects or s == editing]
    minted = [s for s in subjects if isinstance(s, ox.NamedNode) and s != editing]
    issues = [
        issue(
            f"<{s.value}> : les contributeurs ne créent pas d'IRI. Décrivez la nouvelle ressource "
            "par un nœud anonyme ([] en Turtle, pas d'@id en JSON-LD) : chava lui donnera son IRI.",
            f"<{s.value}>: contributors mint no IRIs. Describe the new resource as a blank node "
            "([] in Turtle, no @id in JSON-LD): chava mints its IRI.",
            value=s.value,
        )
        for s in sorted(minted, key=str)
    ]
    if issues:
        return None, issues
    if editing is not None and editing in subjects:
        return editing, []
    if len(roots) != 1:
        return None, [
            issue(
                f"Une proposition décrit une seule ressource ; trouvé {len(roots)}.",
                f"A proposal describes exactly one resource; found {len(roots)}.",
            )
        ]
    root = roots[0]
    if isinstance(root, ox.Triple):
        return None, []
    return root, []


def check_links(
    triples: Iterable[ox.Triple], *, settings: Settings, exists: Exists, own: set[str]
) -> list[Issue]:
    """Issues for IRIs that would be minted by pointing at them, or that are not web links."""
    issues: list[Issue] = []
    ours = (settings.data_base_iri, settings.vocabulary_base_iri)
    for triple in triples:
        value = triple.object
        if not isinstance(value, ox.NamedNode) or triple.predicate == RDF_TYPE:
            continue
        iri = value.value
        path = triple.predicate.value
        if iri in own:
            continue
        if iri.startswith(ours):
            if not exists(iri):
                issues.append(
                    issue(
                        f"<{iri}> n'est pas une ressource publiée : choisissez une ressource "
                        "existante "
                        "(les contributeurs ne créent pas d'IRI).",
                        f"<{iri}> is not a published resource: pick an existing one "
                        "(contributors mint no IRIs).",
                        path=path,
                        value=iri,
                    )
                )
        elif not is_web_link(iri):
            issues.append(
                issue(
                    "Seuls les liens http et https sont acceptés.",
                    "Only http and https links are accepted.",
                    path=path,
                    value=iri,
                )
            )
    return issues


def is_web_link(iri: str) -> bool:
    """An absolute http(s) IRI with a host, without spaces or controls, not too long."""
    if len(iri) > MAX_IRI_LENGTH or any(ch.isspace() or ord(ch) < 32 for ch in iri):
        return False
    try:
        parts = urlsplit(iri)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def _kinds_text() -> str:
    return ", ".join(ns.compact_iri(kind.main_class) for kind in KINDS.values())
