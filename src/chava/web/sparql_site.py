"""The site around the SPARQL endpoint, for chava.web.sparql_answer: pages and the description.

Pages are rendered with the app's templates in the request's context: the Flask route's own, or,
for the fast path (which answers before Flask runs), a context made for that request only when a
page is needed (a browser's request; machines never pay for it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, has_request_context

from chava.errors import PublisherError
from chava.formats import Format
from chava.labels import fetch_labels
from chava.sparql.service_description import describe_service, graph_sizes, serialize_description
from chava.web import sparql_pages, state
from chava.web.error_pages import render_error_page
from chava.web.language import request_language
from chava.web.rendering import cached, page_linker, render_page
from chava.web.results_table import download_links, iris_in, tabulate
from chava.web.sparql_answer import ResultsPage

MAX_LABELLED = 5000
"""IRIs of one result page whose labels are looked up (the rest show compact IRIs)."""


class FlaskSparqlSite:
    """A SparqlSite over the app's templates; *app* and *environ* when outside a request."""

    def __init__(self, app: Flask | None = None, environ: dict[str, Any] | None = None) -> None:
        self.app = app
        self.environ = environ

    @contextmanager
    def _request(self) -> Iterator[None]:
        if self.app is None or self.environ is None or has_request_context():
            yield
            return
        with self.app.request_context(self.environ):
            yield

    def editor_page(self) -> str:
        """The query editor (HTML)."""
        with self._request():
            return sparql_pages.editor_page()

    def results_page(self, page: ResultsPage) -> str:
        """The HTML page of a query's results."""
        with self._request():
            language, _explicit = request_language()
            iris = sorted(iris_in(page.body, page.carrier))[:MAX_LABELLED]
            labels = fetch_labels(state.published_store(), iris) if iris else {}
            table = tabulate(
                page.body,
                page.carrier,
                page_linker(labels, language),
                truncated=page.truncated,
                links=download_links(page.downloads),
            )
            return render_page(
                "sparql/results.html",
                language,
                s=sparql_pages.texts(language),
                page=page,
                table=table,
            )

    def error_page(self, status: int, kind: str, message: str, error: PublisherError) -> str:
        """The HTML page of an error."""
        with self._request():
            return render_error_page(status, message, error)

    def service_description(self, endpoint_iri: str, fmt: Format) -> bytes:
        """The service description in *fmt*, with the build's graph sizes."""
        with self._request():
            store = state.published_store()
            sizes = cached(store, "sparql.graph-sizes", lambda: graph_sizes(store))
            withheld = store.build.manifest.get("withheld_graphs") or ()
            triples = describe_service(endpoint_iri, state.settings(), sizes, withheld)
            return serialize_description(triples, fmt, state.settings())

    def page_language(self) -> str:
        """The language of this request's pages."""
        with self._request():
            return request_language()[0]
