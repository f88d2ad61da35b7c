"""Profiles: the frame a client picks with `Accept: ...; profile="<frame URL>"` or `?profile=`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

import pyoxigraph as ox
from werkzeug.http import parse_list_header, parse_options_header

from chava.errors import BadRequestError, NotAcceptableError, PublisherError, ResourceNotFoundError
from chava.jsonld.frame import Frame, Framer, keep_language, load_frames
from chava.stores.store import PublishedStore

JSON_LD: Final = "application/ld+json"
FRAMES_PATH: Final = "/frames/"


def frame_path(name: str) -> str:
    """The local path a frame is published at (its profile URL is this on the server)."""
    return f"{FRAMES_PATH}{name}.json"


def schema_path(name: str) -> str:
    """The local path of the JSON Schema of a profile's documents."""
    return f"{FRAMES_PATH}{name}.schema.json"


def profile_names() -> list[str]:
    """The names of the published profiles, sorted."""
    return sorted(load_frames())


def profile_from_accept(accept_header: str | None) -> str | None:
    """Return the `profile` of the preferred `application/ld+json` range of *accept_header*.

    A space-separated list keeps its first URI that is not a JSON-LD keyword profile
    (`http://www.w3.org/ns/json-ld#compacted` means what we serve anyway).
    """
    if not accept_header:
        return None
    best: tuple[float, str] | None = None
    for item in parse_list_header(accept_header):
        media_type, options = parse_options_header(item)
        if media_type.lower() not in (JSON_LD, "application/json") or "profile" not in options:
            continue
        try:
            quality = float(options.get("q", "1"))
        except ValueError:
            continue
        uris = [uri for uri in options["profile"].split() if "w3.org/ns/json-ld#" not in uri]
        if uris and quality > 0 and (best is None or quality > best[0]):
            best = (quality, uris[0])
    return None if best is None else best[1]


def resolve_profile(value: str, *, from_query: bool) -> Frame:
    """Return the frame *value* names (a name or a frame URL); unknown: 400 (query) or 406."""
    name = value
    if "/" in value:
        path = value.split("?", 1)[0].split("#", 1)[0]
        name = path.rsplit("/", 1)[-1].removesuffix(".json")
        if FRAMES_PATH not in path or not path.endswith(".json"):
            name = ""
    frame = load_frames().get(name)
    if frame is None:
        _refuse(f"unknown profile {value!r}", from_query=from_query)
    assert frame is not None
    return frame


def render_profile(
    store: PublishedStore | ox.Store,
    iri: str,
    *,
    profile: str,
    lang: str | None = None,
    context_url: str,
    languages: Sequence[str] = ("fr", "en"),
    from_query: bool = False,
) -> bytes:
    """Return the framed JSON-LD document of *iri* in *profile* (UTF-8 JSON bytes).

    Raises ResourceNotFoundError when nothing is said about *iri*, and BadRequestError
    (`?profile=`) or NotAcceptableError (`Accept`) for an unknown profile or one that does not
    apply to the resource's types.
    """
    return json.dumps(
        framed_resource(
            store,
            iri,
            profile=profile,
            lang=lang,
            context_url=context_url,
            languages=languages,
            from_query=from_query,
        ),
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def framed_resource(
    store: PublishedStore | ox.Store,
    iri: str,
    *,
    profile: str,
    lang: str | None,
    context_url: str,
    languages: Sequence[str],
    from_query: bool,
) -> dict[str, Any]:
    """The framed document of *iri* as a dict (see render_profile)."""
    frame = resolve_profile(profile, from_query=from_query)
    oxigraph = store.oxigraph if isinstance(store, PublishedStore) else store
    framer = Framer(oxigraph)
    subject = ox.NamedNode(iri)
    prefetch = getattr(oxigraph, "prefetch", None)
    if (
        prefetch is not None
    ):  # an external engine (chava.stores.remote_store): two requests, not many
        prefetch([subject])
    if not framer.properties(subject):
        raise ResourceNotFoundError(f"nothing is published about <{iri}>")
    if not framer.has_type(subject, frame.types):
        _refuse(f"profile {frame.name!r} does not apply to <{iri}>", from_query=from_query)
    node = framer.frame_node(subject, frame)
    if lang is not None:
        node = keep_language(node, lang, languages, framer.compactor.map_terms)
    return {"@context": context_url, **node}


def _refuse(message: str, *, from_query: bool) -> None:
    offered = [f"{name} ({frame_path(name)})" for name in profile_names()]
    error: PublisherError
    if from_query:
        error = BadRequestError(f"{message}; profiles: {', '.join(offered)}")
    else:
        error = NotAcceptableError(message, offered)
    raise error
