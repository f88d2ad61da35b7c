"""Compact JSON-LD straight from pyoxigraph triples, with the terms of our published context.

A term is picked for each (predicate, kind of value) the way a JSON-LD 1.1 compactor does: a
link goes to the predicate's `@id` term, a tagged string to its language map (an untagged one
to its plain term, else the map's `@none`), a typed literal to the term coercing to exactly
that datatype. A value no term fits falls back to a compact IRI key and an explicit value
object, so expanding the output always gives back the input triples. IRIs in values stay
absolute (clients follow them as links). A blank node referenced once is embedded; others
keep their `_:` identifier, and so does every `MAX_EMBED_DEPTH + 1`-th level of a chain of
embedded blank nodes: it is written as a node object of its own (with its `_:` identifier)
under which embedding starts again, so the document stays within JSON parsers' nesting limits
and still expands to the same triples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from chava import namespaces
from chava.jsonld.context import (
    ID_COERCION,
    LANGUAGE_MAP,
    SET,
    XSD_STRING,
    Context,
    TermDefinition,
    load_context,
)

RDF_TYPE = ox.NamedNode(namespaces.RDF + "type")
MAX_EMBED_DEPTH = 32
"""Blank nodes embedded inside one another, at most (a node object is about two JSON levels)."""
Subject = ox.NamedNode | ox.BlankNode
Properties = dict[ox.NamedNode, dict[Any, None]]
"""Objects per predicate, as an insertion-ordered set (dict keys)."""


@dataclass
class PredicateRule:
    """The terms available for one predicate, by kind of value, and the fallback key."""

    link: TermDefinition | None = None
    language: TermDefinition | None = None
    plain: TermDefinition | None = None
    typed: dict[str, TermDefinition] = field(default_factory=dict)
    fallback: str = ""


class Compactor:
    """Turns the properties of a node into compact JSON with one context (rules cached)."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._rules: dict[str, PredicateRule] = {}
        by_iri: dict[str, list[TermDefinition]] = {}
        for term in context.terms.values():
            by_iri.setdefault(term.iri, []).append(term)
        self._terms_by_iri = by_iri
        self.set_terms = frozenset(
            term.name for term in context.terms.values() if term.container == SET
        )
        self.map_terms = frozenset(
            term.name for term in context.terms.values() if term.container == LANGUAGE_MAP
        )

    def rule(self, predicate: str) -> PredicateRule:
        """Return (and cache) the rule of *predicate*."""
        rule = self._rules.get(predicate)
        if rule is not None:
            return rule
        rule = PredicateRule(fallback=self.context.compact_iri(predicate))
        for term in sorted(self._terms_by_iri.get(predicate, ()), key=lambda t: t.name):
            if term.coercion == ID_COERCION:
                rule.link = rule.link or term
            elif term.container == LANGUAGE_MAP:
                rule.language = rule.language or term
            elif term.coercion is None:
                rule.plain = rule.plain or term
            elif not term.coercion.startswith("@"):
                rule.typed.setdefault(term.coercion, term)
        self._rules[predicate] = rule
        return rule

    def add_value(self, entries: dict[str, Any], predicate: str, value: Any) -> None:
        """Add one object (a term, or an already built embedded node for a link) to *entries*."""
        rule = self.rule(predicate)
        if isinstance(value, ox.Literal):
            language = value.language
            if language:
                if rule.language is not None:
                    _add_to_map(entries, rule.language.name, language, value.value)
                else:
                    _add(entries, rule.fallback, {"@value": value.value, "@language": language})
                return
            datatype = value.datatype.value
            if datatype == XSD_STRING:
                if rule.plain is not None:
                    _add(entries, rule.plain.name, value.value)
                elif rule.language is not None:
                    _add_to_map(entries, rule.language.name, "@none", value.value)
                else:
                    _add(entries, rule.fallback, value.value)
                return
            typed = rule.typed.get(datatype)
            if typed is not None:
                _add(entries, typed.name, value.value)
            else:
                compact_type = self.context.compact_iri(datatype)
                _add(entries, rule.fallback, {"@value": value.value, "@type": compact_type})
            return
        if isinstance(value, ox.NamedNode):
            reference: Any = value.value
        elif isinstance(value, ox.BlankNode):
            reference = "_:" + value.value
        else:  # an embedded node object, already built
            reference = value
        if rule.link is not None:
            _add(entries, rule.link.name, reference)
        else:
            _add(
                entries,
                rule.fallback,
                {"id": reference} if isinstance(reference, str) else reference,
            )

    def finish(self, entries: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
        """Write *entries* into *node* in key order, scalars for single non-`@set` values."""
        for key in sorted(entries):
            values = entries[key]
            if isinstance(values, dict):
                node[key] = {
                    language: texts[0] if len(texts) == 1 else texts
                    for language, texts in sorted(values.items())
                }
            elif len(values) == 1 and key not in self.set_terms:
                node[key] = values[0]
            else:
                node[key] = values
        return node

    def add_types(
        self, node: dict[str, Any], types: Iterable[Any], entries: dict[str, Any]
    ) -> None:
        """Write `type` (compact IRIs, sorted); a literal type goes to the `rdf:type` key."""
        names: list[str] = []
        for value in types:
            if isinstance(value, ox.NamedNode):
                names.append(self.context.compact_iri(value.value))
            elif isinstance(value, ox.BlankNode):
                names.append("_:" + value.value)
            else:
                self.add_value(entries, RDF_TYPE.value, value)
        if names:
            node["type"] = sorted(names)


def compact_jsonld(
    triples: Iterable[ox.Triple | ox.Quad],
    *,
    context_url: str,
    root: str | None = None,
    context: Context | None = None,
) -> dict[str, Any]:
    """Return the compact JSON-LD document of *triples* (graph names are ignored).

    One top-level node gives a single node object; several give `@graph`, the *root* IRI first.
    """
    compactor = compactor_for(context or load_context())
    subjects: dict[Subject, Properties] = {}
    for triple in triples:
        subject, predicate, value = triple.subject, triple.predicate, triple.object
        if isinstance(subject, ox.Triple) or isinstance(value, ox.Triple):
            continue  # JSON-LD 1.1 has no triple terms
        properties = subjects.get(subject)
        if properties is None:
            properties = subjects[subject] = {}
        objects = properties.get(predicate)
        if objects is None:
            properties[predicate] = {value: None}
        else:
            objects[value] = None
    embeddable = _embeddable(subjects)
    writer = _NodeWriter(compactor, subjects, embeddable)
    top = [subject for subject in subjects if subject not in embeddable]
    top.sort(key=lambda s: (s.value != root, isinstance(s, ox.BlankNode), s.value))
    nodes = [writer.node(subject, with_id=True) for subject in top]
    document: dict[str, Any] = {"@context": context_url}
    if len(nodes) == 1:
        document.update(nodes[0])
    else:
        document["@graph"] = nodes
    return document


class _NodeWriter:
    def __init__(
        self, compactor: Compactor, subjects: dict[Subject, Properties], embeddable: set[Any]
    ) -> None:
        self.compactor = compactor
        self.subjects = subjects
        self.embeddable = embeddable

    def node(self, subject: Subject, *, with_id: bool) -> dict[str, Any]:
        node: dict[str, Any] = {}
        if with_id:
            node["id"] = (
                subject.value if isinstance(subject, ox.NamedNode) else "_:" + subject.value
            )
        entries: dict[str, Any] = {}
        compactor = self.compactor
        for predicate, objects in self.subjects[subject].items():
            if predicate == RDF_TYPE:
                compactor.add_types(node, objects, entries)
                continue
            iri = predicate.value
            for value in sorted(objects, key=value_order) if len(objects) > 1 else objects:
                if value in self.embeddable:
                    compactor.add_value(entries, iri, self.node(value, with_id=False))
                else:
                    compactor.add_value(entries, iri, value)
        return compactor.finish(entries, node)


_COMPACTORS: dict[str, Compactor] = {}


def compactor_for(context: Context) -> Compactor:
    compactor = _COMPACTORS.get(context.version)
    if compactor is None or compactor.context is not context:
        compactor = _COMPACTORS[context.version] = Compactor(context)
    return compactor


def _embeddable(subjects: dict[Subject, Properties]) -> set[Any]:
    """Blank nodes described here and referenced exactly once, outside a cycle of such nodes,
    and not at a level where a chain of them is cut (`MAX_EMBED_DEPTH`)."""
    referrers: dict[ox.BlankNode, list[Subject]] = {}
    for subject, properties in subjects.items():
        for predicate, objects in properties.items():
            for value in objects:
                if isinstance(value, ox.BlankNode):
                    sources = referrers.setdefault(value, [])
                    sources.append(subject)
                    if predicate == RDF_TYPE:  # a type is written as an id: never embedded
                        sources.append(subject)
    parent = {
        node: sources[0]
        for node, sources in referrers.items()
        if len(sources) == 1 and node in subjects
    }
    depth: dict[Any, int] = {}
    """How deep each node sits under the top-level node its chain ends at (0: top-level)."""
    for node in sorted(parent, key=lambda b: b.value):
        path: list[Any] = []
        on_path: set[Any] = set()
        current: Any = node
        while current in parent and current not in depth and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = parent[current]
        if current in on_path:  # a cycle: break it here, this one stays top-level
            parent.pop(node)
            depth[node] = 0
            continue
        level = depth.get(current, 0)
        for member in reversed(path):
            level += 1
            depth[member] = level
    return {node for node, level in depth.items() if level % (MAX_EMBED_DEPTH + 1)}


def value_order(value: Any) -> tuple[int, str, str]:
    """Sort key for the values of one property: IRIs, then blank nodes, then literals.

    Blank nodes keep the order they came in (the sort is stable): their labels are chosen by
    each store, and chava.stores.statement_order already put them in an order of their own.
    """
    if isinstance(value, ox.NamedNode):
        return (0, value.value, "")
    if isinstance(value, ox.BlankNode):
        return (1, "", "")
    return (2, value.value, value.language or value.datatype.value)


def _add(entries: dict[str, Any], key: str, value: Any) -> None:
    values = entries.get(key)
    if values is None:
        entries[key] = [value]
    else:
        values.append(value)


def _add_to_map(entries: dict[str, Any], key: str, language: str, text: str) -> None:
    languages = entries.get(key)
    if languages is None:
        entries[key] = {language: [text]}
    else:
        languages.setdefault(language, []).append(text)
