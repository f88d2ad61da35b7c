"""The application factory: the only place that assembles Flask, and the HTTP error boundary."""

from __future__ import annotations

import logging
from typing import cast

import pyoxigraph as ox
from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from chava.builds import Build, current_build
from chava.config import Settings
from chava.errors import PublisherError
from chava.remote_store import open_remote
from chava.store import PublishedStore
from chava.web import api, cors, dumps, harvest, pages, resources, sparql, state
from chava.web.hardening import HardenedApp, public_origin
from chava.web.response_cache import ResponseCache
from chava.web.sparql_fast import SparqlFastPath
from chava.web.sparql_state import SERVICE_KEY

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, build: Build | None = None) -> Flask:
    """Build the WSGI application over *build* (default: the current build of *settings*)."""
    settings = settings or Settings.load()
    build = build or current_build(settings)
    public_origin(settings.public_base_url)  # refuse a malformed one before anything starts
    app = Flask(__name__)
    # Bodies are capped while they are read, chunked ones too (werkzeug applies it to streams
    # the server marks `wsgi.input_terminated`, as granian and chava.web.gateway do): 413.
    app.config["MAX_CONTENT_LENGTH"] = settings.web_max_body_bytes
    app.extensions[state.SETTINGS_KEY] = settings
    app.extensions[state.STORE_KEY] = open_store(settings, build)
    # Each feature blueprint module exposes init_app(app); add yours here, one line each.
    resources.init_app(app)
    dumps.init_app(app)
    cors.init_app(app)
    sparql.init_app(app)
    pages.init_app(app)
    api.init_app(app)
    harvest.init_app(app)
    # The WSGI stack, outermost first: the public host, security headers and SPARQL's
    # per-client limits; repeated requests replayed from memory; plain SPARQL GETs answered
    # without the framework; then Flask.
    service = app.extensions[SERVICE_KEY]
    flask_app = app.wsgi_app
    fast = SparqlFastPath(flask_app, service)
    cache = ResponseCache(fast, settings.representation_cache_bytes)
    app.wsgi_app = HardenedApp(cache, flask_app, settings, service.ledger)  # type: ignore[method-assign]
    app.register_error_handler(PublisherError, _report_error)
    app.register_error_handler(HTTPException, _report_http_exception)
    app.register_error_handler(Exception, _report_unexpected)
    return app


def open_store(settings: Settings, build: Build) -> PublishedStore:
    """The build's local store, or the external engine of `store_url` holding that build."""
    if not settings.store_url:
        return PublishedStore(build)
    remote = open_remote(settings, build)
    # RemoteStore offers the part of ox.Store that the readers use (see chava.remote_store).
    return PublishedStore(build, cast(ox.Store, remote))


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > 0


def _error_response(status: int, kind: str, message: str) -> Response:
    if _wants_html():
        body = render_template("error.html", status=status, kind=kind, message=message)
        response = Response(body, status=status, mimetype="text/html")
    else:
        response = jsonify(error=kind, status=status, message=message)
        response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept")
    return response


def _report_error(error: PublisherError) -> Response:
    response = _error_response(error.http_status, type(error).__name__, str(error))
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    allowed = getattr(error, "allowed", None)
    if allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _report_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    response = _error_response(status, error.name, error.description or error.name)
    if status == 405 and error.response is None:
        allowed = getattr(error, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


def _report_unexpected(error: Exception) -> Response:
    # Details go to the log, never to the client (Trifid's rule).
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return _error_response(500, "InternalServerError", "internal error; see the server log")
