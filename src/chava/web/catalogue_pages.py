"""The home page and the class pages (`/classes/...`): what the dataset holds and where to start."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Final
from urllib.parse import quote

from flask import Blueprint, Response, request

from chava import catalogue, namespaces
from chava.building.versions import dataset_versions
from chava.errors import BadRequestError, ResourceNotFoundError
from chava.labels import DESCRIPTION_PREDICATES, fetch_labels, pick_text
from chava.publication_iris import publication_iris
from chava.stores.store import PublishedStore
from chava.web import state
from chava.web.change_feed import feed_link
from chava.web.language import request_language
from chava.web.linking import Link, Linker
from chava.web.rendering import cached, page_linker, page_response, render_page
from chava.web.site import site_description

blueprint = Blueprint("pages", __name__)

ENTRY_CLASSES: Final = (
    "LearningCityInitiative",
    "GovernanceBody",
    "WorkingGroup",
    "Theme",
    "PedagogicalTool",
)
"""Local names, in the core vocabulary, of the classes the home page opens on."""
ENTRY_INSTANCES: Final = 8


@dataclass(frozen=True)
class Entry:
    """An entry point on the home page: a class, some of its instances, its class page."""

    cls: Link
    href: str
    instances: tuple[Link, ...]
    total: int


@blueprint.get("/")
def home() -> Response:
    """What the dataset is, where to start, what it holds, and the doors for machines."""
    store, settings = state.published_store(), state.settings()
    lang, _ = request_language()
    counts = cached(store, "class-counts", lambda: _class_counts(store))
    entries = _entry_iris(settings.vocabulary_base_iri, counts)
    labels = cached(
        store,
        "home-labels",
        lambda: fetch_labels(
            store, [*(c.iri for c in counts), *(i for e in entries for i in e[1])]
        ),
    )
    linker = page_linker(labels, lang)
    dataset_iri = publication_iris(settings).dataset
    body = render_page(
        "home.html",
        lang,
        linker=linker,
        dataset_href=linker.href(dataset_iri),
        dataset_description=site_description(lang),
        entries=[
            Entry(linker.link(iri), _class_href(linker, iri), tuple(map(linker.link, some)), total)
            for iri, some, total in entries
        ],
        counts=[(linker.link(c.iri), _class_href(linker, c.iri), c.count) for c in counts],
        dumps=_dumps(store),
        versions=[
            (version, linker.href(version.iri))
            for version in cached(
                store, "home-versions", lambda: dataset_versions(store, dataset_iri)
            )
        ],
    )
    response = _page_response(body, lang)
    response.headers["Link"] = feed_link()  # where partners follow the changes
    return response


@blueprint.get("/classes/")
def classes() -> Response:
    """All classes with their counts, or with `?iri=` the page of one class."""
    iri = request.args.get("iri")
    if iri:
        return _class_page(iri)
    store = state.published_store()
    lang, _ = request_language()
    counts = cached(store, "class-counts", lambda: _class_counts(store))
    labels = cached(
        store, "class-labels", lambda: fetch_labels(store, [count.iri for count in counts])
    )
    linker = page_linker(labels, lang)
    rows = [(linker.link(c.iri), _class_href(linker, c.iri), c.count) for c in counts]
    return _page_response(render_page("classes.html", lang, counts=rows), lang)


@blueprint.get("/classes/<path:name>")
def class_page(name: str) -> Response:
    """The instances of the class named by a compact IRI (`/classes/lc:Theme`), paginated."""
    prefix, separator, rest = name.partition(":")
    namespace = namespaces.PREFIXES.get(prefix)
    if not separator or namespace is None:
        raise ResourceNotFoundError(
            f"{name!r} is not a compact IRI with a known prefix (e.g. lc:Theme); "
            "use /classes/?iri=<full IRI> for the others"
        )
    return _class_page(namespace + rest)


def _class_page(iri: str) -> Response:
    store, settings = state.published_store(), state.settings()
    index = state.served_build().index
    lang, _ = request_language()
    # A class typing something is known from the index: no store read (with an external engine
    # that read took the type statements of every instance over HTTP).
    if len(iri) > settings.max_path_length or not (
        index.has_class(iri) or catalogue.is_known(store, iri)
    ):
        raise ResourceNotFoundError(f"no class <{iri[:200]}> in this dataset")
    page = catalogue.instance_page(
        store,
        iri,
        page=_page_number(),
        page_size=settings.class_page_size,
        vocabulary_graphs=publication_iris(settings).vocabulary_graphs,
        index=index,
    )
    labels = fetch_labels(store, [iri, *page.instances])
    comments = fetch_labels(store, [iri], predicates=DESCRIPTION_PREDICATES)
    linker = page_linker(labels, lang)
    href = _class_href(linker, iri)
    body = render_page(
        "class.html",
        lang,
        cls=linker.link(iri),
        comment=pick_text(comments.get(iri, {}), lang, settings.languages),
        page=page,
        instances=[linker.link(instance) for instance in page.instances],
        previous_href=linker.local(href, page=page.page - 1) if page.page > 1 else None,
        next_href=linker.local(href, page=page.page + 1) if page.page < page.last_page else None,
    )
    return _page_response(body, lang)


def _class_counts(store: PublishedStore) -> tuple[catalogue.ClassCount, ...]:
    """The class counts of the served publication, its own vocabulary graphs left out."""
    graphs = publication_iris(state.settings()).vocabulary_graphs
    return catalogue.class_counts(store, vocabulary_graphs=graphs, index=state.served_build().index)


def _class_href(linker: Linker, iri: str) -> str:
    compact = namespaces.compact_iri(iri)
    if compact.startswith("<"):
        return linker.local("/classes/", iri=iri)
    return linker.local("/classes/" + quote(compact, safe=":/"))


def _entry_iris(
    vocabulary_base: str, counts: Sequence[catalogue.ClassCount]
) -> list[tuple[str, tuple[str, ...], int]]:
    """The entry classes present in the data, with their first own instances (IRIs) and totals.

    Own: under the publication's data base. Harvested partners' resources are counted on the
    class pages and listed on /harvest/, not offered as this publication's entry points.
    """
    store, index, settings = state.published_store(), state.served_build().index, state.settings()
    by_iri = {count.iri: count.count for count in counts}
    core = vocabulary_base + "def/core#"
    found: list[tuple[str, tuple[str, ...], int]] = []
    for name in ENTRY_CLASSES:
        iri = core + name
        if by_iri.get(iri):
            page = cached(
                store,
                f"entry-{iri}",
                partial(
                    catalogue.instance_page,
                    store,
                    iri,
                    page=1,
                    page_size=ENTRY_INSTANCES,
                    vocabulary_graphs=publication_iris(settings).vocabulary_graphs,
                    within=settings.data_base_iri,
                    index=index,
                ),
            )
            if page.named_total:
                found.append((iri, page.instances, page.named_total))
    return found


def _dumps(store: PublishedStore) -> list[tuple[str, str, int]]:
    folder = store.build.dumps_path
    if not folder.is_dir():
        return []
    return [
        (path.name, "/dumps/" + quote(path.name), path.stat().st_size)
        for path in sorted(folder.iterdir())
        if path.is_file()
    ]


def _page_number() -> int:
    raw = request.args.get("page", "1")
    try:
        return int(raw)
    except ValueError:
        raise BadRequestError(f"page must be a whole number, not {raw[:40]!r}") from None


def _page_response(body: str, lang: str) -> Response:
    """An HTML page with its language, and validators: a page changes only with the build."""
    return page_response(body, lang)
