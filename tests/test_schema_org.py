"""The schema.org block: schema.org terms only, no inferred facts, safe inside <script>."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from chava.building.builds import Build
from chava.describe import describe_resource
from chava.stores.store import PublishedStore
from chava.web.schema_org import schema_org, script_json
from tests.pages_support import EVIL, ID, memory_store

LANGUAGES = ("fr", "en")


@pytest.mark.parametrize(
    "text",
    [
        "</script><script>alert(1)</script>",
        "<!-- comment",
        "a & b",
        "<![CDATA[x]]>",
        "line\u2028separator\u2029",
    ],
)
def test_script_json_escapes_what_could_end_the_element(text: str) -> None:
    serialised = script_json({"name": text})
    assert not set("<>&\u2028\u2029") & set(serialised)
    assert json.loads(serialised) == {"name": text}


@pytest.fixture
def store(tmp_path: Path) -> PublishedStore:
    return memory_store(tmp_path)


def test_resource_in_schema_org_terms_in_the_page_language(store: PublishedStore) -> None:
    english = schema_org(describe_resource(store, EVIL), language="en", languages=LANGUAGES)
    assert english["@type"] == "CreativeWork"
    assert english["name"] == "Outil </script>"  # schema:name exists only in French
    assert english["url"] == EVIL  # the javascript: and data: URLs of the data are dropped
    assert "about" not in english  # lc:about is not a schema.org term


def test_inferred_statements_stay_out(tmp_path: Path) -> None:
    store = ox.Store()
    subject, name = ox.NamedNode(ID + "place/x"), ox.NamedNode("http://schema.org/name")
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    asserted = ox.NamedNode("https://w3id.org/chava/graph/asserted")
    inferred = ox.NamedNode("https://w3id.org/chava/graph/inferred")
    store.add(ox.Quad(subject, name, ox.Literal("X", language="fr"), asserted))
    store.add(ox.Quad(subject, kind, ox.NamedNode("http://schema.org/City"), inferred))
    published = PublishedStore(Build(tmp_path, "x", datetime.now(UTC)), store=store)
    data = schema_org(
        describe_resource(published, subject.value), language="fr", languages=LANGUAGES
    )
    assert data["@type"] == "Thing"  # schema:City is only inferred
    assert data["name"] == "X"
