"""API listings over the build's catalogue index (chava.search): order, filters, ranked search.

`chava build` writes the index (chava.search.build), with each collection's order in every
configured language (the label's French collation key, then the label, then the IRI: stable)
and the values of every filter; a listing page is then a range read, and no web worker builds
anything first. `build_index` builds the same index in memory from a store (tests, tools).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from chava.search.build import build_in_memory
from chava.search.index import CatalogueIndex
from chava.search.text import fold

ListingIndex = CatalogueIndex
"""The index API pages read (chava.search.index)."""

__all__ = ["ListingIndex", "build_index", "fold"]


def build_index(store: ox.Store, languages: Sequence[str]) -> CatalogueIndex:
    """The catalogue index of every graph of *store*, in memory."""
    return CatalogueIndex.in_memory(build_in_memory(store, languages=languages))
