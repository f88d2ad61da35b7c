"""The RDFS entailments SHACL validation needs, computed in one pass over pyoxigraph terms.

pyshacl's `inference="rdfs"` runs owlrl's full RDFS closure: 37 s for 100k statements, almost
all of it axiomatic triples (everything a rdfs:Resource) no shape looks at. The rules that
change what a shape sees are few and can be applied in one pass once the schema is closed:
rdfs5/rdfs11 (subPropertyOf, subClassOf are transitive), rdfs7 (a statement also holds for
the super-properties), rdfs2/rdfs3 (domain and range type the subject and object), rdfs9
(an instance of a class is an instance of its super-classes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import pyoxigraph as ox

from chava import namespaces

Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Object = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Statement = tuple[Subject, ox.NamedNode, Object]

RDF_TYPE: Final = ox.NamedNode(namespaces.RDF + "type")
SUB_CLASS_OF: Final = ox.NamedNode(namespaces.RDFS + "subClassOf")
SUB_PROPERTY_OF: Final = ox.NamedNode(namespaces.RDFS + "subPropertyOf")
DOMAIN: Final = ox.NamedNode(namespaces.RDFS + "domain")
RANGE: Final = ox.NamedNode(namespaces.RDFS + "range")


def entailed_statements(data: Iterable[Statement], schema: Iterable[Statement]) -> set[Statement]:
    """Return the statements RDFS adds to *data* (not those already there), given *schema*.

    Schema statements in *data* count too, as RDFS makes no difference between the two.
    """
    data = list(data)
    schema = [*schema, *(s for s in data if s[1] in (SUB_CLASS_OF, SUB_PROPERTY_OF, DOMAIN, RANGE))]
    super_classes = _transitive(schema, SUB_CLASS_OF)
    super_properties = _transitive(schema, SUB_PROPERTY_OF)
    domains = _objects_by_subject(schema, DOMAIN)
    ranges = _objects_by_subject(schema, RANGE)
    derived: set[Statement] = set()
    for subject, predicate, value in data:
        properties = {predicate} | super_properties.get(predicate, set())
        for super_property in properties:
            if super_property != predicate:
                derived.add((subject, super_property, value))
            for domain in domains.get(super_property, ()):
                derived.add((subject, RDF_TYPE, domain))
            if not isinstance(value, ox.Literal):
                for range_class in ranges.get(super_property, ()):
                    derived.add((value, RDF_TYPE, range_class))
    typed = [s for s in data if s[1] == RDF_TYPE] + [s for s in derived if s[1] == RDF_TYPE]
    for subject, _, type_class in typed:
        for super_class in super_classes.get(type_class, ()):
            derived.add((subject, RDF_TYPE, super_class))
    return derived - set(data)


def _objects_by_subject(
    statements: Iterable[Statement], predicate: ox.NamedNode
) -> dict[Object, set[ox.NamedNode]]:
    found: dict[Object, set[ox.NamedNode]] = defaultdict(set)
    for subject, statement_predicate, value in statements:
        if statement_predicate == predicate and isinstance(value, ox.NamedNode):
            found[subject].add(value)
    return found


def _transitive(
    statements: Iterable[Statement], predicate: ox.NamedNode
) -> dict[Object, set[ox.NamedNode]]:
    """Map each node to everything reachable through *predicate* (itself excluded)."""
    direct = _objects_by_subject(statements, predicate)
    closed: dict[Object, set[ox.NamedNode]] = {}
    for start in direct:
        seen: set[ox.NamedNode] = set()
        todo = list(direct[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(direct.get(node, ()))
        closed[start] = {node for node in seen if node != start}
    return closed


def entail_in_store(
    store: ox.Store, schema: Iterable[Statement], *, data: str, entailed: ox.NamedNode
) -> None:
    """Add to graph *entailed* of *store* what `entailed_statements` derives, in Rust.

    *data* is a SPARQL graph pattern binding `?s ?p ?o` to the data statements (not the
    schema axioms); schema statements among them count too. The same closure as
    `entailed_statements` (statements already in the data may be entailed again, into
    *entailed*): the schema is closed in Python, each rule is one INSERT over the data.
    """
    schema = list(schema)
    for predicate in (SUB_CLASS_OF, SUB_PROPERTY_OF, DOMAIN, RANGE):
        found = store.query(
            f"SELECT ?s ?o WHERE {{ {data.replace('?p', str(predicate))} }}",
            use_default_graph_as_union=False,
        )
        schema.extend((row["s"], predicate, row["o"]) for row in found)  # type: ignore[union-attr]
    super_classes = _transitive(schema, SUB_CLASS_OF)
    super_properties = _transitive(schema, SUB_PROPERTY_OF)
    domains = _objects_by_subject(schema, DOMAIN)
    ranges = _objects_by_subject(schema, RANGE)
    target = f"GRAPH {entailed}"
    for sub_property, supers in super_properties.items():  # rdfs7, one index lookup each
        if isinstance(sub_property, ox.NamedNode):
            pattern = data.replace("?p", str(sub_property))
            for super_property in supers:
                store.update(
                    f"INSERT {{ {target} {{ ?s {super_property} ?o }} }} WHERE {{ {pattern} }}"
                )
    typing: dict[ox.NamedNode, set[tuple[str, ox.NamedNode]]] = defaultdict(set)
    for typed_by in {*super_properties, *domains, *ranges}:
        if isinstance(typed_by, ox.NamedNode):
            for super_property in {typed_by} | super_properties.get(typed_by, set()):
                typing[typed_by].update(("?s", d) for d in domains.get(super_property, ()))
                typing[typed_by].update(("?o", r) for r in ranges.get(super_property, ()))
    for property_, classes in typing.items():  # rdfs2, rdfs3
        pattern = data.replace("?p", str(property_))
        for variable, cls in classes:
            literal = " FILTER(!isLiteral(?o))" if variable == "?o" else ""
            store.update(
                f"INSERT {{ {target} {{ {variable} <{RDF_TYPE.value}> {cls} }} }} "
                f"WHERE {{ {pattern}{literal} }}"
            )
    for sub_class, supers in super_classes.items():  # rdfs9, the data and what rdfs2/3 typed
        if isinstance(sub_class, ox.NamedNode) and supers:
            types = data.replace("?p", str(RDF_TYPE)).replace("?o", str(sub_class))
            listed = " ".join(str(super_class) for super_class in supers)
            store.update(
                f"INSERT {{ {target} {{ ?s <{RDF_TYPE.value}> ?super }} }} WHERE {{ "
                f"VALUES ?super {{ {listed} }} {{ {types} }} UNION "
                f"{{ {target} {{ ?s <{RDF_TYPE.value}> {sub_class} }} }} }}"
            )
