"""Reading RDF sources: which files to read, in which syntax, into which named graph.

This is the only module that knows the publication layout (`ontology/`, `data/`, `shapes/`).
Parsing uses pyoxigraph (fast, positions in errors, never fetches anything); consumers that
need rdflib (SHACL) convert with `chava.validation.validate`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar, cast

import pyoxigraph as ox

from chava import namespaces
from chava.errors import LoadError, RemoteImportError
from chava.loading import sdg
from chava.loading.hashed_input import InputDigest
from chava.loading.rdf_input import (
    RDF_SUFFIXES,
    InputLimits,
    is_rdf_file,
    parse_rdf,
    rdf_format_of,
    read_hashed,
)

__all__ = [
    "CONTRIBUTED_FOLDER",
    "FOLDER_GRAPHS",
    "HARVEST_FOLDER",
    "IMPORTS_GRAPH",
    "RDF_SUFFIXES",
    "REFERENCE_FOLDER",
    "REFERENCE_GRAPH",
    "Publication",
    "collect_files",
    "load_files",
    "load_publication",
    "parse_file",
    "rdf_format_of",
]

logger = logging.getLogger(__name__)

FOLDER_GRAPHS: Final[dict[str, str]] = {
    "ontology": namespaces.ONTOLOGY_GRAPH,
    "data": namespaces.ASSERTED_GRAPH,
    "shapes": namespaces.SHAPES_GRAPH,
}
"""Publication folders and the named graph their triple-only files go to."""

HARVEST_FOLDER: Final = Path("data") / "harvest"
"""Where `chava harvest` writes one TriG file per partner. A file there that cannot be read is
skipped with a warning (and listed on `/harvest/`): one partner never blocks the build."""

CONTRIBUTED_FOLDER: Final = Path("data") / "contributed"
"""Where accepted contributions are published, one TriG file per resource
(`{segment}/{slug}.trig`), written by chava.contributions and read like any other data file."""

IMPORTS_FOLDER: Final = "ontology/imports"
IMPORTS_GRAPH: Final = namespaces.GRAPH + "imports"
"""Local copies of the reused vocabularies' class hierarchies (ORG, schema.org, ...), needed by
validation (`sh:class` through `rdfs:subClassOf`). Never fetched: shipped as files."""

REFERENCE_FOLDER: Final = "ontology/reference"
REFERENCE_GRAPH: Final = namespaces.GRAPH + "reference"
"""Shared reference data every city uses (the GNLC, UIL and UNESCO, the Key Features scheme,
the availability scheme): instances under the vocabulary base, shipped with the ontology and
profile. Validated as data; a partner's data is checked with ours, never with its own copy."""

OWL_IMPORTS: Final = ox.NamedNode(namespaces.OWL + "imports")

_Term = TypeVar("_Term")


@dataclass(frozen=True)
class Publication:
    """Every quad of a publication, each in a named graph, and the file each subject comes from."""

    quads: tuple[ox.Quad, ...]
    files: tuple[Path, ...]
    origins: dict[ox.NamedNode | ox.BlankNode | ox.Triple, Path] = field(hash=False)
    """The file stating the most about each subject (the first on a tie): reports name it."""
    skipped: tuple[tuple[Path, str], ...] = ()
    """Harvested files that could not be read, with the reason: left out, not fatal."""
    digests: tuple[InputDigest, ...] = field(default=(), hash=False, compare=False)
    """The SHA-256 of exactly the bytes parsed from each file, in `files` order."""

    def graph(self, graph_iri: str) -> list[ox.Quad]:
        """Return the quads of one named graph."""
        name = ox.NamedNode(graph_iri)
        return [quad for quad in self.quads if quad.graph_name == name]

    def graphs(self) -> list[str]:
        """Return the IRIs of the named graphs, sorted."""
        names = {quad.graph_name for quad in self.quads}
        return sorted(name.value for name in names if isinstance(name, ox.NamedNode))


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders (recursively, sorted) into RDF files; name a missing or unknown file."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(child for child in path.rglob("*") if child.is_file() and is_rdf_file(child))
            )
        elif path.is_file():
            rdf_format_of(path)
            files.append(path)
        else:
            raise LoadError(path, "no such file or folder")
    return files


def parse_file(
    path: Path, *, default_graph: str | None = None, limits: InputLimits | None = None
) -> list[ox.Quad]:
    """Parse one file (gzipped when it ends in `.gz`) safely (`chava.loading.rdf_input`); triples
    outside a GRAPH block go to *default_graph* (None: the default graph).

    Raises LoadError with the line and column of a syntax error, InputRefusedError for input
    beyond the limits, and RemoteImportError when the file asks for a remote document
    (`owl:imports`, a JSON-LD context chava does not bundle).
    """
    return parse_source(path, default_graph=default_graph, limits=limits)[0]


def parse_source(
    path: Path, *, default_graph: str | None = None, limits: InputLimits | None = None
) -> tuple[list[ox.Quad], InputDigest]:
    """parse_file, and the digest of exactly the bytes parsed (the file is read once)."""
    limits = limits or InputLimits()
    data, digest = read_hashed(path, limits)
    quads = parse_rdf(data, rdf_format_of(path), source=path, limits=limits)
    _refuse_remote_imports(path, quads)
    if default_graph is not None:
        target = ox.NamedNode(default_graph)
        quads = [
            ox.Quad(quad.subject, quad.predicate, quad.object, target)
            if isinstance(quad.graph_name, ox.DefaultGraph)
            else quad
            for quad in quads
        ]
    logger.info("loaded %s (%d quads)", path, len(quads))
    return quads, digest


def load_files(
    paths: Sequence[Path], *, default_graph: str | None = None, limits: InputLimits | None = None
) -> Publication:
    """Read files and folders as one dataset (used for `--data` and partner datasets)."""
    return _assemble(((path, default_graph) for path in collect_files(paths)), limits)


def load_publication(root: Path, *, limits: InputLimits | None = None) -> Publication:
    """Read a publication root: ontology/, data/, shapes/, each into its named graph.

    A harvested file (`data/harvest/`) that cannot be read is skipped with a warning and listed
    in `Publication.skipped`; any other unreadable file raises LoadError.
    """
    missing = [name for name in FOLDER_GRAPHS if not (root / name).is_dir()]
    if missing:
        raise LoadError(root, f"not a publication root: missing folder(s) {', '.join(missing)}")
    imports = root / IMPORTS_FOLDER
    reference = root / REFERENCE_FOLDER

    def sources() -> Iterable[tuple[Path, str]]:
        for folder, graph in FOLDER_GRAPHS.items():
            for path in collect_files([root / folder]):
                if imports in path.parents:
                    yield path, IMPORTS_GRAPH
                elif reference in path.parents:
                    yield path, REFERENCE_GRAPH
                else:
                    yield path, graph

    return _assemble(sources(), limits, optional=root / HARVEST_FOLDER)


def _assemble(
    sources: Iterable[tuple[Path, str | None]],
    limits: InputLimits | None,
    *,
    optional: Path | None = None,
) -> Publication:
    quads: list[ox.Quad] = []
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    digests: list[InputDigest] = []
    statement_counts: Counter[tuple[ox.NamedNode | ox.BlankNode | ox.Triple, Path]] = Counter()
    blank_labels: set[str] = set()
    for path, graph in sources:
        try:
            parsed, digest = parse_source(path, default_graph=graph, limits=limits)
        except LoadError as error:
            if optional is None or optional not in path.parents:
                raise
            logger.warning("SKIPPED harvested file %s: %s", path, error.reason)
            skipped.append((path, error.reason))
            continue
        # One form for SDG IRIs, the UN KOS's http one.
        parsed = sdg.normalise_quads(_separate_blank_nodes(parsed, blank_labels))
        files.append(path)
        digests.append(digest)
        quads.extend(parsed)
        statement_counts.update((quad.subject, path) for quad in parsed)
    # The file saying the most about a subject is where it is defined (not, say, the file
    # adding one inferred fact); most_common keeps first-seen order on a tie.
    origins: dict[ox.NamedNode | ox.BlankNode | ox.Triple, Path] = {}
    for (subject, path), _count in statement_counts.most_common():
        origins.setdefault(subject, path)
    return Publication(tuple(quads), tuple(files), origins, tuple(skipped), tuple(digests))


def _separate_blank_nodes(quads: list[ox.Quad], seen: set[str]) -> list[ox.Quad]:
    """Blank node labels are scoped to their file: rename those an earlier file used."""
    labels = {
        term.value
        for quad in quads
        for term in (quad.subject, quad.object, quad.graph_name)
        if isinstance(term, ox.BlankNode)
    }
    clashes = labels & seen
    seen |= labels
    if not clashes:
        return quads
    fresh = {label: ox.BlankNode() for label in clashes}
    seen |= {node.value for node in fresh.values()}

    def rename(term: _Term) -> _Term:
        if isinstance(term, ox.BlankNode):
            return cast(_Term, fresh.get(term.value, term))
        return term

    return [
        ox.Quad(rename(quad.subject), quad.predicate, rename(quad.object), rename(quad.graph_name))
        for quad in quads
    ]


def _refuse_remote_imports(path: Path, quads: Sequence[ox.Quad]) -> None:
    for quad in quads:
        target = quad.object
        if (
            quad.predicate == OWL_IMPORTS
            and isinstance(target, ox.NamedNode)
            and target.value.startswith(("http://", "https://", "ftp://"))
        ):
            raise RemoteImportError(
                path,
                f"owl:imports <{target.value}> refused: chava never fetches remote "
                "documents; ship the vocabulary as a local file instead",
                line=_line_of(path, target.value),
            )


def _line_of(path: Path, needle: str) -> int | None:
    """Return the first line of *path* containing *needle*, for a precise error."""
    try:
        with path.open(encoding="utf-8", errors="replace") as stream:
            for number, line in enumerate(stream, start=1):
                if needle in line:
                    return number
    except OSError:
        return None
    return None
