"""The IRIs a publication names itself with: its dataset and its named graphs, under its own base.

Every graph of a publication is `{data}graph/NAME` and its dataset `{data}id/dataset/NAME`, from
the `data_base_iri` and `dataset_name` settings: a city's publication never speaks in the bundled
publication's namespace. The file loader (`chava.loading.sources`) reads the folders into fixed
graph names; `rename_loaded_graphs` moves them under the publication's base when it is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.config import Settings
from chava.loading.sources import FOLDER_GRAPHS, IMPORTS_GRAPH, REFERENCE_GRAPH

GRAPH_NAMES: Final = (
    "asserted",
    "inferred",
    "links",
    "ontology",
    "shapes",
    "imports",
    "reference",
    "metadata",
    "queries",
    "contributed",
)
"""The graphs a publication may hold besides harvested ones (`partner/...`, `quarantine/...`)."""

_PREFIX_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_BUNDLED_PREFIX: Final = "chava"
"""The prefix `chava.namespaces` gives the bundled publication's things."""

VOCABULARY_GRAPH_NAMES: Final = ("ontology", "shapes", "imports")
"""Graphs describing the shared vocabulary, not the city's data."""

_LOADED: Final = {
    FOLDER_GRAPHS["ontology"]: "ontology",
    FOLDER_GRAPHS["data"]: "asserted",
    FOLDER_GRAPHS["shapes"]: "shapes",
    IMPORTS_GRAPH: "imports",
    REFERENCE_GRAPH: "reference",
}
"""The loader's graph for each folder, and the name it has in a built publication."""


@dataclass(frozen=True)
class PublicationIris:
    """The dataset and graph IRIs of one publication."""

    data_base: str
    dataset_name: str

    @property
    def dataset(self) -> str:
        """The dataset's IRI, subject of its VoID/DCAT description."""
        return f"{self.data_base}id/dataset/{self.dataset_name}"

    @property
    def graph_base(self) -> str:
        """The namespace of the publication's named graphs."""
        return self.data_base + "graph/"

    def graph(self, name: str) -> str:
        """The IRI of the graph *name* (`asserted`, `links`, `partner/x`...)."""
        return self.graph_base + name

    @property
    def asserted(self) -> str:
        """What the sources state (the `data/` files outside any GRAPH block)."""
        return self.graph("asserted")

    @property
    def inferred(self) -> str:
        """What the editors inferred, kept apart and marked so."""
        return self.graph("inferred")

    @property
    def ontology(self) -> str:
        """The shared vocabulary's copy."""
        return self.graph("ontology")

    @property
    def shapes(self) -> str:
        """The shared SHACL profile's copy."""
        return self.graph("shapes")

    @property
    def metadata(self) -> str:
        """The dataset's description (stated in the data, completed at build)."""
        return self.graph("metadata")

    @property
    def queries(self) -> str:
        """The example query catalogue."""
        return self.graph("queries")

    @property
    def vocabulary_graphs(self) -> tuple[str, ...]:
        """Graphs describing the vocabulary, not the data: their types are not counted."""
        return tuple(self.graph(name) for name in VOCABULARY_GRAPH_NAMES)

    @property
    def things_prefix(self) -> str:
        """The prefix of the publication's things: its dataset name when it can be one."""
        name = self.dataset_name
        fits = _PREFIX_NAME.fullmatch(name) and name not in namespaces.PREFIXES
        return name if fits or name == _BUNDLED_PREFIX else "id"

    @property
    def prefixes(self) -> dict[str, str]:
        """Prefixes for writing RDF and queries: the reused vocabularies', then this
        publication's things and graphs (never another publication's)."""
        standard = {
            prefix: namespace
            for prefix, namespace in namespaces.PREFIXES.items()
            if prefix not in (_BUNDLED_PREFIX, "graph")
        }
        return {**standard, self.things_prefix: self.data_base + "id/", "graph": self.graph_base}


def publication_iris(settings: Settings) -> PublicationIris:
    """The dataset and graph IRIs of the publication *settings* describe."""
    return PublicationIris(settings.data_base_iri, settings.dataset_name)


def rename_loaded_graphs(quads: Iterable[ox.Quad], iris: PublicationIris) -> list[ox.Quad]:
    """Move the loader's folder graphs under the publication's own base (others stay put)."""
    targets = {
        ox.NamedNode(loaded): ox.NamedNode(iris.graph(name)) for loaded, name in _LOADED.items()
    }
    if all(source == target for source, target in targets.items()):
        return list(quads)
    renamed = []
    for quad in quads:
        graph = quad.graph_name
        target = targets.get(graph) if isinstance(graph, ox.NamedNode) else None
        renamed.append(
            quad if target is None else ox.Quad(quad.subject, quad.predicate, quad.object, target)
        )
    return renamed
