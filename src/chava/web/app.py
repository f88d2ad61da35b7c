"""The application factory: the only place that assembles Flask, and the HTTP error boundary."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from chava.builds import Build
from chava.config import Settings
from chava.errors import PublisherError
from chava.sparql.clients import ClientLedger
from chava.sparql.endpoint import QueryService
from chava.web import (
    api,
    change_feed,
    contributions,
    cors,
    dumps,
    harvest,
    health,
    pages,
    resource_edits,
    resources,
    sparql,
    state,
    steward_auth,
    steward_pages,
)
from chava.web.hardening import HardenedApp, public_origin
from chava.web.response_cache import ResponseCache
from chava.web.served_build import ENVIRON_KEY, BuildFollower, PinBuild, ServedBuild
from chava.web.sparql_fast import SparqlFastPath
from chava.web.sparql_state import SERVICE_KEY

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, build: Build | None = None) -> Flask:
    """Build the WSGI application over *build* (default: the current build of *settings*).

    Without *build*, or when it is the current one, the app follows `current`: a new build is
    served without a restart (chava.web.served_build); a damaged current build is not served
    (the previous good one is, with a loud warning).
    """
    settings = settings or Settings.load()
    public_origin(settings.public_base_url)  # refuse a malformed one before anything starts
    follower = BuildFollower(settings, build)
    app = Flask(__name__)
    # Bodies are capped while they are read, chunked ones too (werkzeug applies it to streams
    # the server marks `wsgi.input_terminated`, as granian and chava.web.gateway do): 413.
    app.config["MAX_CONTENT_LENGTH"] = settings.web_max_body_bytes
    app.extensions[state.SETTINGS_KEY] = settings
    app.extensions[state.FOLLOWER_KEY] = follower
    follower.on_switch = partial(_publish_current, app.extensions)
    _publish_current(app.extensions, follower.current)
    weakref.finalize(app, follower.close)  # stop the query workers with the app (or at exit)
    # Each feature blueprint module exposes init_app(app); add yours here, one line each.
    resources.init_app(app)
    dumps.init_app(app)
    cors.init_app(app)
    sparql.init_app(app)
    pages.init_app(app)
    api.init_app(app)
    harvest.init_app(app)
    health.init_app(app)
    steward_auth.init_app(app)
    contributions.init_app(app)
    steward_pages.init_app(app)
    resource_edits.init_app(app)
    change_feed.init_app(app)
    # The WSGI stack, outermost first: the public host, security headers and SPARQL's
    # per-client limits; each request pinned to the build current when it arrives; repeated
    # requests replayed from memory; plain SPARQL GETs answered without the framework; Flask.
    flask_app = app.wsgi_app
    fast = SparqlFastPath(flask_app, _service_of(follower))
    replay = ResponseCache(fast, settings.representation_cache_bytes)
    # The per-client ledger outlives any one build (it is shared through the build folder).
    ledger = ClientLedger.for_settings(settings)
    weakref.finalize(app, ledger.close)
    app.wsgi_app = HardenedApp(  # type: ignore[method-assign]
        PinBuild(replay, follower), PinBuild(flask_app, follower), settings, ledger
    )
    app.register_error_handler(PublisherError, _report_error)
    app.register_error_handler(HTTPException, _report_http_exception)
    app.register_error_handler(Exception, _report_unexpected)
    return app


def _publish_current(extensions: dict[str, Any], served: ServedBuild) -> None:
    """Keep the current build's store and query service where code outside requests looks."""
    extensions[state.STORE_KEY] = served.store
    extensions[SERVICE_KEY] = served.service


def _service_of(follower: BuildFollower) -> Callable[[dict[str, Any]], QueryService]:
    def service_of(environ: dict[str, Any]) -> QueryService:
        pinned = environ.get(ENVIRON_KEY)
        served = pinned if isinstance(pinned, ServedBuild) else follower.current
        return served.service

    return service_of


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
