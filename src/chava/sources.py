"""Reading RDF sources: which files to read, in which syntax, into which named graph.

This is the only module that knows the publication layout (`ontology/`, `data/`, `shapes/`).
Parsing uses pyoxigraph (fast, positions in errors, never fetches anything); consumers that
need rdflib (SHACL) convert with `chava.validate`.
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
from chava.errors import LoadError, RemoteImportError, UnsupportedFormatError
from chava.hashed_input import HashedInput, InputDigest

logger = logging.getLogger(__name__)

RDF_SUFFIXES: Final[dict[str, ox.RdfFormat]] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
"""File suffixes read as RDF. `.json` is not here: JSON that is not JSON-LD is too common."""

FOLDER_GRAPHS: Final[dict[str, str]] = {
    "ontology": namespaces.ONTOLOGY_GRAPH,
    "data": namespaces.ASSERTED_GRAPH,
    "shapes": namespaces.SHAPES_GRAPH,
}
"""Publication folders and the named graph their triple-only files go to."""

IMPORTS_FOLDER: Final = "ontology/imports"
IMPORTS_GRAPH: Final = namespaces.GRAPH + "imports"
"""Local copies of the reused vocabularies' class hierarchies (ORG, schema.org, ...), needed by
validation (`sh:class` through `rdfs:subClassOf`). Never fetched: shipped as files."""

OWL_IMPORTS: Final = ox.NamedNode(namespaces.OWL + "imports")

_Term = TypeVar("_Term")


@dataclass(frozen=True)
class Publication:
    """Every quad of a publication, each in a named graph, and the file each subject comes from."""

    quads: tuple[ox.Quad, ...]
    files: tuple[Path, ...]
    origins: dict[ox.NamedNode | ox.BlankNode | ox.Triple, Path] = field(hash=False)
    """The file stating the most about each subject (the first on a tie): reports name it."""
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


def rdf_format_of(path: Path) -> ox.RdfFormat:
    """Return the RDF syntax of *path* from its suffix, or raise UnsupportedFormatError."""
    try:
        return RDF_SUFFIXES[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(RDF_SUFFIXES))
        raise UnsupportedFormatError(
            path, f"unknown RDF file type {path.suffix or '(no suffix)'!r}; known: {known}"
        ) from None


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders (recursively, sorted) into RDF files; name a missing or unknown file."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    child
                    for child in path.rglob("*")
                    if child.is_file() and child.suffix.lower() in RDF_SUFFIXES
                )
            )
        elif path.is_file():
            rdf_format_of(path)
            files.append(path)
        else:
            raise LoadError(path, "no such file or folder")
    return files


def parse_file(path: Path, *, default_graph: str | None = None) -> list[ox.Quad]:
    """Parse one file; triples outside a GRAPH block go to *default_graph* (None: the default).

    Raises LoadError with the line and column of a syntax error, and RemoteImportError when
    the file asks for `owl:imports` of a remote document.
    """
    return parse_source(path, default_graph=default_graph)[0]


def parse_source(
    path: Path, *, default_graph: str | None = None
) -> tuple[list[ox.Quad], InputDigest]:
    """parse_file, and the digest of exactly the bytes parsed (the file is read once)."""
    rdf_format = rdf_format_of(path)
    try:
        with HashedInput(path) as source:
            quads = list(ox.parse(source.stream, format=rdf_format))
            digest = source.digest()
    except SyntaxError as error:
        if "LoadDocumentCallback" in str(error.msg):  # pyoxigraph has no loader: never fetches
            raise RemoteImportError(
                path,
                "remote JSON-LD @context refused: chava never fetches remote documents; "
                "put the context inline",
                line=_line_of(path, "@context"),
            ) from error
        raise LoadError(path, _reason(error), line=error.lineno, column=error.offset) from error
    except (OSError, ValueError) as error:
        raise LoadError(path, str(error)) from error
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


def load_files(paths: Sequence[Path], *, default_graph: str | None = None) -> Publication:
    """Read files and folders as one dataset (used for `--data` and partner datasets)."""
    return _assemble((path, default_graph) for path in collect_files(paths))


def load_publication(root: Path) -> Publication:
    """Read a publication root: ontology/, data/, shapes/, each into its named graph."""
    missing = [name for name in FOLDER_GRAPHS if not (root / name).is_dir()]
    if missing:
        raise LoadError(root, f"not a publication root: missing folder(s) {', '.join(missing)}")
    imports = root / IMPORTS_FOLDER

    def sources() -> Iterable[tuple[Path, str]]:
        for folder, graph in FOLDER_GRAPHS.items():
            for path in collect_files([root / folder]):
                in_imports = imports in path.parents
                yield path, IMPORTS_GRAPH if in_imports else graph

    return _assemble(sources())


def _assemble(sources: Iterable[tuple[Path, str | None]]) -> Publication:
    quads: list[ox.Quad] = []
    files: list[Path] = []
    digests: list[InputDigest] = []
    statement_counts: Counter[tuple[ox.NamedNode | ox.BlankNode | ox.Triple, Path]] = Counter()
    blank_labels: set[str] = set()
    for path, graph in sources:
        parsed, digest = parse_source(path, default_graph=graph)
        parsed = _separate_blank_nodes(parsed, blank_labels)
        files.append(path)
        digests.append(digest)
        quads.extend(parsed)
        statement_counts.update((quad.subject, path) for quad in parsed)
    # The file saying the most about a subject is where it is defined (not, say, the file
    # adding one inferred fact); most_common keeps first-seen order on a tie.
    origins: dict[ox.NamedNode | ox.BlankNode | ox.Triple, Path] = {}
    for (subject, path), _count in statement_counts.most_common():
        origins.setdefault(subject, path)
    return Publication(tuple(quads), tuple(files), origins, tuple(digests))


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


def _reason(error: SyntaxError) -> str:
    """pyoxigraph puts the position in the message too; keep only the reason."""
    message = str(error.msg)
    if message.startswith("Parser error") and ": " in message:
        return message.split(": ", 1)[1]
    return message


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
