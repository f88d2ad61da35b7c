"""Finding existing resources to link to: instances of a field's classes, matched by label."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chava.contributions.form_fields import instances_of
from chava.jsonld.listing import fold
from chava.labels import fetch_labels, pick_text
from chava.stores.store import PublishedStore

MAX_CANDIDATES = 20


@dataclass(frozen=True)
class Candidate:
    """A resource that may be linked to: its IRI and labels ({language: text})."""

    iri: str
    labels: Mapping[str, str]


def class_members(store: PublishedStore, classes: Sequence[str]) -> list[Candidate]:
    """The labelled resources of every class of *classes* (their instances, subclasses too)."""
    common: set[str] | None = None
    for cls in classes:
        members = set(instances_of(store.oxigraph, cls))
        common = members if common is None else common & members
    iris = sorted(common or ())
    labels = fetch_labels(store, iris)
    return [Candidate(iri, labels[iri]) for iri in iris if labels.get(iri)]


def find_candidates(
    members: Sequence[Candidate],
    query: str,
    *,
    language: str,
    languages: Sequence[str],
    limit: int = MAX_CANDIDATES,
) -> list[Candidate]:
    """The *members* whose labels hold every word of *query* (accents and case ignored),
    those whose label starts with it first, then by label."""
    words = fold(query).split()
    if not words:
        return []
    found: list[tuple[int, str, Candidate]] = []
    for member in members:
        texts = [fold(text) for text in member.labels.values()]
        if all(any(word in text for text in texts) for word in words):
            picked = pick_text(member.labels, language, languages)
            label = fold(picked[0]) if picked else member.iri
            starts = 0 if any(text.startswith(words[0]) for text in texts) else 1
            found.append((starts, label, member))
    found.sort(key=lambda item: (item[0], item[1]))
    return [member for _starts, _label, member in found[:limit]]
