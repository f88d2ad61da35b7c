"""Search over HTTP: `/api/search` (JSON-LD) and `/search` (the page the site's header opens).

Both read the build's catalogue index (chava.search): nothing is built per worker, no store
read is needed to answer. Parameters are those of the API listings (`q`, `collection`, `lang`,
`limit`, `offset`, `cursor`, the filters) plus `city`; for search, `graph` keeps the results
stated in those graphs (a facet like the others).

An answer is a `hydra:Collection` of hits, each with one `label` (a language map with the best
label in the requested language), `type` (compact IRIs) and `types` (each class with its label
in that language), a `snippet` (escaped HTML, matches in `<mark>`) and the API `collection`
listing it; `facets` counts every result by type, theme, city and graph.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, request
from markupsafe import Markup

from chava.jsonld.context import context_path, load_context
from chava.jsonld.paging import PageRequest, make_cursor, parse_page_request
from chava.labels import pick_text
from chava.publication_iris import publication_iris
from chava.search.index import CatalogueIndex, Hit, SearchAnswer
from chava.search.text import query_words
from chava.web import state
from chava.web.jsonld_http import json_response, require_json
from chava.web.language import request_language
from chava.web.rendering import page_linker, page_response, render_page

blueprint = Blueprint("search", __name__)

SEARCH_TERMS: Final = "def/search#"
"""Under the vocabulary base (shared by every city): the terms of search answers that no
vocabulary has (snippet, collection, facets)."""


def search_context(vocabulary_base_iri: str) -> dict[str, Any]:
    """The terms added to the published context (`/context/v1.jsonld`, frozen) in answers."""
    return {
        "search": vocabulary_base_iri + SEARCH_TERMS,
        "types": {"@id": "rdf:type", "@type": "@id"},
        "snippet": {"@id": "search:snippet"},
        "collection": {"@id": "search:collection"},
        "facets": {"@id": "search:facets", "@type": "@json"},
    }


EXTRA_FILTERS: Final = ("city",)


def init_app(app: Flask) -> None:
    """Register `/api/search` and `/search`."""
    app.register_blueprint(blueprint)


@blueprint.get("/api/search")
def api_search() -> Response:
    """Resources whose names or descriptions hold every word of `?q=`, ranked, with facets."""
    require_json()
    settings = state.settings()
    root = request.host_url.rstrip("/")
    context = load_context()
    page_request, answer, links = _search(request.args.to_dict(flat=False))
    language = page_request.language
    index = state.served_build().index

    def compact(iri: str) -> str:
        return context.compact_iri(iri)

    view: dict[str, Any] = {"id": links["current"], "type": ["hydra:PartialCollectionView"]}
    view.update(
        {
            ("previous" if rel == "prev" else rel): url
            for rel, url in links.items()
            if rel != "current"
        }
    )
    document = {
        "@context": [root + context_path("v1"), search_context(settings.vocabulary_base_iri)],
        "id": links["first"],
        "type": ["hydra:Collection"],
        "totalItems": answer.total,
        "items": [
            hit_json(hit, index, language, settings.languages, compact) for hit in answer.hits
        ],
        "facets": facets_json(answer, index, language, compact, graph_base=_graph_base()),
        "view": view,
    }
    link_header = ", ".join(
        f'<{url}>; rel="{rel}"' for rel, url in links.items() if rel != "current"
    )
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return json_response(
        body,
        etag_key="\0".join(
            (state.served_build().build.build_id, request.host_url, request.full_path)
        ),
        max_age=settings.cache_max_age,
        headers={"Link": link_header},
    )


@blueprint.get("/search")
def search_page() -> Response:
    """The search page: the results of `?q=` with their snippets, facets to refine, pages."""
    lang, _chosen = request_language()
    args = request.args.to_dict(flat=False)
    args.pop("lang", None)
    answer: SearchAnswer | None = None
    links: dict[str, str] = {}
    if "".join(args.get("q", ())).strip():
        _request, answer, links = _search({**args, "lang": [lang]}, html=True)
    index = state.served_build().index
    labels = {hit.iri: dict(hit.labels) for hit in (answer.hits if answer else [])}
    linker = page_linker(labels, lang)
    context = load_context()
    results = []
    for hit in answer.hits if answer else []:
        results.append(
            {
                "link": linker.link(hit.iri),
                "href": linker.href(hit.iri),
                "types": [index.term_label(iri, lang)[0] for iri in hit.types],
                "snippet": Markup(hit.snippet),  # escaped by chava.search.text.snippet_html
            }
        )
    refine = []
    if answer is not None:
        for name, values in facets_json(
            answer, index, lang, context.compact_iri, graph_base=_graph_base()
        ).items():
            chosen = set(args.get(name, ()))
            refine.append(
                (
                    name,
                    [
                        (
                            value["label"],
                            value["count"],
                            "/search?" + _query(args, lang, name, value["id"]),
                            value["id"] in chosen,
                        )
                        for value in values
                    ],
                )
            )
    body = render_page(
        "search.html",
        lang,
        query=" ".join(args.get("q", ())),
        total=answer.total if answer else None,
        results=results,
        refine=refine,
        previous_href=links.get("prev"),
        next_href=links.get("next"),
    )
    return page_response(body, lang)  # the response rules: validators, 304, caching, Vary


def hit_json(
    hit: Hit,
    index: CatalogueIndex,
    language: str,
    languages: Sequence[str],
    compact: Callable[[str], str],
) -> dict[str, Any]:
    """One hit as JSON-LD: id, type, one label, the types with their labels, snippet."""
    picked = pick_text(hit.labels, language, languages)
    label = {(picked[1] or "@none"): picked[0]} if picked else {"@none": hit.iri}
    item: dict[str, Any] = {
        "id": hit.iri,
        "type": [compact(iri) for iri in hit.types],
        "label": label,
        "types": [
            {"id": compact(iri), "label": _language_map(*index.term_label(iri, language))}
            for iri in hit.types
        ],
    }
    if hit.snippet:
        item["snippet"] = hit.snippet
    if hit.collection is not None:
        item["collection"] = hit.collection
    return item


def facets_json(
    answer: SearchAnswer,
    index: CatalogueIndex,
    language: str,
    compact: Callable[[str], str],
    *,
    graph_base: str,
) -> dict[str, list[dict[str, Any]]]:
    """{facet: [{id, label, count}]}: the values of every result, most frequent first; each id
    is what the filter of the same name takes (a graph by its name under *graph_base*)."""

    def value_id(name: str, iri: str) -> str:
        if name == "graph" and iri.startswith(graph_base) and len(iri) > len(graph_base):
            return iri.removeprefix(graph_base)
        return compact(iri)

    return {
        name: [
            {
                "id": value_id(name, value.iri),
                "label": index.term_label(value.iri, language)[0],
                "count": value.count,
            }
            for value in values
        ]
        for name, values in answer.facets.items()
    }


def _graph_base() -> str:
    return publication_iris(state.settings()).graph_base


def _language_map(text: str, tag: str | None) -> dict[str, str]:
    return {tag or "@none": text}


def _search(
    args: Mapping[str, list[str]], *, html: bool = False
) -> tuple[PageRequest, SearchAnswer, dict[str, str]]:
    """Check the parameters, search, and return the request, the answer and the page links."""
    settings = state.settings()
    served = state.served_build()
    index = served.index
    build_id = served.build.build_id
    page_request = parse_page_request(
        None,
        args,
        context=load_context(),
        languages=settings.languages,
        default_limit=settings.api_page_size,
        max_limit=settings.api_max_limit,
        build_id=build_id,
        search=True,
        graphs=index.graphs,
        graph_base=publication_iris(settings).graph_base,
        extra_filters=EXTRA_FILTERS,
    )
    filters = dict(page_request.filters)
    if page_request.graphs:
        filters["graph"] = page_request.graphs
    query = page_request.query or ""
    answer = index.search(
        query_words(query),
        query=query,
        language=page_request.language,
        collection=page_request.collection,
        filters=filters,
        offset=page_request.offset,
        limit=page_request.limit,
    )
    root = "" if html else request.host_url.rstrip("/")
    signature = page_request.signature(build_id)

    def page_url(position: Mapping[str, str]) -> str:
        kept = [(k, v) for k, vs in args.items() if k not in ("cursor", "offset") for v in vs]
        query_string = urlencode([*kept, *position.items()])
        return f"{root}{request.path}" + (f"?{query_string}" if query_string else "")

    offset, limit = page_request.offset, page_request.limit
    links = {"first": page_url({})}
    if offset + limit < answer.total:
        links["next"] = page_url({"cursor": make_cursor(offset + limit, signature)})
    if offset > 0:
        previous = max(0, offset - limit)
        links["prev"] = page_url({"cursor": make_cursor(previous, signature)} if previous else {})
    links["current"] = page_url({"cursor": make_cursor(offset, signature)} if offset else {})
    return page_request, answer, links


def _query(args: Mapping[str, list[str]], lang: str, name: str, value: str) -> str:
    """The search page's query string with *name*=*value* added (or removed if present)."""
    kept = [(k, v) for k, vs in args.items() if k not in ("cursor", "offset") for v in vs]
    if (name, value) in kept:
        kept.remove((name, value))
    else:
        kept.append((name, value))
    return urlencode([*kept, ("lang", lang)])
