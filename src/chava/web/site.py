"""What the site calls itself: its dataset's title and description, read from the published data.

A publication names itself in its own data (`dcterms:title` and `dcterms:description` of its
dataset, `data/dataset.trig`; `chava build` adds a neutral title when the data has none). Pages,
the portal and the SPARQL editor show them in the page's language, with the usual fallbacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chava import namespaces
from chava.labels import DESCRIPTION_PREDICATES, fetch_labels, pick_text
from chava.publication_iris import publication_iris
from chava.web import state
from chava.web.rendering import cached

TITLE_PREDICATES = (namespaces.DCTERMS + "title",)


@dataclass(frozen=True)
class SiteText:
    """A text of the site and its language tag (None when untagged)."""

    text: str
    language: str | None


def site_titles() -> Mapping[str, str]:
    """The dataset's titles, {language tag: title} ('' for an untagged one)."""
    return _texts("site-titles", TITLE_PREDICATES)


def site_descriptions() -> Mapping[str, str]:
    """The dataset's descriptions, {language tag: text}."""
    return _texts("site-descriptions", DESCRIPTION_PREDICATES)


def site_title(language: str, fallback: str) -> SiteText:
    """The site's title for a page in *language*; *fallback* when the data gives none."""
    found = pick_text(site_titles(), language, state.settings().languages)
    return SiteText(*found) if found else SiteText(fallback, None)


def site_description(language: str) -> SiteText | None:
    """The site's description for a page in *language*, if the data gives one."""
    found = pick_text(site_descriptions(), language, state.settings().languages)
    return SiteText(*found) if found else None


def _texts(key: str, predicates: tuple[str, ...]) -> Mapping[str, str]:
    store = state.published_store()
    iri = publication_iris(state.settings()).dataset
    found = cached(store, key, lambda: fetch_labels(store, [iri], predicates=predicates))
    return found.get(iri, {})
