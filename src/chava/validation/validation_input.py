"""What every SHACL engine validates: the data, its RDFS entailments, the shapes, the ontology.

`engine_input` sorts a publication into data, shapes and ontology, then builds the validation
store once: an in-memory pyoxigraph store holding the data in its own graphs, the ontology's
RDFS/OWL axioms (what pyshacl mixes into the data graph) and the RDFS entailments, computed in
the store (`chava.validation.entailment.entail_in_store`). The compiled engine queries it directly;
the other engines read their statements from it. Typed literals are looked at once, here too
(`chava.validation.literal_check`): which are ill-typed, and which Oxigraph would store in another
form (those are kept verbatim in the store, and given back as written everywhere else).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.errors import ShaclEngineError
from chava.loading.rdflib_bridge import statement_of
from chava.loading.sources import IMPORTS_GRAPH, REFERENCE_GRAPH, Publication
from chava.validation.entailment import Statement, entail_in_store
from chava.validation.literal_check import ill_typed_literals, typed_literals, verbatim_forms

SH: Final = namespaces.SH
RDF_TYPE: Final = ox.NamedNode(namespaces.RDF + "type")
ONTOLOGY_GRAPHS: Final = frozenset({namespaces.ONTOLOGY_GRAPH, IMPORTS_GRAPH})
QUARANTINE_SEGMENT: Final = "/graph/quarantine/"
"""Graphs named `{data}graph/quarantine/...` hold harvested data that failed the profile: kept
with their report for people to see, never validated again (nor counted as data)."""
HARVEST_SEGMENT: Final = "/graph/harvest/"
"""Graphs named `{data}graph/harvest/...` hold partners' data, judged by the shared profile when
harvested: not validated again with the publication (a partner never blocks our build)."""
AXIOMS_GRAPH: Final = ox.NamedNode("urn:chava:validation:axioms")
ENTAILED_GRAPH: Final = ox.NamedNode("urn:chava:validation:entailed")
AXIOM_NAMESPACES: Final = (namespaces.RDFS, namespaces.OWL)
DATA_PATTERN: Final = (
    "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } "
    f"FILTER(?g != {AXIOMS_GRAPH} && ?g != {ENTAILED_GRAPH}) }}"
)
"""The data as written, in the validation store (not the axioms, not the entailments)."""
SHAPE_TYPES: Final = (ox.NamedNode(SH + "NodeShape"), ox.NamedNode(SH + "PropertyShape"))
SHAPE_PREDICATES: Final = frozenset(
    SH + name
    for name in (
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "property",
        "path",
    )
)


@dataclass
class EngineInput:
    """What a SHACL engine is given, whichever engine it is."""

    data_quads: list[ox.Quad]
    """The data as written, in its graphs."""
    shapes: list[ox.Quad]
    ontology_quads: list[ox.Quad]
    store: ox.Store
    """The data in its graphs, AXIOMS_GRAPH and ENTAILED_GRAPH: query it as one union graph."""
    typed: dict[str, set[ox.Literal]] = field(default_factory=dict)
    """The data's distinct typed literals (not text), by datatype."""
    stored: dict[ox.Literal, ox.Literal] = field(default_factory=dict)
    """Literals the store keeps verbatim, and the form it keeps them in."""
    _ill_typed: dict[str, frozenset[ox.Literal]] = field(default_factory=dict)

    @property
    def written(self) -> dict[ox.Literal, ox.Literal]:
        """The literal as written, for each verbatim form in the store."""
        return {kept: literal for literal, kept in self.stored.items()}

    @property
    def ontology(self) -> list[Statement]:
        """The class and property hierarchies (ontology, imports, plain shapes files)."""
        return [statement_of(quad) for quad in self.ontology_quads]

    @property
    def data(self) -> list[Statement]:
        """The data graph: the data as written and its RDFS entailments, each statement once."""
        statements = dict.fromkeys(statement_of(quad) for quad in self.data_quads)
        written = self.written
        for quad in self.store.quads_for_pattern(None, None, None, ENTAILED_GRAPH):
            value = quad.object
            if isinstance(value, ox.Literal) and value in written:
                value = written[value]
            statements.setdefault((quad.subject, quad.predicate, value))
        return list(statements)

    def axioms(self) -> list[Statement]:
        """The ontology statements pyshacl copies into the data graph: RDFS and OWL axioms."""
        return [
            statement_of(quad)
            for quad in self.store.quads_for_pattern(None, None, None, AXIOMS_GRAPH)
        ]

    def ill_typed(self, datatypes: Iterable[str]) -> dict[str, frozenset[ox.Literal]]:
        """The data's ill-typed literals of *datatypes* (`chava.validation.literal_check`), as
        written."""
        datatypes = set(datatypes)
        missing = datatypes - set(self._ill_typed)
        if missing:
            self._ill_typed.update(ill_typed_literals(self.typed, missing))
        return {datatype: self._ill_typed[datatype] for datatype in datatypes}

    def in_store(self, literal: ox.Literal) -> ox.Literal:
        """A literal as the validation store holds it (verbatim when Oxigraph rewrites it)."""
        if literal in self.stored:
            return self.stored[literal]
        return verbatim_forms([literal]).get(literal, literal)


def engine_input(
    publication: Publication,
    *,
    shapes: Publication | None = None,
    extra_shapes: Sequence[ox.Quad] = (),
) -> EngineInput:
    """Sort *publication* (and *shapes*) into an engine's input and build the validation store.

    The data is every graph but the ontology, shapes, imports, harvest and quarantine graphs.
    The shapes are the shapes graph of *shapes* when given (plus its default graph: plain files),
    else of the publication, plus *extra_shapes*. The ontology and imports graphs of both, and
    the plain files of *shapes*, give the class and property hierarchies.
    Raises ShaclEngineError when there is no shape at all.
    """
    data_quads, shapes_quads, ontology_quads = _split(publication, shapes)
    shapes_quads.extend(extra_shapes)
    _require_shapes(shapes_quads, _shapes_files(shapes_quads, publication, shapes))
    axioms = [quad for quad in ontology_quads if _is_axiom(quad)]
    typed = typed_literals(quad.object for quad in data_quads)
    stored = verbatim_forms(
        literal
        for literals in typed_literals(q.object for q in (*axioms, *shapes_quads)).values()
        for literal in literals
    )
    stored.update(verbatim_forms(literal for literals in typed.values() for literal in literals))
    store = ox.Store()
    store.bulk_extend(_kept(data_quads, stored))
    store.bulk_extend(
        ox.Quad(quad.subject, quad.predicate, quad.object, AXIOMS_GRAPH)
        for quad in _kept(axioms, stored)
    )
    entail_in_store(
        store,
        (statement_of(quad) for quad in ontology_quads),
        data=DATA_PATTERN,
        entailed=ENTAILED_GRAPH,
    )
    return EngineInput(data_quads, shapes_quads, ontology_quads, store, typed, stored)


def _kept(quads: Sequence[ox.Quad], stored: dict[ox.Literal, ox.Literal]) -> Iterable[ox.Quad]:
    """*quads* as the validation store keeps them: literals Oxigraph rewrites, verbatim."""
    if not stored:
        return quads
    return (
        ox.Quad(quad.subject, quad.predicate, stored[quad.object], quad.graph_name)
        if type(quad.object) is ox.Literal and quad.object in stored
        else quad
        for quad in quads
    )


def _is_axiom(quad: ox.Quad) -> bool:
    value = quad.object
    return quad.predicate.value.startswith(AXIOM_NAMESPACES) or (
        quad.predicate == RDF_TYPE
        and isinstance(value, ox.NamedNode)
        and value.value.startswith(AXIOM_NAMESPACES)
    )


def _split(
    publication: Publication, shapes: Publication | None
) -> tuple[list[ox.Quad], list[ox.Quad], list[ox.Quad]]:
    """Sort quads into data, shapes and ontology."""
    data: list[ox.Quad] = []
    shape_quads: list[ox.Quad] = []
    ontology: list[ox.Quad] = []
    for quad in publication.quads:
        graph_name = _graph_name(quad)
        if graph_name in ONTOLOGY_GRAPHS:
            ontology.append(quad)
        elif graph_name == namespaces.SHAPES_GRAPH:
            if shapes is None:
                shape_quads.append(quad)
        elif graph_name is None or not (
            QUARANTINE_SEGMENT in graph_name or HARVEST_SEGMENT in graph_name
        ):
            data.append(quad)
    for quad in shapes.quads if shapes is not None else ():
        graph_name = _graph_name(quad)
        if graph_name in ONTOLOGY_GRAPHS:
            ontology.append(quad)
        elif graph_name == namespaces.SHAPES_GRAPH:
            shape_quads.append(quad)
        elif graph_name is None:  # plain files may carry the class hierarchy the shapes need
            shape_quads.append(quad)
            ontology.append(quad)
        elif graph_name == REFERENCE_GRAPH:  # shared reference data: the data's links reach it
            data.append(quad)
        # Other named graphs are the data of the shapes' own publication: not ours to check.
    return data, shape_quads, ontology


def _graph_name(quad: ox.Quad) -> str | None:
    name = quad.graph_name
    return name.value if isinstance(name, ox.NamedNode) else None


def _shapes_files(
    quads: Sequence[ox.Quad], publication: Publication, shapes: Publication | None
) -> list[str]:
    """Name the files the shapes come from, for errors."""
    if shapes is not None:
        return [str(path) for path in shapes.files]
    origins = publication.origins
    return sorted({str(origins[quad.subject]) for quad in quads if quad.subject in origins})


def _require_shapes(quads: Sequence[ox.Quad], files: Sequence[str]) -> None:
    """Refuse a shapes graph with no shape in it: validating against nothing proves nothing."""
    if any(q.predicate == RDF_TYPE and q.object in SHAPE_TYPES for q in quads):
        return
    if any(quad.predicate.value in SHAPE_PREDICATES for quad in quads):
        return
    if not files:
        raise ShaclEngineError("no SHACL shapes to validate against: the shapes graph is empty")
    raise ShaclEngineError(
        f"{', '.join(files)}: not SHACL: no sh:NodeShape, sh:PropertyShape, "
        "sh:property or target in it"
    )
