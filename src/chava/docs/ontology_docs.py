"""Documentation of the published ontology: header, class tree, classes and properties."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.docs.graph_index import RDF_TYPE, GraphIndex, Node, Value
from chava.labels import DESCRIPTION_PREDICATES, LABEL_PREDICATES, fetch_labels, local_name
from chava.stores.store import PublishedStore

OWL, RDFS, SKOS, SCHEMA = namespaces.OWL, namespaces.RDFS, namespaces.SKOS, namespaces.SCHEMA
CLASS_TYPES: Final = (OWL + "Class", RDFS + "Class")
PROPERTY_KINDS: Final = {
    OWL + "ObjectProperty": "object",
    OWL + "DatatypeProperty": "datatype",
    OWL + "AnnotationProperty": "annotation",
    namespaces.RDF + "Property": "property",
}
_CHARACTERISTIC_NAMES = "Functional InverseFunctional Transitive Symmetric Asymmetric Reflexive"
CHARACTERISTICS: Final = tuple(
    f"{OWL}{name}Property" for name in [*_CHARACTERISTIC_NAMES.split(" "), "Irreflexive"]
)
MATCHES: Final = tuple(
    f"{SKOS}{name}Match" for name in ("exact", "close", "broad", "narrow", "related")
)
CLASS_ALIGNMENTS: Final = (OWL + "equivalentClass", *MATCHES, RDFS + "seeAlso")
PROPERTY_ALIGNMENTS: Final = (OWL + "equivalentProperty", *MATCHES, RDFS + "seeAlso")
DCTERMS, VANN = namespaces.DCTERMS, namespaces.VANN
SHOWN_APART: Final = frozenset(
    {namespaces.RDF + "type", DCTERMS + "title", DCTERMS + "description"}
    | {RDFS + "label", RDFS + "comment"}
)
"""Header predicates the page shows as its title and lead, not in the metadata table."""
METADATA_ORDER: Final = (
    *(OWL + name for name in ("versionInfo", "versionIRI")),
    *(DCTERMS + name for name in ("created", "modified", "creator", "publisher", "license")),
    *(VANN + name for name in ("preferredNamespacePrefix", "preferredNamespaceUri")),
)
DOMAINS: Final = (RDFS + "domain", SCHEMA + "domainIncludes")
RANGES: Final = (RDFS + "range", SCHEMA + "rangeIncludes")


@dataclass(frozen=True)
class Alignment:
    """A link from one of our terms to a term of a standard vocabulary."""

    relation: str
    target: str


@dataclass(frozen=True)
class Term:
    """What every documented term has: IRI, anchor, labels and comments per language tag."""

    iri: str
    anchor: str
    labels: Mapping[str, str]
    comments: Mapping[str, str]
    types: tuple[str, ...]
    deprecated: bool


@dataclass(frozen=True)
class ClassDoc(Term):
    """An ontology class: its place in the hierarchy and what it aligns to."""

    superclasses: tuple[str, ...]
    subclasses: tuple[str, ...]
    alignments: tuple[Alignment, ...]
    properties: tuple[str, ...]
    """Properties whose domain is this class."""
    used_by: tuple[str, ...]
    """Properties whose range is this class."""


@dataclass(frozen=True)
class PropertyDoc(Term):
    """An ontology property: kind, domain, range, parents and alignments."""

    kinds: tuple[str, ...]
    characteristics: tuple[str, ...]
    domains: tuple[tuple[str, ...], ...]
    """Each domain is one IRI, or several for an owl:unionOf."""
    ranges: tuple[tuple[str, ...], ...]
    superproperties: tuple[str, ...]
    inverses: tuple[str, ...]
    alignments: tuple[Alignment, ...]


@dataclass(frozen=True)
class TreeNode:
    """One class in the hierarchy with its subclasses (a class may appear under two parents)."""

    iri: str
    children: tuple[TreeNode, ...]


@dataclass(frozen=True)
class OntologyDoc:
    """Everything the ontology page shows; labels cover every IRI it mentions."""

    iri: str | None
    titles: Mapping[str, str]
    descriptions: Mapping[str, str]
    metadata: tuple[tuple[str, tuple[Value, ...]], ...]
    classes: tuple[ClassDoc, ...]
    properties: tuple[PropertyDoc, ...]
    others: tuple[Term, ...]
    tree: tuple[TreeNode, ...]
    labels: Mapping[str, Mapping[str, str]]


def document_ontology(
    store: PublishedStore, *, graphs: tuple[str, ...] = (namespaces.ONTOLOGY_GRAPH,)
) -> OntologyDoc:
    """Read the ontology graph(s) of *store* into the documentation model."""
    index = GraphIndex.of_graphs(store, graphs)
    headers = index.of_type(OWL + "Ontology")
    header = headers[0] if headers else None
    class_nodes = index.of_type(*CLASS_TYPES)
    property_nodes = [node for node in index.of_type(*PROPERTY_KINDS) if node not in class_nodes]
    documented = {node.value for node in (*class_nodes, *property_nodes)}
    properties = tuple(_property(index, node, documented) for node in property_nodes)
    classes = tuple(_class(index, node, documented, properties) for node in class_nodes)
    skipped = {*documented, *(header.value for header in headers)}
    others = tuple(
        _term(index, subject)
        for subject in sorted(index.subjects(), key=str)
        if isinstance(subject, ox.NamedNode)
        and subject.value not in skipped
        and index.objects(subject, RDF_TYPE.value)
    )
    metadata = _metadata(index, header) if header is not None else ()
    mentioned = {*documented, *(term.iri for term in others), *_mentioned(classes, properties)}
    mentioned.update(value.iri for _, values in metadata for value in values if value.iri)
    return OntologyDoc(
        iri=header.value if header is not None else None,
        titles=index.texts(header, namespaces.DCTERMS + "title", RDFS + "label") if header else {},
        descriptions=(
            index.texts(header, namespaces.DCTERMS + "description", RDFS + "comment")
            if header
            else {}
        ),
        metadata=metadata,
        classes=classes,
        properties=properties,
        others=others,
        tree=_tree(classes),
        labels=fetch_labels(store, (iri for iri in mentioned if iri)),
    )


def _term(index: GraphIndex, node: ox.NamedNode) -> Term:
    return Term(*_term_values(index, node))


def _term_values(
    index: GraphIndex, node: ox.NamedNode
) -> tuple[str, str, dict[str, str], dict[str, str], tuple[str, ...], bool]:
    """The fields of Term, in order: iri, anchor, labels, comments, types, deprecated."""
    deprecated = index.first(node, OWL + "deprecated")
    return (
        node.value,
        local_name(node.value),
        index.texts(node, *LABEL_PREDICATES),
        index.texts(node, *DESCRIPTION_PREDICATES),
        index.iris(node, RDF_TYPE.value),
        isinstance(deprecated, ox.Literal) and deprecated.value in ("true", "1"),
    )


def _class(
    index: GraphIndex, node: ox.NamedNode, documented: set[str], properties: tuple[PropertyDoc, ...]
) -> ClassDoc:
    parents = index.iris(node, RDFS + "subClassOf")
    children = tuple(
        subject.value
        for subject in index.subjects()
        if isinstance(subject, ox.NamedNode)
        and node in index.objects(subject, RDFS + "subClassOf")
        and subject.value in documented
    )
    external = tuple(
        Alignment(RDFS + "subClassOf", iri) for iri in parents if iri not in documented
    )
    return ClassDoc(
        *_term_values(index, node),
        superclasses=tuple(iri for iri in parents if iri in documented),
        subclasses=children,
        alignments=external + _alignments(index, node, CLASS_ALIGNMENTS),
        properties=tuple(p.iri for p in properties if any(node.value in d for d in p.domains)),
        used_by=tuple(p.iri for p in properties if any(node.value in r for r in p.ranges)),
    )


def _property(index: GraphIndex, node: ox.NamedNode, documented: set[str]) -> PropertyDoc:
    types = index.iris(node, RDF_TYPE.value)
    parents = index.iris(node, RDFS + "subPropertyOf")
    external = tuple(
        Alignment(RDFS + "subPropertyOf", iri) for iri in parents if iri not in documented
    )
    return PropertyDoc(
        *_term_values(index, node),
        kinds=tuple(PROPERTY_KINDS[kind] for kind in types if kind in PROPERTY_KINDS),
        characteristics=tuple(kind for kind in types if kind in CHARACTERISTICS),
        domains=_class_expressions(index, node, DOMAINS),
        ranges=_class_expressions(index, node, RANGES),
        superproperties=tuple(iri for iri in parents if iri in documented),
        inverses=index.iris(node, OWL + "inverseOf"),
        alignments=external + _alignments(index, node, PROPERTY_ALIGNMENTS),
    )


def _alignments(
    index: GraphIndex, node: ox.NamedNode, relations: tuple[str, ...]
) -> tuple[Alignment, ...]:
    return tuple(
        Alignment(relation, target)
        for relation in relations
        for target in index.iris(node, relation)
    )


def _class_expressions(
    index: GraphIndex, node: Node, predicates: tuple[str, ...]
) -> tuple[tuple[str, ...], ...]:
    """Named classes as 1-tuples; an owl:unionOf as the tuple of its named members."""
    expressions: list[tuple[str, ...]] = []
    for predicate in predicates:
        for target in index.objects(node, predicate):
            if isinstance(target, ox.NamedNode):
                expressions.append((target.value,))
            elif isinstance(target, ox.BlankNode):
                union = index.first(target, OWL + "unionOf")
                members = index.list_items(union) if union is not None else []
                named = tuple(m.value for m in members if isinstance(m, ox.NamedNode))
                if named:
                    expressions.append(named)
    return tuple(expressions)


def _metadata(index: GraphIndex, header: ox.NamedNode) -> tuple[tuple[str, tuple[Value, ...]], ...]:
    def value(node: Node) -> Value:
        texts = index.texts(node, *LABEL_PREDICATES) if isinstance(node, ox.BlankNode) else {}
        return Value(texts=texts) if texts else Value.of(node)

    rows = [
        (predicate, tuple(value(node) for node in nodes))
        for predicate, nodes in index.predicates(header).items()
        if predicate not in SHOWN_APART
    ]
    order = {predicate: position for position, predicate in enumerate(METADATA_ORDER)}
    return tuple(sorted(rows, key=lambda row: (order.get(row[0], len(order)), row[0])))


def _mentioned(classes: tuple[ClassDoc, ...], properties: tuple[PropertyDoc, ...]) -> set[str]:
    mentioned: set[str] = set()
    alignments = [a for term in classes for a in term.alignments]
    alignments += [a for term in properties for a in term.alignments]
    mentioned.update(a.relation for a in alignments)
    mentioned.update(a.target for a in alignments)
    mentioned.update(iri for term in (*classes, *properties) for iri in term.types)
    for prop in properties:
        mentioned.update(iri for expression in (*prop.domains, *prop.ranges) for iri in expression)
        mentioned.update(prop.inverses)
    return mentioned


def _tree(classes: tuple[ClassDoc, ...]) -> tuple[TreeNode, ...]:
    by_iri = {cls.iri: cls for cls in classes}

    def grow(iri: str, ancestors: frozenset[str]) -> TreeNode:
        children = sorted(by_iri[iri].subclasses, key=lambda child: by_iri[child].anchor)
        return TreeNode(
            iri,
            tuple(grow(child, ancestors | {iri}) for child in children if child not in ancestors),
        )

    roots = [cls for cls in classes if not cls.superclasses]
    return tuple(grow(cls.iri, frozenset()) for cls in sorted(roots, key=lambda c: c.anchor))
