"""The change feed on the web: `/changes` (an Activity Streams 2.0 `OrderedCollection`) and its
pages `/changes/N`, and the `Link` header that advertises it on the home page.

Pages are answered from the served build, with ETags; a full page never changes and is
cacheable for a day, the collection and the last page for `cache_max_age`.
"""

from __future__ import annotations

import json
from typing import Final

from flask import Blueprint, Flask, Response, request

from chava.contributions.feed import (
    MEDIA_TYPE,
    Change,
    collection_document,
    is_full,
    page_document,
    read_changes,
)
from chava.errors import ResourceNotFoundError
from chava.iri_mapping import local_path
from chava.web import response_rules as rules
from chava.web import state
from chava.web.rendering import cached
from chava.web.response_cache import CACHEABLE

FEED_PATH: Final = "/changes"
FULL_PAGE_MAX_AGE: Final = 86400
blueprint = Blueprint("change_feed", __name__)


def init_app(app: Flask) -> None:
    """Register the feed."""
    app.register_blueprint(blueprint)


def feed_link() -> str:
    """The `Link` header value advertising the feed (the home page sends it)."""
    return (
        f'<{request.host_url.rstrip("/")}{FEED_PATH}>; rel="alternate"; '
        'type="application/activity+json"; title="Change feed (Activity Streams 2.0)"'
    )


@blueprint.get(FEED_PATH)
def collection() -> Response:
    """The feed: how many changes, its first and last page, where the full dump is."""
    changes = _changes()
    store = state.published_store()
    root = request.host_url.rstrip("/")
    dumps = [dump for dump in store.build.manifest.get("dumps", []) if isinstance(dump, dict)]
    nquads = next((d for d in dumps if str(d.get("name", "")).endswith(".nq.gz")), None)
    extra = {"dataDump": f"{root}/dumps/{nquads['name']}"} if nquads else {}
    document = collection_document(
        changes, page_size=state.settings().feed_page_size, feed_url=root + FEED_PATH, extra=extra
    )
    return _answer(document, max_age=state.settings().cache_max_age)


@blueprint.get(FEED_PATH + "/<int:number>")
def page(number: int) -> Response:
    """Page *number* of the feed, oldest changes first."""
    changes = _changes()
    size = state.settings().feed_page_size
    root = request.host_url.rstrip("/")
    settings = state.settings()

    def url_of(iri: str) -> str | None:
        path = local_path(settings, iri)
        return f"{root}{path}" if path else None

    document = page_document(
        changes, number, page_size=size, feed_url=root + FEED_PATH, url_of=url_of
    )
    if document is None:
        raise ResourceNotFoundError(f"the change feed has no page {number}")
    full = is_full(changes, number, size)
    return _answer(document, max_age=FULL_PAGE_MAX_AGE if full else settings.cache_max_age)


def _changes() -> list[Change]:
    store = state.published_store()
    return cached(store, "change-feed", lambda: read_changes(store, state.settings()))


def _answer(document: dict[str, object], *, max_age: int) -> Response:
    body = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    validators = rules.Validators(rules.etag_of(body.decode("utf-8")))
    headers = [*validators.headers(), rules.cache_for(max_age), rules.vary("Accept")]
    if rules.is_not_modified(
        validators, if_none_match=request.headers.get("If-None-Match"), if_modified_since=None
    ):
        return Response(status=304, headers=headers)
    request.environ[CACHEABLE] = True
    return Response(body, status=200, headers=headers, content_type=MEDIA_TYPE)
