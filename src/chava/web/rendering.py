"""Shared by every page: rendering in a language, links for it, and a per-build cache."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Response, current_app, render_template, request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from chava.language_tags import direction
from chava.stores.store import PublishedStore
from chava.web import response_rules as rules
from chava.web import state
from chava.web.linking import Linker
from chava.web.texts import texts_for, texts_language

CACHE_KEY = "chava.pages.cache"
T = TypeVar("T")


def render_page(template: str, lang: str, **context: Any) -> str:
    """Render a page template in *lang*, with the page texts of that language as `t`."""
    return render_template(template, **language_context(lang), **context)


def language_context(lang: str) -> dict[str, Any]:
    """What templates know of the page's language.

    `lang` is the page language (labels are picked in it, links keep it); `doc_lang` and
    `doc_dir` are those of the page texts `t` (English when *lang* has no translation): the
    `<html>` element says them, and every text in another language says its own
    (`lang_attrs`).
    """
    document = texts_language(lang)
    return {
        "lang": lang,
        "doc_lang": document,
        "doc_dir": direction(document),
        "t": texts_for(lang),
    }


@pass_context
def lang_attrs(context: Context, tag: str | None, always: bool = False) -> Markup:
    """` lang="..."` (and `dir`) for a text tagged *tag* inside the page's document language.

    Nothing for an untagged text or one in the document's language (unless *always*); `dir`
    when the text's direction differs from the document's (Arabic labels on an English page).
    """
    if not tag:
        return Markup("")
    # Stores give tags in lower case (`zh-hans`): say a configured language as configured.
    tag = next((known for known in state.settings().languages if known.lower() == tag.lower()), tag)
    document = str(context.get("doc_lang") or "en")
    attributes = ""
    if always or tag.lower() != document.lower():
        attributes += f' lang="{escape(tag)}"'
    if direction(tag) != direction(document):
        attributes += f' dir="{direction(tag)}"'
    return Markup(attributes)


def page_response(body: str, lang: str) -> Response:
    """An HTML page in *lang* with its validators: a page changes only with the build (304)."""
    settings = state.settings()
    validators = rules.Validators(rules.etag_of(body), state.published_store().build.created)
    headers = [
        ("Content-Language", lang),
        rules.vary("Accept-Language"),
        rules.cache_for(settings.cache_max_age),
        *validators.headers(),
    ]
    if rules.is_not_modified(
        validators,
        if_none_match=request.headers.get("If-None-Match"),
        if_modified_since=request.headers.get("If-Modified-Since"),
    ):
        return Response(status=304, headers=headers)
    return Response(body, mimetype="text/html", headers=headers)


def page_linker(labels: Mapping[str, Mapping[str, str]], lang: str) -> Linker:
    """A Linker for a page in *lang*: local links carry `?lang=` so the reader stays in it.

    Always, not only after an explicit choice: a page is then a function of its IRI, language
    and page number alone, which the representation cache and shared HTTP caches rely on.
    """
    return Linker(state.settings(), labels, lang)


def cached(store: PublishedStore, key: str, compute: Callable[[], T]) -> T:
    """Compute *key* once per build of the running app (the published graph never changes).

    Kept with the served build *store* belongs to, so the memos go when the build does.
    """
    served = state.served_build()
    cache: dict[str, Any] = served.caches if served.store is store else _other_cache(store)
    full_key = f"{CACHE_KEY}:{key}"
    if full_key not in cache:
        cache[full_key] = compute()
    value: T = cache[full_key]
    return value


def _other_cache(store: PublishedStore) -> dict[str, Any]:
    """Memos of a store that is not the served build's (tests render other stores)."""
    caches: dict[tuple[str, str], dict[str, Any]] = current_app.extensions.setdefault(CACHE_KEY, {})
    return caches.setdefault((str(store.build.path), store.build.build_id), {})
