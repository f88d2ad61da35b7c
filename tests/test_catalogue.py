"""Counts per class and pages of instances, over the data graphs only."""

from __future__ import annotations

from pathlib import Path

import pytest

from chava import catalogue
from chava.errors import BadRequestError
from chava.stores.store import PublishedStore
from tests.pages_support import ID, LC, memory_store


@pytest.fixture
def store(tmp_path: Path) -> PublishedStore:
    return memory_store(tmp_path)


def test_class_counts_skip_vocabulary_graphs(store: PublishedStore) -> None:
    counts = {count.iri: count.count for count in catalogue.class_counts(store)}
    assert counts[LC + "Theme"] == 3
    assert counts[LC + "Tool"] == 1
    assert counts["http://schema.org/ContactPoint"] == 1  # a blank node counts
    # owl:Class and sh:NodeShape are typed in the ontology and shapes graphs only.
    assert "http://www.w3.org/2002/07/owl#Class" not in counts
    assert "http://www.w3.org/ns/shacl#NodeShape" not in counts
    ordered = [count.count for count in catalogue.class_counts(store)]
    assert ordered == sorted(ordered, reverse=True)


@pytest.mark.parametrize(
    ("page", "expected"),
    [(1, (ID + "theme/a", ID + "theme/b")), (2, (ID + "theme/c",))],
)
def test_instance_pages_are_sorted_by_iri(
    store: PublishedStore, page: int, expected: tuple[str, ...]
) -> None:
    result = catalogue.instance_page(store, LC + "Theme", page=page, page_size=2)
    assert result.instances == expected
    assert (result.named_total, result.anonymous, result.last_page) == (3, 0, 2)


def test_blank_node_instances_are_counted_not_listed(store: PublishedStore) -> None:
    result = catalogue.instance_page(store, "http://schema.org/ContactPoint", page=1, page_size=5)
    assert (result.instances, result.named_total, result.anonymous) == ((), 0, 1)


@pytest.mark.parametrize("page", [0, -1, 3])
def test_pages_out_of_range_are_bad_requests(store: PublishedStore, page: int) -> None:
    with pytest.raises(BadRequestError):
        catalogue.instance_page(store, LC + "Theme", page=page, page_size=2)


def test_an_invalid_iri_is_a_bad_request_not_a_query(store: PublishedStore) -> None:
    with pytest.raises(BadRequestError, match="not a valid IRI"):
        catalogue.instance_page(store, "http://x/> } DROP ALL", page=1, page_size=2)
    assert not catalogue.is_known(store, "http://x/> }")


def test_is_known_for_subjects_and_objects(store: PublishedStore) -> None:
    assert catalogue.is_known(store, LC + "Theme")
    assert catalogue.is_known(store, "http://www.wikidata.org/entity/Q1")  # only an object
    assert not catalogue.is_known(store, "https://example.org/nothing")
