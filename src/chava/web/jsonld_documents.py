"""The published JSON-LD contract: the context (current and versioned), frames and schemas."""

from __future__ import annotations

import json

from flask import Blueprint, Flask, Response

from chava.errors import ResourceNotFoundError
from chava.jsonld.context import CURRENT_VERSION, VERSIONS, load_context
from chava.jsonld.frame import load_frames
from chava.jsonld.profiles import frame_path, schema_path
from chava.jsonld.schemas import load_schemas
from chava.web import response_rules as rules
from chava.web import state
from chava.web.jsonld_http import json_response

IMMUTABLE_AGE = 365 * 24 * 3600
SCHEMA_TYPE = "application/schema+json; charset=utf-8"

blueprint = Blueprint("jsonld_documents", __name__)


def init_app(app: Flask) -> None:
    """Register the context, frame and schema routes."""
    app.register_blueprint(blueprint)


@blueprint.get("/context.jsonld")
def current_context() -> Response:
    """The current context: may gain terms in a later version, so it is revalidated."""
    context = load_context(CURRENT_VERSION)
    return json_response(
        context.raw,
        etag_key=context.etag,
        max_age=state.settings().cache_max_age,
        links=(rules.Link(f"/context/{CURRENT_VERSION}.jsonld", "canonical"),),
    )


@blueprint.get("/context/<version>.jsonld")
def versioned_context(version: str) -> Response:
    """A released context version: never changes, cached for a year."""
    if version not in VERSIONS:
        raise ResourceNotFoundError(f"no context version {version!r}; versions: {VERSIONS}")
    context = load_context(version)
    return json_response(context.raw, etag_key=context.etag, max_age=IMMUTABLE_AGE, immutable=True)


@blueprint.get("/frames/")
def frame_index() -> Response:
    """The list of profiles: name, frame URL and schema URL."""
    profiles = [
        {"name": name, "frame": frame_path(name), "schema": schema_path(name)}
        for name in sorted(load_frames())
    ]
    body = json.dumps({"profiles": profiles}, indent=2).encode("utf-8")
    return json_response(
        body,
        etag_key=body.decode(),
        max_age=state.settings().cache_max_age,
        content_type="application/json; charset=utf-8",
    )


@blueprint.get("/frames/<name>.json")
def frame_document(name: str) -> Response:
    """A frame: the profile URL clients put in `Accept: application/ld+json; profile=...`."""
    frame = load_frames().get(name)
    if frame is None:
        raise ResourceNotFoundError(
            f"no frame {name!r}; frames: {', '.join(sorted(load_frames()))}"
        )
    return json_response(
        frame.raw, etag_key=frame.raw.decode("utf-8"), max_age=state.settings().cache_max_age
    )


@blueprint.get("/frames/<name>.schema.json")
def frame_schema(name: str) -> Response:
    """The JSON Schema of the documents a profile produces."""
    schemas = load_schemas()
    if name not in schemas:
        raise ResourceNotFoundError(f"no schema {name!r}")
    return json_response(
        schemas[name],
        etag_key=schemas[name].decode("utf-8"),
        max_age=state.settings().cache_max_age,
        content_type=SCHEMA_TYPE,
    )
