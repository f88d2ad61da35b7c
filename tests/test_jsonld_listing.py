"""The listing index: accent- and case-blind keys, French order, ranked matches, filters."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from chava.jsonld.listing import build_index, fold
from chava.search.index import EXACT, LABEL, TEXT
from chava.search.text import query_words


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Mémoire", "memoire"),
        ("« Discriminations et toi ? »", "discriminations et toi"),
        ("Aide-mémoire", "aide memoire"),
        ("ÉCOLE  Œuvre", "ecole oeuvre"),
        ("Straße", "strasse"),
    ],
)
def test_fold_strips_accents_case_and_punctuation(text: str, key: str) -> None:
    assert fold(text) == key


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    turtle = """
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix ex: <http://example.org/> .
    @prefix lc: <https://w3id.org/learning-city/def/core#> .
    ex:a a lc:Theme ; skos:prefLabel "Mémoire"@fr, "Memory"@en .
    ex:b a lc:Theme ; skos:prefLabel "Mémoires vives"@fr .
    ex:c a lc:Theme ; skos:prefLabel "Aide-mémoire"@fr .
    ex:d a lc:Theme ; skos:prefLabel "Commémoration"@fr .
    ex:e a lc:Theme ; skos:prefLabel "Zoo"@fr ; skos:definition "Un lieu de mémoire."@fr .
    ex:f a lc:Theme ; skos:prefLabel "Ecole"@fr .
    ex:g a lc:Theme ; skos:prefLabel "École"@fr .
    ex:h a lc:Theme ; skos:prefLabel "Eau"@fr .
    """
    store.load(turtle, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://example.org/g"))
    return store


def test_french_order_sorts_accents_as_base_letters(store: ox.Store) -> None:
    index = build_index(store, ("fr", "en"))
    total, order = index.listing("themes", "fr", {}, offset=0, limit=100)
    assert total == 8
    ex = "http://example.org/"
    assert order[0] == ex + "c"  # Aide-mémoire
    assert (
        order.index(ex + "h")
        < order.index(ex + "f")
        < order.index(ex + "g")
        < order.index(ex + "a")
    )


def test_listing_pages_are_ranges_of_the_order(store: ox.Store) -> None:
    index = build_index(store, ("fr", "en"))
    _total, every = index.listing("themes", "fr", {}, offset=0, limit=100)
    total, page = index.listing("themes", "fr", {}, offset=2, limit=3)
    assert total == 8
    assert page == every[2:5]


def test_search_ranks_exact_then_labels_then_descriptions(store: ox.Store) -> None:
    index = build_index(store, ("fr", "en"))
    ex = "http://example.org/"
    answer = index.search(query_words("MEMOIRE"), query="MEMOIRE", language="fr")
    ranked = [(hit.iri, hit.rank) for hit in answer.hits]
    # Exact label first; then labels holding the word (shortest first); then descriptions.
    assert ranked == [(ex + "a", EXACT), (ex + "c", LABEL), (ex + "b", LABEL), (ex + "e", TEXT)]
    assert answer.total == 4
    assert [hit.iri for hit in index.search(["memory"], query="memory", language="fr").hits] == [
        ex + "a"
    ]
    # A word is a prefix, never a substring: "memoration" is inside "Commémoration" only.
    assert index.search(["memoration"], query="memoration", language="fr").total == 0
    assert index.search([], query="   ", language="fr").total == 0
