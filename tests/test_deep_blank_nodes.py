"""A resource with blank nodes nested thousands deep: every representation answers, correctly.

Such a chain is flat N-Triples (no nesting in the file, so no input limit applies); the
JSON-LD writers used to recurse once per level and answered 500 (RecursionError) at about
1,000 levels.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from chava import namespaces
from chava.building.build import build_dataset
from chava.building.builds import Build
from chava.config import Settings
from chava.jsonld.compact import MAX_EMBED_DEPTH, compact_jsonld
from chava.jsonld.context import load_context
from chava.jsonld.frame import Framer, parse_frame
from chava.loading.rdf_input import InputLimits, parse_rdf

DEPTH = 3000
TOOL = namespaces.ID + "tool/deep"
SEE_ALSO = namespaces.RDFS + "seeAlso"
LABEL = namespaces.RDFS + "label"


def chain() -> bytes:
    lines = [
        f"<{TOOL}> <{namespaces.RDF}type> <{namespaces.LC}PedagogicalTool> .",
        f'<{TOOL}> <{LABEL}> "Deep"@en .',
        f"<{TOOL}> <{SEE_ALSO}> _:b0 .",
    ]
    lines += [f"_:b{n} <{SEE_ALSO}> _:b{n + 1} ." for n in range(DEPTH - 1)]
    lines.append(f'_:b{DEPTH - 1} <{LABEL}> "bottom" .')
    return ("\n".join(lines) + "\n").encode()


def nesting(value: object) -> int:
    """The JSON nesting depth of *value*, measured without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        deepest = max(deepest, level)
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        pending.extend((child, level + 1) for child in children)
    return deepest


def expanded(document: bytes) -> list[ox.Triple]:
    """The triples of a JSON-LD document (our context is bundled)."""
    quads = parse_rdf(
        document, ox.RdfFormat.JSON_LD, source="doc", limits=InputLimits(max_depth=1000)
    )
    return [quad.triple for quad in quads]


def shape(triples: list[ox.Triple]) -> tuple[int, int, str]:
    """Triples in all, blank nodes on the seeAlso path from the tool, the label at its end
    (graph isomorphism for a chain, without canonicalising thousands of blank nodes)."""
    by_subject: dict[object, list[ox.Triple]] = {}
    for triple in set(triples):
        by_subject.setdefault(triple.subject, []).append(triple)
    steps, label = 0, ""
    node: object = ox.NamedNode(TOOL)
    seen: set[object] = set()
    while node not in seen:
        seen.add(node)
        following = [t.object for t in by_subject.get(node, ()) if t.predicate.value == SEE_ALSO]
        labels = [str(t.object) for t in by_subject.get(node, ()) if t.predicate.value == LABEL]
        if not following:
            label = labels[0]
            break
        (node,) = following
        steps += 1
    return len(set(triples)), steps, label


CHAIN = (DEPTH + 3, DEPTH, '"bottom"')


def test_compaction_cuts_the_chain_and_keeps_every_triple() -> None:
    triples = [quad.triple for quad in ox.parse(chain(), format=ox.RdfFormat.N_TRIPLES)]
    document = compact_jsonld(triples, context_url="http://localhost/context.jsonld", root=TOOL)
    assert nesting(document) <= 2 * MAX_EMBED_DEPTH + 8
    text = json.dumps(document).encode()
    assert shape(expanded(text)) == CHAIN


def test_framing_stops_embedding_at_the_cap() -> None:
    store = ox.Store()
    store.load(chain(), format=ox.RdfFormat.N_TRIPLES)
    context = load_context()
    frame = parse_frame("any", {"@type": ["lc:PedagogicalTool"]}, context, b"{}")
    node = Framer(store).frame_node(ox.NamedNode(TOOL), frame)
    assert nesting(node) <= 2 * MAX_EMBED_DEPTH + 8
    json.dumps(node)  # within the JSON encoder's limits


@pytest.fixture(scope="module")
def app_build(
    tmp_path_factory: pytest.TempPathFactory, project_root: Path
) -> tuple[Settings, Build]:
    """A dataset of one resource with a very deep chain of blank nodes."""
    folder = tmp_path_factory.mktemp("deep")
    data = folder / "deep.nt"
    data.write_bytes(chain())
    settings = Settings.load(root=project_root, environ={}, overrides={"build_dir": folder / "b"})
    return settings, build_dataset(settings, [data], validate=False)


@pytest.mark.parametrize(
    "accept", ["application/ld+json", "text/turtle", "application/n-triples", "text/html"]
)
def test_every_representation_of_the_resource_answers(client: FlaskClient, accept: str) -> None:
    reply = client.get("/id/tool/deep", headers={"Accept": accept})
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    if accept == "application/ld+json":
        assert shape(expanded(reply.data)) == CHAIN
