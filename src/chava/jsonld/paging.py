"""API pages: parameters checked (400 when odd), opaque cursors, Hydra pages of framed items."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pyoxigraph as ox

from chava import namespaces
from chava.errors import BadRequestError
from chava.jsonld.collections import COLLECTIONS, FILTERS
from chava.jsonld.context import Context
from chava.jsonld.frame import Framer, NodeCache, keep_language, load_frames
from chava.jsonld.listing import ListingIndex
from chava.search.text import query_words

PAGING: Final = ("limit", "offset", "cursor", "lang", "graph")
LANGUAGE_TAG: Final = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,4}")
MAX_QUERY: Final = 200
MAX_OFFSET: Final = 10**9


@dataclass(frozen=True)
class PageRequest:
    """A checked listing or search request."""

    collection: str | None
    language: str
    keep_one_language: bool
    filters: Mapping[str, tuple[str, ...]]
    query: str | None
    offset: int
    limit: int
    graphs: tuple[str, ...] = ()
    """Named graphs the items are written from (empty: all); selection uses all graphs."""

    def signature(self, build_id: str) -> str:
        """What a cursor is bound to: the build and everything but the position."""
        parts = [build_id, self.collection or "*", self.language, self.query or "", *self.graphs]
        parts += [f"{name}={','.join(values)}" for name, values in sorted(self.filters.items())]
        return "\0".join(parts)


def parse_page_request(
    collection: str | None,
    args: Mapping[str, Sequence[str]],
    *,
    context: Context,
    languages: Sequence[str],
    default_limit: int,
    max_limit: int,
    build_id: str,
    search: bool,
    graphs: Collection[str] = (),
    graph_base: str = namespaces.GRAPH,
    extra_filters: Sequence[str] = (),
) -> PageRequest:
    """Check every parameter; raise BadRequestError naming the first bad one.

    *extra_filters* are more filter parameters (IRIs or compact IRIs, repeatable) the caller
    accepts, such as the search's `city`.
    """
    if collection is not None and collection not in COLLECTIONS:
        raise BadRequestError(
            f"unknown collection {collection!r}; collections: {', '.join(COLLECTIONS)}"
        )
    filter_names = (*FILTERS, *extra_filters)
    allowed = {*PAGING, *filter_names, "q"} | ({"collection"} if search else set())
    for name, values in args.items():
        if name not in allowed:
            raise BadRequestError(
                f"unknown parameter {name!r}; parameters: {', '.join(sorted(allowed))}"
            )
        if name not in ("graph", *filter_names) and len(values) > 1:
            raise BadRequestError(f"parameter {name!r} is given more than once")
    if search:
        collection = _single(args, "collection")
        if collection is not None and collection not in COLLECTIONS:
            raise BadRequestError(f"unknown collection {collection!r}")
    lang = _single(args, "lang")
    if lang is not None and not LANGUAGE_TAG.fullmatch(lang):
        raise BadRequestError(f"?lang= must be a language tag such as fr or en, not {lang!r}")
    query = _single(args, "q")
    if search and not (query or "").strip():
        raise BadRequestError("?q= is required: the text to search for")
    if query is not None and len(query) > MAX_QUERY:
        raise BadRequestError(f"?q= is longer than {MAX_QUERY} characters")
    filters = {
        name: tuple(_filter_iri(context, name, value) for value in args[name])
        for name in filter_names
        if name in args
    }
    limit = _integer(args, "limit", default_limit, 1, max_limit)
    chosen_graphs = tuple(_graph_iri(value, graphs, graph_base) for value in args.get("graph", ()))
    request = PageRequest(
        collection=collection,
        language=lang or languages[0],
        keep_one_language=lang is not None,
        filters=filters,
        query=query.strip() if query is not None else None,
        offset=_integer(args, "offset", 0, 0, MAX_OFFSET),
        limit=limit,
        graphs=chosen_graphs,
    )
    cursor = _single(args, "cursor")
    if cursor is not None:
        if "offset" in args:
            raise BadRequestError("give ?cursor= or ?offset=, not both")
        request = _with_offset(request, read_cursor(cursor, request.signature(build_id)))
    return request


def make_cursor(offset: int, signature: str) -> str:
    """An opaque cursor for *offset*, bound to *signature* (a checksum, not a secret)."""
    digest = hashlib.sha256(f"{signature}\0{offset}".encode()).hexdigest()[:16]
    return base64.urlsafe_b64encode(f"{offset}.{digest}".encode()).decode().rstrip("=")


def read_cursor(cursor: str, signature: str) -> int:
    """The offset a cursor stands for; BadRequestError if malformed, altered or stale."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        offset_text, _dot, _digest = text.partition(".")
        offset = int(offset_text)
    except (ValueError, UnicodeError, binascii.Error) as error:
        raise BadRequestError("malformed ?cursor=: use the links of a previous page") from error
    if not 0 <= offset <= MAX_OFFSET or make_cursor(offset, signature) != cursor.rstrip("="):
        raise BadRequestError("?cursor= does not belong to this listing (or to this build)")
    return offset


def build_page(
    index: ListingIndex,
    framer: Framer,
    request: PageRequest,
    *,
    build_id: str,
    context_url: str,
    page_url: Callable[[Mapping[str, str]], str],
    cache: NodeCache | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the Hydra page document and its links by relation (first, next, prev).

    A listing is read in label order from the index; with `?q=` it is ranked by the search.
    """
    if request.query is not None or request.collection is None:
        answer = index.search(
            query_words(request.query or ""),
            query=request.query or "",
            language=request.language,
            collection=request.collection,
            filters=request.filters,
            offset=request.offset,
            limit=request.limit,
            facets=False,
        )
        total, window = answer.total, [hit.iri for hit in answer.hits]
    else:
        total, window = index.listing(
            request.collection,
            request.language,
            request.filters,
            offset=request.offset,
            limit=request.limit,
        )
    frames = load_frames()
    prefetch = getattr(framer.store, "prefetch", None)
    if (
        prefetch is not None
    ):  # an external engine (chava.stores.remote_store): one request, not many
        missing = []
        for iri in window:
            collection = request.collection or index.collection_of(iri)
            if collection is None:
                continue
            key = (iri, frames[COLLECTIONS[collection].frame].name, request.graphs)
            if cache is None or cache.get(key) is None:
                missing.append(iri)
        if missing:
            prefetch(missing)
    items = []
    for iri in window:
        collection = request.collection or index.collection_of(iri)
        if collection is None:
            continue
        frame = frames[COLLECTIONS[collection].frame]
        key = (iri, frame.name, request.graphs)
        node = cache.get(key) if cache is not None else None
        if node is None:
            node = framer.frame_node(ox.NamedNode(iri), frame)
            if cache is not None:
                cache.put(key, node)
        if request.keep_one_language:
            node = keep_language(
                node, request.language, index.languages, framer.compactor.map_terms
            )
        items.append(node)
    signature = request.signature(build_id)
    links = {"first": page_url({})}
    if request.offset + request.limit < total:
        links["next"] = page_url({"cursor": make_cursor(request.offset + request.limit, signature)})
    if request.offset > 0:
        previous = max(0, request.offset - request.limit)
        links["prev"] = page_url({"cursor": make_cursor(previous, signature)} if previous else {})
    current = page_url({"cursor": make_cursor(request.offset, signature)} if request.offset else {})
    view: dict[str, Any] = {"id": current, "type": ["hydra:PartialCollectionView"]}
    view.update({("previous" if rel == "prev" else rel): url for rel, url in links.items()})
    document = {
        "@context": context_url,
        "id": links["first"],
        "type": ["hydra:Collection"],
        "totalItems": total,
        "items": items,
        "view": view,
    }
    return document, links


def _with_offset(request: PageRequest, offset: int) -> PageRequest:
    return PageRequest(
        request.collection,
        request.language,
        request.keep_one_language,
        request.filters,
        request.query,
        offset,
        request.limit,
        request.graphs,
    )


def _single(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = args.get(name)
    return values[0] if values else None


def _integer(
    args: Mapping[str, Sequence[str]], name: str, default: int, low: int, high: int
) -> int:
    raw = _single(args, name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12 or not low <= int(raw) <= high:
        raise BadRequestError(f"?{name}= must be a whole number from {low} to {high}, not {raw!r}")
    return int(raw)


def _filter_iri(context: Context, name: str, value: str) -> str:
    iri = context.expand_iri(value.strip())
    if ":" not in iri or any(character in iri for character in ' <>"{}|^`\\'):
        raise BadRequestError(f"?{name}= must be an IRI or a prefixed name, not {value!r}")
    return iri


def _graph_iri(value: str, graphs: Collection[str], graph_base: str) -> str:
    """The graph IRI `?graph=` names: a full IRI, or a name under the publication's graphs."""
    iri = value if ":" in value else graph_base + value
    if iri not in graphs:
        names = sorted(g.removeprefix(graph_base) for g in graphs)
        shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
        raise BadRequestError(f"?graph= names no published graph: {value!r}; graphs: {shown}")
    return iri
