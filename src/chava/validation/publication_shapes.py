"""The publication's own language requirements, as SHACL shapes generated from its settings.

The shared profile (shapes/, `lcsh:`) is language-neutral: a label is required, in any
well-formed BCP 47 language, one per language. What a publication promises its readers comes
from its `languages` setting (preferred first): a label in the first language is required
(violation), a label in each other listed language is expected (warning). These shapes live
under the publication's own base (`{data_base_iri}def/publication-shapes#...`, graph
`{data_base_iri}graph/publication-shapes`), never under `lcsh:`.

They apply to the publication's own resources only: those whose IRI starts with its
`data_base_iri`. Shared reference data (under the vocabulary base) and a partner's data (under
the partner's base) are judged by the shared profile alone, so a Finnish city can harvest a
French one, and both can use the shared UNESCO concepts, without either failing the other's
language rules. Validating a partner (`validate --profile`, harvest) never uses these shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.config import Settings
from chava.errors import ConfigError

SH: Final = namespaces.SH
RDF_TYPE: Final = ox.NamedNode(namespaces.RDF + "type")
RDFS_LABEL: Final = ox.NamedNode(namespaces.RDFS + "label")
RDFS_COMMENT: Final = ox.NamedNode(namespaces.RDFS + "comment")
PREF_LABEL: Final = ox.NamedNode(namespaces.SKOS + "prefLabel")

# The classes of the shared profile's label rules (tests check they match shapes/profile.ttl).
LABELLED_CLASSES: Final = tuple(
    namespace + name
    for namespace, name in (
        (namespaces.ORG, "Organization"),
        (namespaces.SCHEMA, "Organization"),
        (namespaces.FOAF, "Person"),
        (namespaces.SCHEMA, "Person"),
        (namespaces.FOAF, "Group"),
        (namespaces.ORG, "Post"),
        (namespaces.SCHEMA, "Place"),
        (namespaces.SCHEMA, "CreativeWork"),
        (namespaces.SCHEMA, "Event"),
        (namespaces.SCHEMA, "Audience"),
        (namespaces.SCHEMA, "ItemList"),
        (namespaces.ELI, "LegalResource"),
        (namespaces.SKOS, "ConceptScheme"),
        (namespaces.SKOS, "Collection"),
        (namespaces.LC, "SourceDocument"),
    )
)
"""lcsh:LabelledResourceShape's targets: what must have an rdfs:label."""
QUALIFIED_RELATION_CLASSES: Final = tuple(
    namespace + name
    for namespace, name in (
        (namespaces.ORG, "Membership"),
        (namespaces.LC, "Recognition"),
        (namespaces.SCHEMA, "ContactPoint"),
        (namespaces.TIME, "Interval"),
        (namespaces.TIME, "Instant"),
    )
)
"""lcsh:QualifiedRelationShape's targets: a label is recommended, in the first language."""
EXECUTABLE_CLASSES: Final = tuple(
    SH + name
    for name in ("SPARQLSelectExecutable", "SPARQLConstructExecutable", "SPARQLAskExecutable")
)
"""The example queries of the SPARQL catalogue: a title and a description per language."""


def publication_shapes_iri(settings: Settings) -> str:
    """The IRI of the generated shapes (its terms are `{iri}#...`)."""
    return settings.data_base_iri + "def/publication-shapes"


def publication_shapes_graph(settings: Settings) -> str:
    """The named graph the generated shapes are put in."""
    return settings.data_base_iri + "graph/publication-shapes"


def checked_languages(languages: Sequence[str]) -> tuple[str, ...]:
    """Return the language tags, refusing an empty list or a tag that is not BCP 47."""
    if not languages:
        raise ConfigError("languages: at least one language tag is needed (e.g. 'fi,en')")
    for tag in languages:
        try:
            ox.Literal("x", language=tag)
        except ValueError as error:
            raise ConfigError(
                f"languages: {tag!r} is not a well-formed BCP 47 language tag ({error})"
            ) from None
    lowered = [tag.lower() for tag in languages]
    if len(set(lowered)) != len(lowered):
        raise ConfigError(f"languages: a tag is listed twice in {', '.join(languages)}")
    return tuple(languages)


def publication_shapes(settings: Settings) -> tuple[ox.Quad, ...]:
    """The shapes graph of the publication's own language requirements, from its settings.

    For the first language a missing label is a violation; for each other language of
    `settings.languages` a warning. Raises ConfigError for a malformed `languages` setting.
    """
    languages = checked_languages(settings.languages)
    writer = _Writer(publication_shapes_iri(settings), publication_shapes_graph(settings))
    writer.header(languages)
    own = _own_resources(writer, settings.data_base_iri)
    for rank, language in enumerate(languages):
        severity = "Violation" if rank == 0 else "Warning"
        writer.label_shape(
            f"label-{language.lower()}", LABELLED_CLASSES, RDFS_LABEL, language, severity, own
        )
        writer.label_shape(
            f"pref-label-{language.lower()}",
            (namespaces.SKOS + "Concept",),
            PREF_LABEL,
            language,
            severity,
            own,
        )
        for path, what in ((RDFS_LABEL, "title"), (RDFS_COMMENT, "description")):
            writer.label_shape(
                f"query-{what}-{language.lower()}",
                EXECUTABLE_CLASSES,
                path,
                language,
                severity,
                own,
            )
    writer.label_shape(
        f"relation-label-{languages[0].lower()}",
        QUALIFIED_RELATION_CLASSES,
        RDFS_LABEL,
        languages[0],
        "Warning",
        own,
    )
    return tuple(writer.quads)


def _own_resources(writer: _Writer, data_base_iri: str) -> ox.BlankNode:
    """A shape that holds for anything that is *not* one of the publication's own IRIs."""
    not_ours = ox.BlankNode()
    pattern = ox.BlankNode()
    writer.add(not_ours, SH + "not", pattern)
    writer.add(pattern, SH + "pattern", ox.Literal("^" + _escape_regex(data_base_iri)))
    return not_ours


def _escape_regex(text: str) -> str:
    """Escape *text* for an XPath regular expression."""
    return "".join("\\" + char if char in ".?*+(){}[]|\\^$-" else char for char in text)


class _Writer:
    """Accumulate the quads of the generated shapes graph."""

    def __init__(self, shapes_iri: str, graph_iri: str) -> None:
        self.iri = shapes_iri
        self.graph = ox.NamedNode(graph_iri)
        self.quads: list[ox.Quad] = []

    def add(
        self,
        subject: ox.NamedNode | ox.BlankNode,
        predicate: str,
        value: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> None:
        self.quads.append(ox.Quad(subject, ox.NamedNode(predicate), value, self.graph))

    def texts(
        self, subject: ox.NamedNode | ox.BlankNode, predicate: str, french: str, english: str
    ) -> None:
        self.add(subject, predicate, ox.Literal(french, language="fr"))
        self.add(subject, predicate, ox.Literal(english, language="en"))

    def header(self, languages: Sequence[str]) -> None:
        header = ox.NamedNode(self.iri)
        listed = ", ".join(languages)
        self.add(header, namespaces.RDF + "type", ox.NamedNode(namespaces.OWL + "Ontology"))
        self.texts(
            header,
            namespaces.RDFS + "label",
            "Exigences de langue de la publication",
            "Language requirements of the publication",
        )
        self.texts(
            header,
            namespaces.RDFS + "comment",
            f"Formes engendrées depuis le réglage « languages » ({listed}) : un libellé dans la "
            "première langue est exigé (violation), un libellé dans chaque autre langue est "
            "attendu (avertissement), pour les ressources propres de la publication.",
            f"Shapes generated from the `languages` setting ({listed}): a label in the first "
            "language is required (violation), a label in each other language is expected "
            "(warning), for the publication's own resources.",
        )
        self.add(header, namespaces.RDFS + "seeAlso", ox.NamedNode(namespaces.SHAPES_IRI))

    def label_shape(
        self,
        name: str,
        classes: Sequence[str],
        path: ox.NamedNode,
        language: str,
        severity: str,
        not_ours: ox.BlankNode,
    ) -> None:
        """One node shape: its own resources of *classes* have a *path* value in *language*."""
        shape = ox.NamedNode(f"{self.iri}#{name}")
        self.add(shape, namespaces.RDF + "type", ox.NamedNode(SH + "NodeShape"))
        for cls in classes:
            self.add(shape, SH + "targetClass", ox.NamedNode(cls))
        has_one = ox.BlankNode()
        qualified = ox.BlankNode()
        self.add(has_one, SH + "path", path)
        self.add(has_one, SH + "qualifiedValueShape", qualified)
        self.add(qualified, SH + "languageIn", self._list([ox.Literal(language)]))
        self.add(has_one, SH + "qualifiedMinCount", ox.Literal("1", datatype=_XSD_INTEGER))
        self.add(shape, SH + "or", self._list([not_ours, has_one]))
        self.add(shape, SH + "severity", ox.NamedNode(SH + severity))
        short = _compact(path.value)
        first = severity == "Violation"
        self.texts(
            shape,
            SH + "name",
            f"{short} en « {language} »",
            f"{short} in {language}",
        )
        self.texts(
            shape,
            SH + "message",
            f"{short} en « {language} » (@{language}) manquant : "
            + ("première langue de la publication." if first else "langue de la publication."),
            f"Missing {short} in {language} (@{language}): "
            + ("the publication's first language." if first else "a language of the publication."),
        )

    def _list(self, items: Sequence[ox.NamedNode | ox.BlankNode | ox.Literal]) -> ox.BlankNode:
        head = ox.BlankNode()
        node = head
        for index, item in enumerate(items):
            self.add(node, namespaces.RDF + "first", item)
            rest: ox.NamedNode | ox.BlankNode = (
                ox.BlankNode() if index + 1 < len(items) else ox.NamedNode(namespaces.RDF + "nil")
            )
            self.add(node, namespaces.RDF + "rest", rest)
            if isinstance(rest, ox.BlankNode):
                node = rest
        return head


_XSD_INTEGER: Final = ox.NamedNode(namespaces.XSD + "integer")


def _compact(iri: str) -> str:
    return namespaces.compact_iri(iri)
