"""The application profile (our published shapes and ontology) and checking any dataset against it.

`chava validate --profile` and `chava harvest` use it: a partner's files or endpoint data is
checked against the profile alone (never against our data), and the report says, per class,
how many resources were checked and which rules they break.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.loading.sources import IMPORTS_GRAPH, REFERENCE_GRAPH, Publication, load_publication
from chava.validation.validate import ValidationReport, validate_publication
from chava.validation.validation_progress import Progress

PROFILE_GRAPHS: Final = frozenset(
    {namespaces.SHAPES_GRAPH, namespaces.ONTOLOGY_GRAPH, IMPORTS_GRAPH, REFERENCE_GRAPH}
)
"""The shared vocabulary: ontology, imports, shapes and the shared reference data."""
RDF_TYPE: Final = ox.NamedNode(namespaces.RDF + "type")
NODE_SHAPE: Final = ox.NamedNode(namespaces.SH + "NodeShape")
VERSION_IRI: Final = ox.NamedNode(namespaces.OWL + "versionIRI")


@dataclass(frozen=True)
class Profile:
    """The shapes, ontology and imported hierarchies a dataset is checked against."""

    publication: Publication
    shapes_iri: str
    ontology_version: str | None
    node_shapes: int


@dataclass(frozen=True)
class ClassCount:
    """Resources of one class: checked, with a violation, with a warning."""

    cls: str
    checked: int
    with_violations: int
    with_warnings: int


@dataclass(frozen=True)
class ProfileReport:
    """A validation report with what a data steward needs around it."""

    profile: Profile
    source: str
    statements: int
    resources: int
    classes: tuple[ClassCount, ...]
    report: ValidationReport

    @property
    def conforms(self) -> bool:
        """True when no result is a violation."""
        return self.report.conforms

    def failing_resources(self) -> set[str]:
        """Focus nodes with at least one violation (IRIs, or `_:id` for blank nodes)."""
        return {r.focus_node for r in self.report.results if r.severity == "Violation"}


def load_profile(root: Path, *, vocabulary_base_iri: str = namespaces.VOCABULARY_BASE) -> Profile:
    """Read the profile of the publication at *root*: its shapes, ontology and imports only."""
    publication = load_publication(root)
    quads = tuple(
        quad
        for quad in publication.quads
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in PROFILE_GRAPHS
    )
    files = tuple(
        path for path in publication.files if "data" not in path.relative_to(root).parts[:1]
    )
    profile = Publication(quads, files, {})
    version = next(
        (
            quad.object.value
            for quad in quads
            if quad.predicate == VERSION_IRI and isinstance(quad.object, ox.NamedNode)
        ),
        None,
    )
    shapes = sum(1 for quad in quads if quad.predicate == RDF_TYPE and quad.object == NODE_SHAPE)
    return Profile(profile, vocabulary_base_iri + "def/shapes", version, shapes)


def check_dataset(
    data: Publication,
    profile: Profile,
    *,
    source: str,
    languages: Sequence[str] = ("fr", "en"),
    engine: str | None = None,
    threads: int = 0,
    progress: Progress | None = None,
) -> ProfileReport:
    """Validate *data* (every graph of it is data) against *profile* alone, with *engine*."""
    data_only = Publication(
        tuple(quad for quad in data.quads if not _is_profile_graph(quad)), data.files, data.origins
    )
    report = validate_publication(
        data_only,
        shapes=profile.publication,
        languages=languages,
        engine=engine,
        threads=threads,
        progress=progress,
    )
    return ProfileReport(
        profile=profile,
        source=source,
        statements=len({quad.triple for quad in data_only.quads}),
        resources=len({q.subject for q in data_only.quads if isinstance(q.subject, ox.NamedNode)}),
        classes=_class_counts(data_only, report),
        report=report,
    )


def _is_profile_graph(quad: ox.Quad) -> bool:
    """A partner's own copy of our profile is not data (e.g. a `chava init` publication)."""
    return isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in PROFILE_GRAPHS


def _class_counts(data: Publication, report: ValidationReport) -> tuple[ClassCount, ...]:
    members: dict[str, set[str]] = {}
    for quad in data.quads:
        if quad.predicate == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            subject = quad.subject
            if isinstance(subject, ox.Triple):
                continue
            name = subject.value if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"
            members.setdefault(quad.object.value, set()).add(name)
    by_severity: dict[str, Counter[str]] = {"Violation": Counter(), "Warning": Counter()}
    for result in report.results:
        if result.severity in by_severity:
            by_severity[result.severity][result.focus_node] += 1
    return tuple(
        ClassCount(
            cls,
            len(names),
            sum(1 for name in names if name in by_severity["Violation"]),
            sum(1 for name in names if name in by_severity["Warning"]),
        )
        for cls, names in sorted(members.items())
    )
