"""Dereferencing: every IRI of our namespaces answers at its local path, in every format.

Thin adapters: resolve the path to an IRI (suffix URLs `/id/x.ttl` included), negotiate,
answer conditional requests before rendering anything, then render through the per-worker
representation cache (a build never changes, so its representations never do).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, request

from chava import formats
from chava.building.dataset_description import dataset_iri
from chava.config import Settings
from chava.errors import BadRequestError, ResourceNotFoundError, URITooLongError
from chava.formats import Format
from chava.iri_mapping import canonical_iri, local_path, path_mappings
from chava.lru_cache import BoundedLRU
from chava.negotiate import negotiate
from chava.stores.store import PublishedStore
from chava.web import response_rules as rules
from chava.web import state
from chava.web.profiles import profile_response
from chava.web.representations import Representation, render_representation
from chava.web.response_cache import CACHEABLE

CACHE_KEY = "chava.representations"
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Target:
    """What a request asks for: the IRI, its local path, and the format named by a suffix."""

    iri: str
    path: str
    suffix_format: Format | None


def init_app(app: Flask) -> None:
    """Register one route per mapped path prefix, `/.well-known/void`, and the cache."""
    settings = app.extensions[state.SETTINGS_KEY]
    assert isinstance(settings, Settings)
    blueprint = Blueprint("resources", __name__)
    for number, mapping in enumerate(path_mappings(settings)):
        blueprint.add_url_rule(
            mapping.path_prefix + "<path:rest>", f"resource_{number}", serve_resource
        )
    blueprint.add_url_rule("/.well-known/void", "well_known_void", serve_void)
    app.register_blueprint(blueprint)
    app.extensions[CACHE_KEY] = BoundedLRU[Representation](settings.representation_cache_bytes)


def serve_resource(rest: str) -> Response:
    """GET/HEAD a resource at its local path."""
    settings = state.settings()
    if len(request.path) > settings.max_path_length:
        raise URITooLongError(f"the path is longer than {settings.max_path_length} characters")
    target = _resolve(settings, state.published_store(), request.path)
    return _respond(settings, target)


def serve_void() -> Response:
    """The dataset's VoID/DCAT description, at the well-known location."""
    settings = state.settings()
    iri = dataset_iri(settings)
    return _respond(settings, Target(iri, local_path(settings, iri) or request.path, None))


def _respond(settings: Settings, target: Target) -> Response:
    store = state.published_store()
    requested = (
        target.suffix_format.extension if target.suffix_format else request.args.get("format")
    )
    fmt = negotiate(formats.RESOURCE_FORMATS, request.headers.get("Accept"), requested)
    framed = profile_response(target.iri, fmt, requested=requested)
    if framed is not None:
        return framed
    lang = _language(settings) if fmt.page else ""
    page = _page(request.args.get("page"))
    build = store.build
    validators = rules.Validators(
        rules.etag_of(build.build_id, target.iri, fmt.extension, lang, str(page), request.host_url),
        build.created,
    )
    headers = _headers(settings, target, fmt, lang, validators, negotiated=requested is None)
    if rules.is_not_modified(
        validators,
        if_none_match=request.headers.get("If-None-Match"),
        if_modified_since=request.headers.get("If-Modified-Since"),
    ):
        return Response(status=304, headers=headers)
    cache = _cache()
    key = (build.build_id, target.iri, fmt.extension, lang, page, request.host_url)
    representation = cache.get(key)
    if representation is None:
        representation = render_representation(
            settings, store, target.iri, target.path, fmt, lang=lang, page=page
        )
        cache.put(key, representation, len(representation.body) + 256)
    if representation.status == 200:
        headers = [("Content-Type", fmt.content_type), *headers]
        request.environ[CACHEABLE] = True
    else:  # a redirect to the successor: no validators of its own
        headers = _headers(
            settings, target, fmt, lang, rules.Validators(), negotiated=requested is None
        )
    response = Response(representation.body, status=representation.status)
    rules.apply(response.headers, [*headers, *representation.headers])
    return response


def _resolve(settings: Settings, store: PublishedStore, path: str) -> Target:
    """Map the path to an IRI; a known format suffix names the format if the bare IRI exists."""
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension:
        try:
            suffix_format = formats.format_for_extension(extension)
        except KeyError:
            suffix_format = None
        if suffix_format is not None:
            iri = canonical_iri(settings, stem)
            if iri is not None and _mentioned(store, iri):
                return Target(iri, stem, suffix_format)
    iri = canonical_iri(settings, path)
    if iri is None:
        raise ResourceNotFoundError(f"no namespace is mapped to {path[:200]!r}")
    return Target(iri, path, None)


def _mentioned(store: PublishedStore, iri: str) -> bool:
    node = ox.NamedNode(iri)
    return any(True for _ in store.quads(node, None, None, None)) or any(
        True for _ in store.quads(None, None, node, None)
    )


def _headers(
    settings: Settings,
    target: Target,
    fmt: Format,
    lang: str,
    validators: rules.Validators,
    *,
    negotiated: bool,
) -> rules.Headers:
    alternates = rules.link_header(
        rules.Link(_url(target.path, other), "alternate", other.media_type)
        for other in formats.RESOURCE_FORMATS
        if other != fmt
    )
    headers = [
        *validators.headers(),
        rules.cache_for(settings.cache_max_age),
        *([alternates] if alternates else []),
        rules.vary("Accept", "Accept-Language") if fmt.page or negotiated else rules.vary("Accept"),
    ]
    if negotiated:
        headers.append(("Content-Location", _url(target.path, fmt)))
    if lang:
        headers.append(("Content-Language", lang))
    return headers


def _url(path: str, fmt: Format) -> str:
    """The suffix URL of *path* in *fmt* (the fragment of a hash path is dropped)."""
    return f"{path.split('#', 1)[0]}.{fmt.extension}"


def _language(settings: Settings) -> str:
    from chava.web.pages import choose_language  # the pages module imports this package's peers

    return choose_language(
        request.headers.get("Accept-Language"), request.args.get("lang"), settings.languages
    )


def _page(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise BadRequestError(f"?page= must be a whole number from 1 to {MAX_PAGE}")
    return int(raw)


def _cache() -> BoundedLRU[Representation]:
    from flask import current_app

    cache = current_app.extensions[CACHE_KEY]
    assert isinstance(cache, BoundedLRU)
    return cache
