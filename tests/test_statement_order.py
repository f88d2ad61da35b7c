"""The canonical statement order: the same document from any store, and its fast path."""

from __future__ import annotations

import random

import pyoxigraph as ox

from chava.stores.statement_order import canonical_order, order_with_blank_nodes

EX = "http://example.org/"


def _tricky_quads() -> list[ox.Quad]:
    """Terms whose texts are prefixes of each other, literals with spaces, tabs, languages and
    datatypes, the default graph beside named ones: where a text key could go wrong."""
    subjects = [ox.NamedNode(EX + name) for name in ("a", "a/b", "a b".replace(" ", "%20"), "ab")]
    predicates = [ox.NamedNode(EX + name) for name in ("p", "p2", "p/q")]
    objects: list[ox.NamedNode | ox.Literal] = [
        ox.Literal("a"),
        ox.Literal("a b"),
        ox.Literal("a\tb"),
        ox.Literal("a", language="en"),
        ox.Literal("a", language="en-gb"),
        ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal("é"),
        ox.Literal('quote " inside'),
        ox.NamedNode(EX + "a"),
        ox.NamedNode(EX + "a/"),
    ]
    graphs: list[ox.NamedNode | ox.DefaultGraph] = [
        ox.DefaultGraph(),
        ox.NamedNode(EX + "g"),
        ox.NamedNode(EX + "g/1"),
    ]
    return [
        ox.Quad(subject, predicate, object_, graph)
        for subject in subjects
        for predicate in predicates
        for object_ in objects
        for graph in graphs
    ]


def test_the_fast_path_orders_as_the_full_key_does() -> None:
    quads = _tricky_quads()
    for seed in range(5):
        shuffled = quads[:]
        random.Random(seed).shuffle(shuffled)
        assert canonical_order(shuffled) == order_with_blank_nodes(shuffled)


def test_the_order_does_not_depend_on_the_order_read() -> None:
    blank = ox.BlankNode()
    quads = [
        *_tricky_quads()[:40],
        ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), blank, ox.DefaultGraph()),
        ox.Quad(blank, ox.NamedNode(EX + "p"), ox.Literal("x"), ox.DefaultGraph()),
    ]
    orders = set()
    for seed in range(5):
        shuffled = quads[:]
        random.Random(seed).shuffle(shuffled)
        orders.add(tuple(str(quad) for quad in canonical_order(shuffled)))
    assert len(orders) == 1
    listed = next(iter(orders))
    assert listed[-1].startswith("_:")  # blank subjects after named ones
