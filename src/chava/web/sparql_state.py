"""Typed access to the SPARQL endpoint's per-app objects: the query service and the catalogue."""

from __future__ import annotations

from typing import Final

from chava.publication_iris import publication_iris
from chava.sparql.catalogue import ExampleQuery, read_catalogue
from chava.sparql.endpoint import QueryService
from chava.web import state
from chava.web.rendering import cached

SERVICE_KEY: Final = "chava.sparql"
"""The current build's QueryService (outside requests; kept up to date on a build switch)."""


def query_service() -> QueryService:
    """The QueryService of the build this request runs on (each build has its own)."""
    return state.served_build().service


def catalogue() -> tuple[ExampleQuery, ...]:
    """The example queries of the served build (read once per build)."""
    store = state.published_store()
    graph = publication_iris(state.settings()).queries
    return cached(store, "sparql.catalogue", lambda: read_catalogue(store, graph=graph))
