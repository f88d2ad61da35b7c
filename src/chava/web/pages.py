"""Pages for people: the language choice, resource pages, the generated ontology and shapes docs.

The routes for `/` and `/classes/` live in `chava.web.catalogue_pages`; the route serving
`/id/...` and `/learning-city/...` belongs to the publish blueprint, which calls
`choose_language`, `resource_html` and `document_html` when HTML is negotiated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal
from urllib.parse import urlencode

from flask import Flask, request
from markupsafe import Markup

from chava.describe import ResourceDescription
from chava.docs.ontology_docs import document_ontology
from chava.docs.shapes_docs import document_shapes
from chava.errors import BadRequestError, PublisherError
from chava.iri_mapping import local_path
from chava.labels import pick_text
from chava.language_tags import language_name
from chava.publication_iris import publication_iris
from chava.stores.store import PublishedStore
from chava.web import catalogue_pages, state
from chava.web.language import choose_language, request_language
from chava.web.linking import Linker
from chava.web.rendering import cached, lang_attrs, language_context, page_linker, render_page
from chava.web.resource_view import build_view
from chava.web.schema_org import schema_org, script_json
from chava.web.site import SiteText, site_title
from chava.web.texts import texts_for

__all__ = ["choose_language", "document_html", "init_app", "resource_html"]

PAGE_PARAMETERS = ("iri", "page")
"""Query parameters that choose what a page shows (besides `lang`)."""


def resource_html(
    description: ResourceDescription, *, lang: str, alternates: Sequence[tuple[str, str, str]]
) -> str:
    """Render the page of one resource; *alternates* are (label, media type, URL) per format."""
    settings = state.settings()
    linker = page_linker(description.labels, lang)
    view = build_view(description, linker)
    data = schema_org(
        description,
        language=lang,
        languages=settings.languages,
        skip_graphs=(publication_iris(settings).inferred,),
    )
    select = (
        "SELECT ?property ?value ?graph WHERE {\n"
        f"  GRAPH ?graph {{ <{description.iri}> ?property ?value }}\n"
        "}\nORDER BY ?property"
    )
    page_href = linker.href(description.iri)
    return render_page(
        "resource.html",
        lang,
        view=view,
        linker=linker,
        alternates=alternates,
        schema_json=Markup(script_json(data)),
        sparql_describe="/sparql?" + urlencode({"query": f"DESCRIBE <{description.iri}>"}),
        sparql_select="/sparql?" + urlencode({"query": select}),
        next_href=_incoming_href(linker, page_href, view.incoming_next_page),
        previous_href=_incoming_href(
            linker, page_href, view.incoming_page - 1 if view.incoming_page > 1 else None
        ),
    )


def document_html(kind: Literal["ontology", "shapes"], store: PublishedStore, *, lang: str) -> str:
    """Render the generated documentation of the ontology or of the SHACL shapes."""
    iris = publication_iris(state.settings())
    if kind == "ontology":
        ontology = cached(
            store, "ontology", lambda: document_ontology(store, graphs=(iris.ontology,))
        )
        return render_page(
            "ontology.html", lang, doc=ontology, linker=page_linker(ontology.labels, lang)
        )
    shapes = cached(store, "shapes", lambda: document_shapes(store, graphs=(iris.shapes,)))
    return render_page("shapes.html", lang, doc=shapes, linker=page_linker(shapes.labels, lang))


def init_app(app: Flask) -> None:
    """Register the home and class pages and the context every page template gets."""
    app.register_blueprint(catalogue_pages.blueprint)
    app.context_processor(_page_context)
    app.jinja_env.globals["pick"] = _pick
    app.jinja_env.globals["lang_attrs"] = lang_attrs


def _incoming_href(linker: Linker, page_href: str, page: int | None) -> str | None:
    if page is None:
        return None
    return linker.local(page_href, page=page)


def _pick(texts: Mapping[str, str], lang: str) -> tuple[str, str | None] | None:
    """Template helper: the text of *texts* ({tag: text}) to show in *lang*."""
    return pick_text(texts, lang, state.settings().languages)


def _page_context() -> dict[str, Any]:
    """What base.html needs on every page, error pages included."""
    settings = state.settings()
    try:
        language, _ = request_language()
    except BadRequestError:  # the error page of a bad ?lang= itself
        language = settings.languages[0]
    vocabulary = settings.vocabulary_base_iri
    # Only the parameters that select content: the page stays a function of path, language and
    # these (see rendering.page_linker).
    kept = {name: request.args[name] for name in PAGE_PARAMETERS if name in request.args}
    switches = [
        (code, request.path + "?" + urlencode({**kept, "lang": code}), language_name(code))
        for code in settings.languages
    ]
    return {
        **language_context(language),
        "site": _site_title(language),
        "lang_query": "?" + urlencode({"lang": language}),
        "language_links": switches,
        "ontology_href": local_path(settings, vocabulary + "def/core") or "/",
        "shapes_href": local_path(settings, vocabulary + "def/shapes") or "/",
        "contributions_open": settings.contributions_open,
    }


def _site_title(language: str) -> SiteText:
    fallback = texts_for(language)["site"]
    try:
        return site_title(language, fallback)
    except PublisherError:  # an error page while the store itself fails: still say something
        return SiteText(fallback, None)
