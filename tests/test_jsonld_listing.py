"""The listing index: accent- and case-blind keys, French order, ranked matches."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from chava.jsonld.listing import DESCRIPTION, EXACT, INSIDE, PREFIX, WORD, build_index, fold


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
    order = index.ordered("themes", "fr")
    names = [index.items[iri].labels["fr"] for iri in order]
    assert names.index("Eau") < names.index("Ecole") < names.index("École") < names.index("Mémoire")
    assert names[0] == "Aide-mémoire"


def test_search_ranks_exact_prefix_word_inside_then_description(store: ox.Store) -> None:
    index = build_index(store, ("fr", "en"))
    ex = "http://example.org/"
    assert [index.rank(ex + s, "memoire") for s in "abcde"] == [
        EXACT,
        PREFIX,
        WORD,
        None,
        DESCRIPTION,
    ]
    assert index.rank(ex + "d", "memoration") == INSIDE
    found = index.select("themes", "fr", {}, "MEMOIRE")
    assert found == [ex + "a", ex + "b", ex + "c", ex + "e"]
    assert index.select("themes", "fr", {}, "memory") == [ex + "a"]
    assert index.select("themes", "fr", {}, "   ") == []
