"""Profile negotiation on resources: the framed JSON-LD a client asks for by frame URL or name."""

from __future__ import annotations

from flask import Response, request

from chava.errors import BadRequestError
from chava.formats import Format
from chava.jsonld.context import context_path
from chava.jsonld.paging import LANGUAGE_TAG
from chava.jsonld.profiles import (
    frame_path,
    profile_from_accept,
    render_profile,
    resolve_profile,
    schema_path,
)
from chava.web import response_rules as rules
from chava.web import state
from chava.web.jsonld_http import json_response


def profile_response(iri: str, fmt: Format, *, requested: str | None) -> Response | None:
    """Return the framed document when `?profile=` or a JSON-LD Accept profile asks for one.

    None means no profile was asked for: the resource is served as usual. `?profile=` is an
    explicit choice of JSON-LD (it beats Accept) but conflicts with another `?format=`/suffix.
    """
    query_profile = request.args.get("profile")
    if query_profile is not None:
        if requested is not None and not fmt.profiles:
            raise BadRequestError(f"?profile= applies to JSON-LD, not to {fmt}")
        profile, from_query = query_profile, True
    elif fmt.profiles:
        accepted = profile_from_accept(request.headers.get("Accept"))
        if accepted is None:
            return None
        profile, from_query = accepted, False
    else:
        return None
    lang = request.args.get("lang")
    if lang is not None and not LANGUAGE_TAG.fullmatch(lang):
        raise BadRequestError(f"?lang= must be a language tag such as fr or en, not {lang!r}")
    frame = resolve_profile(profile, from_query=from_query)
    settings = state.settings()
    store = state.published_store()
    root = request.host_url.rstrip("/")
    body = render_profile(
        store,
        iri,
        profile=frame.name,
        lang=lang,
        context_url=root + context_path("v1"),
        languages=settings.languages,
        from_query=from_query,
    )
    profile_url = root + frame_path(frame.name)
    return json_response(
        body,
        etag_key="\0".join((store.build.build_id, iri, frame.name, lang or "", root)),
        max_age=settings.cache_max_age,
        content_type=f'application/ld+json; charset=utf-8; profile="{profile_url}"',
        links=(
            rules.Link(profile_url, "profile"),
            rules.Link(root + schema_path(frame.name), "describedby"),
        ),
    )
