"""The schema.org JSON-LD block of a resource page, for search engines, safe inside <script>."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlsplit

import pyoxigraph as ox

from chava import namespaces
from chava.describe import ResourceDescription
from chava.labels import DESCRIPTION_PREDICATES, pick_label, pick_text
from chava.web.linking import LINK_SCHEMES

SCHEMA: Final = namespaces.SCHEMA
RDF_TYPE: Final = namespaces.RDF + "type"
SAME_AS: Final = (SCHEMA + "sameAs", namespaces.OWL + "sameAs")
IRI_AS_TEXT: Final = frozenset({"sameAs", "url"})
MAX_DEPTH: Final = 4
_ESCAPES: Final = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def schema_org(
    description: ResourceDescription,
    *,
    language: str,
    languages: Sequence[str],
    skip_graphs: Collection[str] = (namespaces.INFERRED_GRAPH,),
) -> dict[str, Any]:
    """The resource in schema.org terms only; statements in *skip_graphs* are left out.

    Inferred statements are skipped by default: search engines would take them as stated facts.
    """
    by_subject: dict[object, list[ox.Quad]] = {}
    for quad in description.statements:
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value in skip_graphs:
            continue
        by_subject.setdefault(quad.subject, []).append(quad)
    writer = _Writer(description, by_subject, language, languages)
    node = writer.node(ox.NamedNode(description.iri), depth=0)
    name = pick_label(description.iri, description.labels, language, languages)
    if "name" not in node and not name.is_iri:
        node["name"] = name.text
    if "description" not in node:
        found = writer.description(ox.NamedNode(description.iri))
        if found is not None:
            node["description"] = found
    node.setdefault("@type", "Thing")
    node.setdefault("url", description.iri)  # the data's own schema:url (a web site) wins
    return {"@context": "https://schema.org", "@id": description.iri, **node}


def script_json(data: Mapping[str, Any]) -> str:
    """Serialise *data* for a `<script type="application/ld+json">` element.

    `<`, `>` and `&` become JSON escapes, so no string can close the element or open a comment;
    the result is still the same JSON.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for character, escape in _ESCAPES.items():
        text = text.replace(character, escape)
    return text


class _Writer:
    def __init__(
        self,
        description: ResourceDescription,
        by_subject: Mapping[object, Sequence[ox.Quad]],
        language: str,
        languages: Sequence[str],
    ) -> None:
        self.description_ = description
        self.by_subject = by_subject
        self.language = language
        self.languages = languages

    def node(self, subject: ox.NamedNode | ox.BlankNode, *, depth: int) -> dict[str, Any]:
        node: dict[str, Any] = {}
        quads = self.by_subject.get(subject, ())
        types = [
            quad.object.value[len(SCHEMA) :]
            for quad in quads
            if quad.predicate.value == RDF_TYPE
            and isinstance(quad.object, ox.NamedNode)
            and quad.object.value.startswith(SCHEMA)
        ]
        if types:
            node["@type"] = types[0] if len(types) == 1 else sorted(set(types))
        grouped: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]] = {}
        for quad in quads:
            predicate = quad.predicate.value
            if predicate in SAME_AS:
                grouped.setdefault("sameAs", []).append(quad.object)
            elif predicate.startswith(SCHEMA) and len(predicate) > len(SCHEMA):
                grouped.setdefault(predicate[len(SCHEMA) :], []).append(quad.object)
        for term, objects in sorted(grouped.items()):
            values = self.values(term, objects, depth=depth)
            if values:
                node[term] = values[0] if len(values) == 1 else values
        return node

    def values(
        self,
        term: str,
        objects: Sequence[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple],
        *,
        depth: int,
    ) -> list[Any]:
        literals = [node for node in objects if isinstance(node, ox.Literal)]
        tagged = {node.language or "": node.value for node in literals if node.language}
        chosen = pick_text(tagged, self.language, self.languages)
        values: list[Any] = []
        for node in objects:
            if term in IRI_AS_TEXT and not _is_web(node):
                continue  # no `javascript:` or `data:` URL handed on as the item's address
            if isinstance(node, ox.Literal):
                if node.language and chosen is not None and node.language != chosen[1]:
                    continue
                values.append(node.value)
            elif isinstance(node, ox.NamedNode):
                values.append(node.value if term in IRI_AS_TEXT else self.reference(node.value))
            elif isinstance(node, ox.BlankNode) and depth < MAX_DEPTH:
                nested = self.node(node, depth=depth + 1)
                if nested:
                    values.append(nested)
        return values

    def reference(self, iri: str) -> dict[str, Any]:
        reference: dict[str, Any] = {"@id": iri}
        label = pick_label(iri, self.description_.labels, self.language, self.languages)
        if not label.is_iri:
            reference["name"] = label.text
        types = [
            type_iri[len(SCHEMA) :]
            for type_iri in self.description_.types.get(iri, ())
            if type_iri.startswith(SCHEMA)
        ]
        if types:
            reference["@type"] = types[0] if len(types) == 1 else sorted(types)
        return reference

    def description(self, subject: ox.NamedNode) -> str | None:
        for predicate in DESCRIPTION_PREDICATES:
            texts = {
                quad.object.language or "": quad.object.value
                for quad in self.by_subject.get(subject, ())
                if quad.predicate.value == predicate and isinstance(quad.object, ox.Literal)
            }
            found = pick_text(texts, self.language, self.languages)
            if found is not None:
                return found[0]
        return None


def _is_web(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> bool:
    """Whether *node* is an IRI or a literal with a web scheme (see linking.LINK_SCHEMES)."""
    if not isinstance(node, ox.NamedNode | ox.Literal):
        return False
    return urlsplit(node.value).scheme.lower() in LINK_SCHEMES
