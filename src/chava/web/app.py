"""The application factory: the only place that assembles Flask, and the HTTP error boundary."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from chava.building.builds import Build
from chava.config import Settings
from chava.errors import PublisherError
from chava.sparql.clients import ClientLedger
from chava.sparql.endpoint import QueryService
from chava.web import (
    api,
    change_feed,
    contributions,
    dumps,
    harvest,
    health,
    pages,
    resource_edits,
    resources,
    sparql,
    state,
    static,
    steward_auth,
    steward_pages,
)
from chava.web import response_rules as rules
from chava.web.hardening import HardenedApp, StartResponse
from chava.web.origin import public_origin
from chava.web.replies import Reply, error_reply, status_reply
from chava.web.response_cache import ResponseCache
from chava.web.served_build import (
    ENVIRON_KEY,
    BuildFollower,
    PinBuild,
    ServedBuild,
    StoreOpener,
)
from chava.web.sparql_answer import Limits
from chava.web.sparql_fast import SparqlFastPath
from chava.web.sparql_site import FlaskSparqlSite
from chava.web.sparql_state import SERVICE_KEY

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    build: Build | None = None,
    open_store: StoreOpener | None = None,
) -> Flask:
    """Build the WSGI application over *build* (default: the current build of *settings*).

    Without *build*, or when it is the current one, the app follows `current`: a new build is
    served without a restart (chava.web.served_build); a damaged current build is not served
    (the previous good one is, with a loud warning). *open_store* opens each build's store
    (default: its own, or the engine of `store_url`); tests read builds from an engine with it.
    """
    settings = settings or Settings.load()
    public_origin(settings.public_base_url)  # refuse a malformed one before anything starts
    follower = BuildFollower(settings, build, opener=open_store)
    # Static files are served by chava.web.static, with the validators of every other file.
    app = Flask(__name__, static_folder=None)
    # Bodies are capped while they are read, chunked ones too (werkzeug applies it to streams
    # the server marks `wsgi.input_terminated`, as granian and chava.web.gateway do): 413.
    app.config["MAX_CONTENT_LENGTH"] = settings.web_max_body_bytes
    app.extensions[state.SETTINGS_KEY] = settings
    app.extensions[state.FOLLOWER_KEY] = follower
    follower.on_switch = partial(_publish_current, app.extensions)
    _publish_current(app.extensions, follower.current)
    weakref.finalize(app, follower.close)  # stop the query workers with the app (or at exit)
    # Each feature blueprint module exposes init_app(app); add yours here, one line each.
    static.init_app(app)
    resources.init_app(app)
    dumps.init_app(app)
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
    app.after_request(_add_cors)
    # The WSGI stack, outermost first: the public host, security headers and SPARQL's
    # per-client limits; each request pinned to the build current when it arrives; repeated
    # requests replayed from memory; SPARQL GETs answered without the framework; Flask.
    flask_app = app.wsgi_app
    fast = SparqlFastPath(
        flask_app,
        _service_of(follower),
        partial(FlaskSparqlSite, app),
        Limits(settings.sparql_max_query_bytes, settings.web_max_body_bytes),
    )
    replay = ResponseCache(fast, settings.representation_cache_bytes)
    # The per-client ledger outlives any one build (it is shared through the build folder).
    ledger = ClientLedger.for_settings(settings)
    weakref.finalize(app, ledger.close)
    app.wsgi_app = HardenedApp(  # type: ignore[method-assign]
        PinBuild(replay, follower), partial(_report_refusal, app), settings, ledger
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


def _report_refusal(
    app: Flask, error: PublisherError, environ: dict[str, Any], start_response: StartResponse
) -> Iterable[bytes]:
    """Answer a request the hardening layer refused (429) with the report of *error*."""
    reply = error_reply(
        error, accept=environ.get("HTTP_ACCEPT"), site=FlaskSparqlSite(app, environ)
    )
    return reply.send(start_response, head=environ.get("REQUEST_METHOD") == "HEAD")


def _add_cors(response: Response) -> Response:
    """Every response of the app may be read from any origin; OPTIONS answers a preflight."""
    rules.apply_missing(response.headers, rules.cors_headers())
    if request.method == "OPTIONS":
        allowed = (response.headers.get("Allow") or "GET, HEAD").split(", ")
        rules.apply_missing(response.headers, rules.preflight_headers(allowed))
    return response


def _response(reply: Reply) -> Response:
    return Response(reply.body, status=reply.status, headers=reply.headers)


def _report_error(error: PublisherError) -> Response:
    return _response(error_reply(error, accept=request.headers.get("Accept"), site=_site()))


def _report_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    allowed: tuple[str, ...] = ()
    if status == 405 and error.response is None:
        allowed = tuple(getattr(error, "valid_methods", None) or ())
    reply = status_reply(
        status,
        error.name,
        error.description or error.name,
        accept=request.headers.get("Accept"),
        site=_site(),
        allowed=allowed,
    )
    return _response(reply)


def _report_unexpected(error: Exception) -> Response:
    # Details go to the log, never to the client (Trifid's rule).
    logger.exception("unexpected error on %s %s", request.method, request.path)
    reply = status_reply(
        500,
        "InternalServerError",
        "internal error; see the server log",
        accept=request.headers.get("Accept"),
        site=_site(),
    )
    return _response(reply)


def _site() -> FlaskSparqlSite:
    return FlaskSparqlSite()
