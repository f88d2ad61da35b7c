"""The JSON-LD API: `/api/<collection>` listings (framed Hydra pages) and `/api/search`.

Also mounts the rest of the JSON-LD contract (context, frames, schemas), the search
(chava.web.search) and the portal. Listings read the build's catalogue index (chava.search),
written by `chava build`: no web worker builds anything before its first answer.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, request

from chava.errors import ResourceNotFoundError
from chava.iri_mapping import path_mappings
from chava.jsonld.collections import COLLECTIONS, FILTERS
from chava.jsonld.context import context_path, load_context
from chava.jsonld.frame import Framer, NodeCache
from chava.jsonld.listing import ListingIndex
from chava.jsonld.paging import build_page, parse_page_request
from chava.jsonld.profiles import frame_path, schema_path
from chava.language_tags import direction, language_name
from chava.publication_iris import publication_iris
from chava.web import jsonld_documents, portal, search, state
from chava.web import response_rules as rules
from chava.web.jsonld_http import json_response, require_json
from chava.web.site import site_descriptions, site_titles

CACHE_KEY = "chava.framed_items"
_LOCK = threading.Lock()

blueprint = Blueprint("api", __name__)


def init_app(app: Flask) -> None:
    """Register the API, the JSON-LD documents and the portal."""
    app.register_blueprint(blueprint)
    jsonld_documents.init_app(app)
    search.init_app(app)
    portal.init_app(app)


def node_cache() -> NodeCache:
    """The framed-item cache of the served build, in this worker."""
    caches = state.build_cache()  # goes with the build
    cache = caches.get(CACHE_KEY)
    if cache is None:
        with _LOCK:
            cache = caches.setdefault(CACHE_KEY, NodeCache(state.settings().api_cache_items))
    assert isinstance(cache, NodeCache)
    return cache


def listing_index() -> ListingIndex:
    """The catalogue index of the served build (written by `chava build`, shared on disk)."""
    return state.served_build().index


@blueprint.get("/api")
@blueprint.get("/api/")
def api_index() -> Response:
    """What the API offers: the dataset's title and languages, each collection with its
    profile, filters and search."""
    require_json()
    root = request.host_url.rstrip("/")
    settings = state.settings()
    document = {
        "title": _language_map(site_titles()),
        "description": _language_map(site_descriptions()),
        "languages": [
            {"tag": tag, "name": language_name(tag), "direction": direction(tag)}
            for tag in settings.languages
        ],
        "collections": [
            {
                "name": name,
                "url": f"{root}/api/{name}",
                "description": collection.description,
                "profile": root + frame_path(collection.frame),
                "schema": root + schema_path(collection.frame),
            }
            for name, collection in COLLECTIONS.items()
        ],
        "search": f"{root}/api/search?q=",
        "filters": sorted(FILTERS),
        "searchFilters": sorted({*FILTERS, *search.EXTRA_FILTERS, "graph", "collection"}),
        "parameters": ["limit", "offset", "cursor", "lang", "q", "graph"],
        "context": root + context_path("v1"),
        "iriPaths": [
            {"path": mapping.path_prefix, "iri": mapping.iri_prefix}
            for mapping in path_mappings(settings)
        ],
    }
    body = json.dumps(document, indent=2).encode("utf-8")
    return json_response(
        body,
        etag_key=body.decode(),
        max_age=settings.cache_max_age,
        content_type="application/json; charset=utf-8",
    )


def _language_map(texts: Mapping[str, str]) -> dict[str, str]:
    """{tag: text} as a JSON-LD language map: an untagged text under `@none`."""
    return {tag or "@none": text for tag, text in sorted(texts.items())}


@blueprint.get("/api/<collection>")
def collection_page(collection: str) -> Response:
    """One page of a collection, filtered, in label order (or ranked with `?q=`)."""
    if collection not in COLLECTIONS:  # no such address, whatever the client accepts
        raise ResourceNotFoundError(
            f"no collection {collection[:80]!r} in the API; collections: {', '.join(COLLECTIONS)}"
        )
    return _page(collection, is_search=False)


def _page(collection: str | None, *, is_search: bool) -> Response:
    require_json()
    settings = state.settings()
    store = state.published_store()
    build_id = store.build.build_id
    args = {name: request.args.getlist(name) for name in request.args}
    context = load_context()
    index = listing_index()
    manifest = state.served_build().build.manifest
    withheld = set(manifest.get("withheld_graphs") or ())
    published = frozenset(iri for iri in manifest.get("graphs", {}) if iri and iri not in withheld)
    page_request = parse_page_request(
        collection,
        args,
        context=context,
        languages=settings.languages,
        default_limit=settings.api_page_size,
        max_limit=settings.api_max_limit,
        build_id=build_id,
        search=is_search,
        graphs=published or index.graphs,
        graph_base=publication_iris(settings).graph_base,
    )
    etag_key = "\0".join((build_id, request.host_url, request.full_path))
    root = request.host_url.rstrip("/")

    def page_url(position: Mapping[str, str]) -> str:
        kept = [(k, v) for k, vs in args.items() if k not in ("cursor", "offset") for v in vs]
        query = urlencode([*kept, *position.items()])
        return f"{root}{request.path}" + (f"?{query}" if query else "")

    graphs = [ox.NamedNode(iri) for iri in page_request.graphs] or None
    document, links = build_page(
        index,
        Framer(store.oxigraph, graphs=graphs),
        page_request,
        build_id=build_id,
        context_url=root + context_path("v1"),
        page_url=page_url,
        cache=node_cache(),
    )
    page_links = [rules.Link(url, rel) for rel, url in links.items()]
    if collection is not None:
        page_links.append(rules.Link(root + frame_path(COLLECTIONS[collection].frame), "profile"))
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return json_response(
        body,
        etag_key=etag_key,
        max_age=settings.cache_max_age,
        links=page_links,
    )
