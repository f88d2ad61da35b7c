"""What the published data holds, class by class: counts per class and pages of instances.

Read from the build's catalogue index when it is given and was written leaving out the same
vocabulary graphs (a range read, whatever the class's size); else asked of the store (the
count and the sort of every instance of the class: 0.4-2.5 s per page at a million
statements on a 2-core host, where the index answers in milliseconds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import pyoxigraph as ox

from chava import namespaces
from chava.errors import BadRequestError
from chava.loading.sources import IMPORTS_GRAPH
from chava.stores.store import PublishedStore

if TYPE_CHECKING:
    from chava.search.index import CatalogueIndex

VOCABULARY_GRAPHS: Final = (namespaces.ONTOLOGY_GRAPH, namespaces.SHAPES_GRAPH, IMPORTS_GRAPH)
"""The bundled publication's graphs describing the vocabulary, not the data: their `rdf:type`s
are not counted. A publication passes its own (`PublicationIris.vocabulary_graphs`)."""


@dataclass(frozen=True)
class ClassCount:
    """A class and how many distinct resources (named or blank) have it as type."""

    iri: str
    count: int


@dataclass(frozen=True)
class InstancePage:
    """One page of the named instances of a class, sorted by IRI."""

    class_iri: str
    instances: tuple[str, ...]
    named_total: int
    """Instances with an IRI (blank-node instances are counted in `anonymous`, not listed)."""
    anonymous: int
    page: int
    page_size: int

    @property
    def last_page(self) -> int:
        """The number of the last page (1 when there is nothing to list)."""
        return max(1, -(-self.named_total // self.page_size))


def class_counts(
    store: PublishedStore,
    *,
    vocabulary_graphs: Sequence[str] = VOCABULARY_GRAPHS,
    index: CatalogueIndex | None = None,
) -> tuple[ClassCount, ...]:
    """Count the instances of every class used in the data, most used first."""
    indexed = None if index is None else index.classes(vocabulary_graphs)
    if indexed is not None:
        counts = [ClassCount(iri, named + anonymous) for iri, named, anonymous in indexed]
        return tuple(sorted(counts, key=lambda count: -count.count))  # stable: then by IRI
    solutions = store.query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?count) "
        f"WHERE {{ GRAPH ?g {{ ?s a ?class }} {_not_in(vocabulary_graphs)} "
        "FILTER(isIRI(?class)) } "
        "GROUP BY ?class ORDER BY DESC(?count) ?class"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    return tuple(
        ClassCount(_iri(solution["class"]), _integer(solution["count"])) for solution in solutions
    )


def instance_page(
    store: PublishedStore,
    class_iri: str,
    *,
    page: int,
    page_size: int,
    vocabulary_graphs: Sequence[str] = VOCABULARY_GRAPHS,
    within: str | None = None,
    index: CatalogueIndex | None = None,
) -> InstancePage:
    """Return page *page* (1-based) of the named instances of *class_iri*, sorted by IRI.

    With *within*, only instances whose IRI starts with it (a publication's own things).
    Raises BadRequestError for a page below 1 or past the last one.
    """
    if page < 1:
        raise BadRequestError(f"page must be 1 or more, not {page}")
    target = _iri_term(class_iri)
    if index is not None:
        indexed = index.class_instances(
            class_iri,
            offset=(page - 1) * page_size,
            limit=page_size,
            vocabulary_graphs=vocabulary_graphs,
            within=within,
        )
        if indexed is not None:
            named, anonymous, iris = indexed
            result = InstancePage(class_iri, tuple(iris), named, anonymous, page, page_size)
            if page > result.last_page:
                raise BadRequestError(f"page {page} is past the last page ({result.last_page})")
            return result
    not_vocabulary = _not_in(vocabulary_graphs)
    if within is not None:
        not_vocabulary += f" FILTER(STRSTARTS(STR(?s), {ox.Literal(within)}))"
    counts = store.query(
        "SELECT (COUNT(DISTINCT ?s) AS ?all) (COUNT(DISTINCT ?named) AS ?iris) WHERE { "
        f"GRAPH ?g {{ ?s a {target} }} {not_vocabulary} "
        "BIND(IF(isIRI(?s), ?s, ?none) AS ?named) }"
    )
    assert isinstance(counts, ox.QuerySolutions)
    row = next(iter(counts))
    every, named = _integer(row["all"]), _integer(row["iris"])
    result = InstancePage(class_iri, (), named, every - named, page, page_size)
    if page > result.last_page:
        raise BadRequestError(f"page {page} is past the last page ({result.last_page})")
    solutions = store.query(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a {target} }} {not_vocabulary} "
        f"FILTER(isIRI(?s)) }} ORDER BY ?s LIMIT {page_size} OFFSET {(page - 1) * page_size}"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    instances = tuple(_iri(solution["s"]) for solution in solutions)
    return InstancePage(class_iri, instances, named, every - named, page, page_size)


def _not_in(graphs: Sequence[str]) -> str:
    """A FILTER keeping `?g` out of *graphs* (nothing when there are none)."""
    if not graphs:
        return ""
    return "FILTER(?g NOT IN ({}))".format(", ".join(_iri_term(graph) for graph in graphs))


def is_known(store: PublishedStore, iri: str) -> bool:
    """Whether *iri* is a valid IRI appearing as a subject or object anywhere in the store."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    return any(True for _ in store.quads(node)) or any(True for _ in store.quads(None, None, node))


def _iri_term(iri: str) -> str:
    """*iri* written for SPARQL; pyoxigraph rejects the characters that could break out of <>."""
    try:
        return str(ox.NamedNode(iri))
    except ValueError as error:
        raise BadRequestError(f"not a valid IRI: {iri[:200]!r}: {error}") from error


def _iri(term: object) -> str:
    assert isinstance(term, ox.NamedNode)
    return term.value


def _integer(term: object) -> int:
    assert isinstance(term, ox.Literal)
    return int(term.value)
