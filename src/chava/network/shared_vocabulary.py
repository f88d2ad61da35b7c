"""What a partner says about the shared vocabulary: the same (left out), more or else (reported).

The shared vocabulary is what the publication root's `ontology/` and `shapes/` folders hold:
the `lc:` ontology, the SHACL profile and the local copies of reused vocabularies (its
**terms**), and the shared reference data of `ontology/reference/` (its **resources**: the GNLC,
UIL, UNESCO, the Key Features and availability schemes, their sources). Every chava peer
publishes a copy of it. When harvesting, a partner's statement about one of them is:

- **identical** to a shared statement: left out (we publish it already), only counted;
- about a **term** (or any IRI under `vocabulary_base_iri` the shared vocabulary does not
  describe), and not identical: it **differs** (the shared vocabulary says something else for
  that term and property, or that language: a changed shape, a relabelled class) or it
  **extends** it (a new term in its namespace, a property it does not give that term), and so
  does a partner's own class or property declared a sub-class, sub-property, equivalent,
  domain or range of a shared term: quarantined and reported, never published (a partner
  does not redefine the shared vocabulary);
- about a **resource**, and not identical: a label (`skos:prefLabel`, `rdfs:label`,
  `schema:name`, `skos:notation`, ...) where the shared data has another one in the same
  language **differs** (a relabelled shared concept): quarantined and reported; anything else
  **adds** to it (a source, a link, a name in another language: what a city's own sources say
  of the GNLC): the partner's data, published and reported.

Blank nodes (shapes' property shapes, RDF lists) are compared by content: two blank nodes are
the same when the statements under them are, whatever their labels.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.labels import LABEL_PREDICATES
from chava.loading.rdf_input import InputLimits
from chava.loading.sources import REFERENCE_FOLDER, collect_files, parse_file

SHARED_FOLDERS: Final = ("ontology", "shapes")
AXIOMS: Final = frozenset(
    ox.NamedNode(iri)
    for iri in (
        namespaces.RDFS + "subClassOf",
        namespaces.RDFS + "subPropertyOf",
        namespaces.RDFS + "domain",
        namespaces.RDFS + "range",
        namespaces.OWL + "equivalentClass",
        namespaces.OWL + "equivalentProperty",
        namespaces.OWL + "inverseOf",
    )
)
"""Statements by which a partner's own term changes what a shared term means."""
LABELS: Final = frozenset(
    ox.NamedNode(iri) for iri in (*LABEL_PREDICATES, namespaces.SKOS + "notation")
)
"""What names a shared resource: one value per language (a partner's other value relabels it)."""
EXTENDS: Final = "extends"
DIFFERS: Final = "differs"
ADDS: Final = "adds"
MESSAGES: Final = {
    EXTENDS: (
        "Étend le vocabulaire partagé (non publié) : {statements} / "
        "Extends the shared vocabulary (not published): {statements}"
    ),
    DIFFERS: (
        "Diffère du vocabulaire partagé (non publié) : {statements} / "
        "Differs from the shared vocabulary (not published): {statements}"
    ),
    ADDS: (
        "Complète une ressource partagée (publié) : {statements} / "
        "Adds to a shared resource (published): {statements}"
    ),
}
SHOWN: Final = 3
"""Statements quoted in one message (the others are counted)."""

Subject = ox.NamedNode | ox.BlankNode | ox.Triple
_Key = tuple[str, str, str]


@dataclass(frozen=True)
class Divergence:
    """What a partner says of one shared term or resource (or of its own term, about a shared
    one) that the shared vocabulary does not say: one kind, every statement of that kind."""

    subject: str
    kind: str
    """EXTENDS, DIFFERS (quarantined) or ADDS (published)."""
    statements: tuple[str, ...]
    """Each as predicate and object, compact (`skos:prefLabel "Tool"@en`); for DIFFERS, with
    what the shared vocabulary says there (`(shared: "Outil"@en)`)."""

    @property
    def message(self) -> str:
        """The report's message, in French and English."""
        shown = "; ".join(self.statements[:SHOWN])
        if len(self.statements) > SHOWN:
            shown += f" (+{len(self.statements) - SHOWN})"
        return MESSAGES[self.kind].format(statements=shown)

    @property
    def quarantined(self) -> bool:
        """Whether the statements are kept out of what is published."""
        return self.kind != ADDS


@dataclass
class VocabularySplit:
    """A partner's triples, sorted into its data and its statements about the shared vocabulary."""

    data: list[ox.Triple] = field(default_factory=list)
    """The partner's data, additions to shared resources included."""
    identical: int = 0
    """Statements identical to the shared vocabulary's: left out."""
    divergent: list[ox.Triple] = field(default_factory=list)
    """Statements extending or differing from it (with the blank nodes under them)."""
    divergences: list[Divergence] = field(default_factory=list)
    """One per (term or resource, kind), in the order they come; ADDS ones are published."""


class SharedVocabulary:
    """The statements of the shared vocabulary, indexed to compare a partner's with them."""

    def __init__(
        self,
        triples: Sequence[ox.Triple],
        base_iri: str,
        resources: Iterable[str] = (),
    ) -> None:
        self.base_iri = base_iri
        canon = _Canon(triples)
        self.statements: set[_Key] = set()
        self.values: dict[tuple[str, str], list[str]] = {}
        """(subject, predicate) -> rendered objects, and (subject, predicate + '@' + language)."""
        self.roots: set[str] = set()
        for triple in triples:
            subject = triple.subject
            if isinstance(subject, ox.NamedNode):
                key = canon.key(triple)
                self.statements.add(key)
                for slot in _slots(triple):
                    self.values.setdefault((subject.value, slot), []).append(_render(triple.object))
            elif isinstance(subject, ox.BlankNode) and subject not in canon.parents:
                self.roots.add(canon.signature(subject))
        described = frozenset(subject for subject, _slot in self.values)
        self.resources = frozenset(resources) & described
        """The shared reference data's subjects (partners may add to them)."""
        self.terms = described - self.resources

    @classmethod
    def load(cls, root: Path, base_iri: str, limits: InputLimits | None = None) -> SharedVocabulary:
        """The shared vocabulary of the publication at *root* (its ontology/ and shapes/)."""
        folders = [root / name for name in SHARED_FOLDERS if (root / name).is_dir()]
        reference = root / REFERENCE_FOLDER
        triples: dict[ox.Triple, None] = {}
        resources: set[str] = set()
        for path in collect_files(folders):
            for quad in parse_file(path, limits=limits):
                triples[quad.triple] = None
                if reference in path.parents and isinstance(quad.subject, ox.NamedNode):
                    resources.add(quad.subject.value)
        return cls(list(triples), base_iri, resources)

    def is_term(self, iri: str) -> bool:
        """Whether *iri* is a term of the shared vocabulary (or under its base, unknown)."""
        return iri in self.terms or (iri.startswith(self.base_iri) and iri not in self.resources)

    def split(self, triples: Sequence[ox.Triple]) -> VocabularySplit:
        """Sort a partner's triples: its data, and what it says about shared terms."""
        canon = _Canon(triples)
        split = VocabularySplit()
        left_out: set[ox.Triple] = set()
        divergent: set[ox.Triple] = set()
        found: dict[tuple[str, str], list[str]] = {}
        for triple in triples:
            subject = triple.subject
            if isinstance(subject, ox.NamedNode) and subject.value in self.resources:
                if canon.key(triple) in self.statements:
                    left_out |= canon.closure(triple)
                    continue
                kind, statement = self._resource_statement(triple)
                found.setdefault((subject.value, kind), []).append(statement)
                if kind == DIFFERS:
                    divergent |= canon.closure(triple)
            elif isinstance(subject, ox.NamedNode) and self.is_term(subject.value):
                closure = canon.closure(triple)
                if canon.key(triple) in self.statements:
                    left_out |= closure
                    continue
                divergent |= closure
                kind, statement = self._term_statement(triple)
                found.setdefault((subject.value, kind), []).append(statement)
            elif (
                isinstance(subject, ox.NamedNode)
                and triple.predicate in AXIOMS
                and isinstance(triple.object, ox.NamedNode)
                and self.is_term(triple.object.value)
            ):
                divergent |= canon.closure(triple)
                found.setdefault((subject.value, EXTENDS), []).append(_statement(triple))
            elif (
                isinstance(subject, ox.BlankNode)
                and subject not in canon.parents
                and canon.signature(subject) in self.roots
            ):
                left_out |= canon.closure_of(subject)
        split.divergences = [
            Divergence(subject, kind, tuple(sorted(statements)))
            for (subject, kind), statements in found.items()
        ]
        for triple in triples:
            if triple in divergent:
                split.divergent.append(triple)
            elif triple in left_out:
                split.identical += 1
            else:
                split.data.append(triple)
        return split

    def _term_statement(self, triple: ox.Triple) -> tuple[str, str]:
        """DIFFERS when the shared vocabulary says something else there, else EXTENDS."""
        shared = self._shared(triple, language_only=False)
        if shared is not None:
            return DIFFERS, f"{_statement(triple)} (shared: {shared})"
        return EXTENDS, _statement(triple)

    def _resource_statement(self, triple: ox.Triple) -> tuple[str, str]:
        """DIFFERS for another label in a language (or notation) the shared data names, else
        ADDS."""
        if triple.predicate in LABELS:
            shared = self._shared(triple, language_only=True)
            if shared is not None:
                return DIFFERS, f"{_statement(triple)} (shared: {shared})"
        return ADDS, _statement(triple)

    def _shared(self, triple: ox.Triple, *, language_only: bool) -> str | None:
        subject = triple.subject
        assert isinstance(subject, ox.NamedNode)
        slots = _slots(triple)
        if language_only and isinstance(triple.object, ox.Literal) and triple.object.language:
            slots = slots[1:]  # only the same language counts for a label
        for slot in reversed(slots):  # the language slot first: it is the closer
            shared = self.values.get((subject.value, slot))
            if shared:
                return ", ".join(sorted(shared)[:SHOWN]) + (" ..." if len(shared) > SHOWN else "")
        return None


class _Canon:
    """Blank nodes of one set of triples, named by their content."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.below: dict[ox.BlankNode, list[ox.Triple]] = {}
        self.parents: set[ox.BlankNode] = set()
        for triple in triples:
            if isinstance(triple.subject, ox.BlankNode):
                self.below.setdefault(triple.subject, []).append(triple)
            if isinstance(triple.object, ox.BlankNode):
                self.parents.add(triple.object)
        self._signatures: dict[ox.BlankNode, str] = {}

    def key(self, triple: ox.Triple) -> _Key:
        return (_term(triple.subject, self), triple.predicate.value, _term(triple.object, self))

    def signature(self, node: ox.BlankNode) -> str:
        """A digest of the statements under *node* (iteratively: lists can be long)."""
        done = self._signatures.get(node)
        if done is not None:
            return done
        pending: list[tuple[ox.BlankNode, bool]] = [(node, False)]
        on_path: set[ox.BlankNode] = set()
        while pending:
            current, ready = pending.pop()
            if current in self._signatures:
                continue
            children = [
                t.object
                for t in self.below.get(current, ())
                if isinstance(t.object, ox.BlankNode) and t.object not in self._signatures
            ]
            if not ready and children:
                on_path.add(current)
                pending.append((current, True))
                pending.extend((child, False) for child in children if child not in on_path)
                continue
            on_path.discard(current)
            parts = sorted(
                (t.predicate.value, self._signatures.get(t.object, "_:cycle"))
                if isinstance(t.object, ox.BlankNode)
                else (t.predicate.value, _term(t.object, self))
                for t in self.below.get(current, ())
            )
            digest = hashlib.sha256("\n".join(f"{p} {o}" for p, o in parts).encode()).hexdigest()
            self._signatures[current] = "_:" + digest[:32]
        return self._signatures[node]

    def closure(self, triple: ox.Triple) -> set[ox.Triple]:
        """*triple* and the statements of the blank nodes under its object."""
        found = {triple}
        if isinstance(triple.object, ox.BlankNode):
            found |= self.closure_of(triple.object)
        return found

    def closure_of(self, node: ox.BlankNode) -> set[ox.Triple]:
        found: set[ox.Triple] = set()
        pending, seen = [node], {node}
        while pending:
            for triple in self.below.get(pending.pop(), ()):
                found.add(triple)
                child = triple.object
                if isinstance(child, ox.BlankNode) and child not in seen:
                    seen.add(child)
                    pending.append(child)
        return found


def _term(term: object, canon: _Canon) -> str:
    if isinstance(term, ox.BlankNode):
        return canon.signature(term)
    return str(term)


def _slots(triple: ox.Triple) -> list[str]:
    """Where a statement sits: its predicate, and for a tagged string its predicate@language."""
    slots = [triple.predicate.value]
    value = triple.object
    if isinstance(value, ox.Literal) and value.language:
        slots.append(f"{triple.predicate.value}@{value.language.lower()}")
    return slots


def _statement(triple: ox.Triple) -> str:
    return f"{namespaces.compact_iri(triple.predicate.value)} {_render(triple.object)}"


def _render(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return namespaces.compact_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return "[…]"
    text = str(term)
    return text if len(text) <= 80 else text[:77] + "…"
