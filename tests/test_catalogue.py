"""Counts per class and pages of instances, over the data graphs only.

Each is read from the catalogue index when one is given (and left out the same vocabulary
graphs), else asked of the store: the tests run both ways and compare them on the bundled build.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest

from chava import catalogue
from chava.building.builds import Build
from chava.config import Settings
from chava.errors import BadRequestError
from chava.publication_iris import publication_iris
from chava.search.build import build_in_memory, write_index
from chava.search.index import CatalogueIndex
from chava.stores.store import PublishedStore
from chava.web.served_build import open_index
from tests.pages_support import ID, LC, memory_store


@pytest.fixture
def store(tmp_path: Path) -> PublishedStore:
    return memory_store(tmp_path)


@pytest.fixture(params=["store", "index"])
def index(request: pytest.FixtureRequest, store: PublishedStore) -> CatalogueIndex | None:
    """None (the store answers), or the store's catalogue index."""
    if request.param == "store":
        return None
    return _index_of(store, catalogue.VOCABULARY_GRAPHS)


def _index_of(store: PublishedStore, vocabulary_graphs: tuple[str, ...]) -> CatalogueIndex:
    connection = build_in_memory(
        store.oxigraph, languages=("fr", "en"), vocabulary_graphs=vocabulary_graphs
    )
    return CatalogueIndex.in_memory(connection)


class _Unasked:
    """A store whose queries fail the test: what the index answers never reaches it."""

    def query(self, sparql: str) -> object:
        raise AssertionError(f"the store was asked: {sparql}")


def test_class_counts_skip_vocabulary_graphs(
    store: PublishedStore, index: CatalogueIndex | None
) -> None:
    counts = {count.iri: count.count for count in catalogue.class_counts(store, index=index)}
    assert counts[LC + "Theme"] == 3
    assert counts[LC + "Tool"] == 1
    assert counts["http://schema.org/ContactPoint"] == 1  # a blank node counts
    # owl:Class and sh:NodeShape are typed in the ontology and shapes graphs only.
    assert "http://www.w3.org/2002/07/owl#Class" not in counts
    assert "http://www.w3.org/ns/shacl#NodeShape" not in counts
    ordered = [count.count for count in catalogue.class_counts(store, index=index)]
    assert ordered == sorted(ordered, reverse=True)


@pytest.mark.parametrize(
    ("page", "expected"),
    [(1, (ID + "theme/a", ID + "theme/b")), (2, (ID + "theme/c",))],
)
def test_instance_pages_are_sorted_by_iri(
    store: PublishedStore, index: CatalogueIndex | None, page: int, expected: tuple[str, ...]
) -> None:
    result = catalogue.instance_page(store, LC + "Theme", page=page, page_size=2, index=index)
    assert result.instances == expected
    assert (result.named_total, result.anonymous, result.last_page) == (3, 0, 2)


@pytest.mark.parametrize(
    ("within", "expected"),
    [(ID + "theme/", 3), (ID + "theme/b", 1), ("https://example.org/", 0)],
)
def test_instances_within_a_prefix(
    store: PublishedStore, index: CatalogueIndex | None, within: str, expected: int
) -> None:
    result = catalogue.instance_page(
        store, LC + "Theme", page=1, page_size=2, within=within, index=index
    )
    assert (result.named_total, result.anonymous) == (expected, 0)
    assert (
        result.instances
        == tuple(
            sorted(
                iri
                for iri in (ID + "theme/a", ID + "theme/b", ID + "theme/c")
                if iri.startswith(within)
            )
        )[:2]
    )


def test_blank_node_instances_are_counted_not_listed(
    store: PublishedStore, index: CatalogueIndex | None
) -> None:
    contact_point = "http://schema.org/ContactPoint"
    result = catalogue.instance_page(store, contact_point, page=1, page_size=5, index=index)
    assert (result.instances, result.named_total, result.anonymous) == ((), 0, 1)


@pytest.mark.parametrize("page", [0, -1, 3])
def test_pages_out_of_range_are_bad_requests(
    store: PublishedStore, index: CatalogueIndex | None, page: int
) -> None:
    with pytest.raises(BadRequestError):
        catalogue.instance_page(store, LC + "Theme", page=page, page_size=2, index=index)


def test_an_invalid_iri_is_a_bad_request_not_a_query(store: PublishedStore) -> None:
    with pytest.raises(BadRequestError, match="not a valid IRI"):
        catalogue.instance_page(store, "http://x/> } DROP ALL", page=1, page_size=2)
    assert not catalogue.is_known(store, "http://x/> }")


def test_is_known_for_subjects_and_objects(store: PublishedStore) -> None:
    assert catalogue.is_known(store, LC + "Theme")
    assert catalogue.is_known(store, "http://www.wikidata.org/entity/Q1")  # only an object
    assert not catalogue.is_known(store, "https://example.org/nothing")


def test_an_indexed_class_page_never_asks_the_store(store: PublishedStore) -> None:
    index = _index_of(store, catalogue.VOCABULARY_GRAPHS)
    unasked = _Unasked()
    page = catalogue.instance_page(unasked, LC + "Theme", page=2, page_size=2, index=index)  # type: ignore[arg-type]
    assert (page.instances, page.named_total) == ((ID + "theme/c",), 3)
    counts = catalogue.class_counts(unasked, index=index)  # type: ignore[arg-type]
    assert {count.iri: count.count for count in counts}[LC + "Theme"] == 3
    nothing = catalogue.instance_page(unasked, LC + "Nothing", page=1, page_size=2, index=index)  # type: ignore[arg-type]
    assert (nothing.instances, nothing.named_total, nothing.anonymous) == ((), 0, 0)


def test_an_index_leaving_out_other_graphs_is_not_used_for_classes(store: PublishedStore) -> None:
    """An index written with other vocabulary graphs would count other types: the store answers
    (a publication whose settings changed since its build)."""
    index = _index_of(store, ())
    assert index.classes(catalogue.VOCABULARY_GRAPHS) is None
    counts = {count.iri: count.count for count in catalogue.class_counts(store, index=index)}
    assert "http://www.w3.org/2002/07/owl#Class" not in counts
    with pytest.raises(AssertionError, match="the store was asked"):
        catalogue.instance_page(_Unasked(), LC + "Theme", page=1, page_size=2, index=index)  # type: ignore[arg-type]


def test_the_bundled_builds_index_pages_every_class_as_the_store_does(
    bundled_build: tuple[Settings, Build],
) -> None:
    settings, build = bundled_build
    store = PublishedStore(build)
    index = CatalogueIndex.open(build.index_path)
    graphs = publication_iris(settings).vocabulary_graphs
    from_store = catalogue.class_counts(store, vocabulary_graphs=graphs)
    assert catalogue.class_counts(store, vocabulary_graphs=graphs, index=index) == from_store
    assert len(from_store) > 20
    for count in from_store:
        page, size = 1, 7
        while True:
            expected = catalogue.instance_page(
                store, count.iri, page=page, page_size=size, vocabulary_graphs=graphs
            )
            indexed = catalogue.instance_page(
                store, count.iri, page=page, page_size=size, vocabulary_graphs=graphs, index=index
            )
            assert indexed == expected, (count.iri, page)
            if page == expected.last_page:
                break
            page += 1
        own = {
            source: catalogue.instance_page(
                store,
                count.iri,
                page=1,
                page_size=3,
                vocabulary_graphs=graphs,
                within=settings.data_base_iri,
                index=source,
            )
            for source in (None, index)
        }
        assert own[index] == own[None], count.iri
    blank = [
        c.iri
        for c in from_store
        if catalogue.instance_page(
            store, c.iri, page=1, page_size=1, vocabulary_graphs=graphs, index=index
        ).anonymous
    ]
    assert blank, "the bundled data types blank nodes too (contact points)"
    assert ox.NamedNode(from_store[0].iri)


def test_an_index_that_cannot_be_written_is_an_os_error(
    store: PublishedStore, tmp_path: Path
) -> None:
    """The build reports it in one line, as any write that failed (a full disk)."""
    with pytest.raises(OSError, match=r"index\.sqlite"):
        write_index(tmp_path / "missing" / "index.sqlite", store.oxigraph, languages=("fr",))


def test_a_build_without_its_index_file_gets_the_same_class_table_in_memory(
    bundled_build: tuple[Settings, Build], caplog: pytest.LogCaptureFixture
) -> None:
    """A build written by an older chava is served with an index built from its store: its
    class table holds the build's own description too, as the file `chava build` writes."""
    settings, build = bundled_build
    older = dataclasses.replace(build, manifest={**build.manifest, "build_files": {}})
    in_memory = open_index(older, PublishedStore(build), settings)
    assert "building one in memory" in caplog.text
    graphs = publication_iris(settings).vocabulary_graphs
    written = CatalogueIndex.open(build.index_path).classes(graphs)
    assert written is not None
    assert in_memory.classes(graphs) == written
    assert any(iri.startswith("http://rdfs.org/ns/void#") for iri, _named, _other in written)
