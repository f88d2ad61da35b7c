"""JSON Schemas of the framed documents, derived from each frame and the context, and shipped.

The shipped files (`schemas/<name>.json`) are what clients read; a test checks they equal what
`frame_schema` derives, so a frame and its schema never drift apart.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from chava.jsonld.context import ID_COERCION, LANGUAGE_MAP, SET, Context, load_context
from chava.jsonld.frame import NEVER, Frame, NodeFrame, load_frames

DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"
TEXT: Final = {"type": "string"}
TEXTS: Final = {"anyOf": [TEXT, {"type": "array", "items": TEXT, "minItems": 2}]}
LANGUAGE_TAG: Final = {"pattern": "^([A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*|@none)$"}
REFERENCE: Final = {"type": "string", "description": "an IRI, or _: and a blank node label"}
FALLBACK: Final = {"$ref": "#/$defs/fallback"}
DEFS: Final = {
    "fallback": {
        "description": "values no term of the context fits: strings, value or node objects",
        "anyOf": [
            TEXT,
            {"type": "object"},
            {"type": "array", "items": {"anyOf": [TEXT, {"type": "object"}]}},
        ],
    }
}


def frame_schema(frame: Frame, context: Context | None = None) -> dict[str, Any]:
    """Derive the JSON Schema of a document framed with *frame* (and of an API page of them)."""
    context = context or load_context()
    node = _node_schema(frame.root, context)
    node["properties"] = {"@context": {"type": "string"}, **node["properties"]}
    page = {
        "type": "object",
        "required": ["@context", "id", "type", "totalItems", "items", "view"],
        "properties": {
            "@context": {"type": "string"},
            "id": TEXT,
            "type": {"const": ["hydra:Collection"]},
            "totalItems": {"type": "integer", "minimum": 0},
            "items": {"type": "array", "items": {"$ref": "#/$defs/node"}},
            "view": {
                "type": "object",
                "required": ["id", "type"],
                "properties": {
                    "id": TEXT,
                    "type": {"const": ["hydra:PartialCollectionView"]},
                    "first": TEXT,
                    "next": TEXT,
                    "previous": TEXT,
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }
    return {
        "$schema": DRAFT,
        "$id": f"/frames/{frame.name}.schema.json",
        "title": f"chava JSON-LD profile {frame.name!r}",
        "description": f"A resource framed with /frames/{frame.name}.json; $defs/page is an "
        f"API page of such resources.",
        "$ref": "#/$defs/node",
        "required": ["@context", "id", "type"],
        "$defs": {**DEFS, "node": node, "page": page},
    }


def _node_schema(frame: NodeFrame, context: Context) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": TEXT,
        "type": {"type": "array", "items": TEXT},
    }
    for iri, subframe in sorted(frame.properties.items()):
        for term in sorted(context.terms.values(), key=lambda t: t.name):
            if term.iri != iri:
                continue
            if term.container == LANGUAGE_MAP:
                schema: dict[str, Any] = {
                    "type": "object",
                    "propertyNames": LANGUAGE_TAG,
                    "additionalProperties": TEXTS,
                }
            elif term.coercion == ID_COERCION:
                item: dict[str, Any] = REFERENCE
                if subframe.embed != NEVER:
                    item = {"anyOf": [REFERENCE, _node_schema(subframe, context)]}
                if term.container == SET:
                    schema = {"type": "array", "items": item}
                else:
                    schema = {"anyOf": [item, {"type": "array", "items": item, "minItems": 2}]}
            else:
                schema = TEXTS
            properties[term.name] = schema
        properties.setdefault(context.compact_iri(iri), FALLBACK)
    if not frame.explicit:
        return {"type": "object", "required": ["id"], "properties": properties}
    return {
        "type": "object",
        "required": ["id"],
        "properties": properties,
        "additionalProperties": False,
    }


@cache
def load_schemas() -> dict[str, bytes]:
    """The shipped schema files, by profile name."""
    folder = resources.files("chava.jsonld") / "schemas"
    return {name: (folder / f"{name}.json").read_bytes() for name in load_frames()}


def write_schemas(folder: Path) -> None:
    """Write the schema of every frame into *folder* (run when a frame changes)."""
    for name, frame in load_frames().items():
        text = json.dumps(frame_schema(frame), indent=2, ensure_ascii=False) + "\n"
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
