"""Typed access to the SPARQL endpoint's per-app objects: the query service and the catalogue."""

from __future__ import annotations

from typing import Final

from flask import current_app

from chava.publication_iris import publication_iris
from chava.sparql.catalogue import ExampleQuery, read_catalogue
from chava.sparql.endpoint import QueryService
from chava.web import state
from chava.web.rendering import cached

SERVICE_KEY: Final = "chava.sparql"


def query_service() -> QueryService:
    """The QueryService of the running app."""
    service = current_app.extensions[SERVICE_KEY]
    assert isinstance(service, QueryService)
    return service


def catalogue() -> tuple[ExampleQuery, ...]:
    """The example queries of the served build (read once per build)."""
    store = state.published_store()
    graph = publication_iris(state.settings()).queries
    return cached(store, "sparql.catalogue", lambda: read_catalogue(store, graph=graph))
