"""Who is asking: stewards' sign-in and sessions, CSRF tokens, same-origin checks, rate limits.

- A steward is signed in by the `chava_session` cookie (HttpOnly, SameSite=Lax, Secure on
  https, Path=/), made anew at each sign-in and deleted at sign-out, or by HTTP basic
  credentials, accepted only over a loopback connection or https (scripts).
- Every form carries a CSRF token: the HMAC, under the contributions folder's secret, of the
  browser's `chava_csrf` cookie (and, for a steward, of their session): a page of another site
  can neither read it nor make it. Form-encoded bodies without it are refused (403), whatever
  the credentials.
- A state-changing request from another site (`Origin` not ours, or `Sec-Fetch-Site:
  cross-site`) is refused (403) before anything else, token or not.
- Sign-in failures are limited per client and per account (`steward_login_attempts` in 15
  minutes; then 429 with Retry-After), across every web worker.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from chava.config import Settings
from chava.contributions.accounts import (
    Session,
    Sessions,
    Stewards,
    csrf_token,
    form_secret,
    same_token,
)
from chava.contributions.queue import ContributionQueue
from chava.contributions.throttle import Throttle
from chava.errors import ForbiddenError, TooManyRequestsError, UnauthorizedError
from chava.sparql.clients import client_key
from chava.web import response_rules as rules
from chava.web import state

SESSION_COOKIE: Final = "chava_session"
CSRF_COOKIE: Final = "chava_csrf"
CSRF_FIELD: Final = "csrf"
LOGIN_WINDOW: Final = 15 * 60.0
EXTENSION_KEY: Final = "chava.contributions"
FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
"""Bodies a page of another site can send without asking (CORS "simple" requests)."""


@dataclass(frozen=True)
class Contributions:
    """The contributions folder's parts a web worker uses."""

    queue: ContributionQueue
    stewards: Stewards
    sessions: Sessions
    secret: bytes
    logins: Throttle
    proposals: Throttle


def see_other(location: str) -> Response:
    """A 303 to a path of this site (after a form: the browser GETs it)."""
    return Response(status=303, headers={"Location": location})


def init_app(app: Flask) -> None:
    """Open the contributions folder (finishing a change a crash interrupted)."""
    settings = app.extensions[state.SETTINGS_KEY]
    assert isinstance(settings, Settings)
    queue = ContributionQueue(settings)
    queue.recover()
    folder = queue.folder
    app.extensions[EXTENSION_KEY] = Contributions(
        queue,
        Stewards(folder),
        Sessions(folder),
        form_secret(folder),
        Throttle(folder, "logins"),
        Throttle(folder, "proposals"),
    )


def contributions() -> Contributions:
    """The running app's contributions folder."""
    value = current_app.extensions[EXTENSION_KEY]
    assert isinstance(value, Contributions)
    return value


def client() -> str:
    """The client a request counts against (an IPv4 address or an IPv6 /64)."""
    return client_key(request.remote_addr or "unknown")


def is_https() -> bool:
    """Whether the request came over https (or the public base URL is https)."""
    return request.scheme == "https"


def session() -> Session | None:
    """The signed-in steward's session (an account removed since ends it)."""
    found = contributions().sessions.get(request.cookies.get(SESSION_COOKIE))
    if found is None or not contributions().stewards.exists(found.steward):
        return None
    return found


def steward() -> str | None:
    """The steward making the request: by session, or basic credentials (loopback or https)."""
    found = session()
    if found is not None:
        return found.steward
    authorization = request.headers.get("Authorization", "")
    if not authorization.lower().startswith("basic "):
        return None
    if not (is_https() or _loopback()):
        raise ForbiddenError("HTTP basic credentials are accepted over https or loopback only")
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise UnauthorizedError("malformed basic credentials") from None
    name, _colon, password = decoded.partition(":")
    if not check_password(name, password):
        raise UnauthorizedError("wrong steward name or password")
    return name


def require_steward() -> str:
    """The steward making the request; UnauthorizedError (401) for anyone else."""
    name = steward()
    if name is None:
        raise UnauthorizedError("sign in as a steward (/steward/login), or send basic credentials")
    return name


def check_password(name: str, password: str) -> bool:
    """Verify a sign-in, within the failure limits (TooManyRequestsError when passed)."""
    settings = state.settings()
    throttle = contributions().logins
    limit = settings.steward_login_attempts
    for key in (f"client:{client()}", f"account:{name[:64]}"):
        wait = throttle.retry_after(key, limit=limit, window=LOGIN_WINDOW)
        if wait:
            raise TooManyRequestsError(
                "too many failed sign-ins; wait before trying again", retry_after=wait
            )
    if contributions().stewards.verify(name, password):
        throttle.clear(f"client:{client()}")
        return True
    for key in (f"client:{client()}", f"account:{name[:64]}"):
        throttle.record(key, window=LOGIN_WINDOW)
    return False


def sign_in(response: Response, name: str) -> None:
    """Start a new session for *name* (any earlier one ends): set its cookie on *response*."""
    sessions = contributions().sessions
    sessions.end(request.cookies.get(SESSION_COOKIE))
    token = sessions.create(name, state.settings().steward_session_hours)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(state.settings().steward_session_hours * 3600),
        httponly=True,
        secure=is_https(),
        samesite="Lax",
        path="/",
    )
    rules.apply(response.headers, [rules.never_store()])


def sign_out(response: Response) -> None:
    """End the request's session and remove its cookie."""
    contributions().sessions.end(request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, secure=is_https(), samesite="Lax"
    )


def form_token(response: Response | None = None) -> str:
    """The CSRF token for forms on this page (setting the browser's seed cookie if needed)."""
    seed = request.cookies.get(CSRF_COOKIE)
    if not seed or len(seed) > 100:
        seed = getattr(request, "_chava_csrf_seed", None) or secrets.token_urlsafe(24)
        request._chava_csrf_seed = seed  # type: ignore[attr-defined]
    return csrf_token(contributions().secret, _bound(seed))


def set_seed_cookie(response: Response) -> None:
    """Set the CSRF seed cookie a page's forms were made with, if it is new."""
    seed = getattr(request, "_chava_csrf_seed", None)
    if seed:
        response.set_cookie(
            CSRF_COOKIE, seed, httponly=True, secure=is_https(), samesite="Lax", path="/"
        )


def private_response(response: Response) -> Response:
    """After every request of a blueprint whose pages carry a session or a form: the form's
    CSRF seed cookie is set, and the page is kept out of shared caches."""
    set_seed_cookie(response)
    rules.apply(response.headers, rules.private())
    return response


def check_form(values: dict[str, list[str]] | None = None) -> None:
    """Refuse (403) a state-changing request from another site, or a form without its token."""
    check_origin()
    content_type = (request.mimetype or "").lower()
    if content_type in FORM_TYPES or values is not None:
        given = (
            (values or {}).get(CSRF_FIELD, [None])[0] if values else request.form.get(CSRF_FIELD)
        )
        seed = request.cookies.get(CSRF_COOKIE)
        if not seed or not same_token(given, csrf_token(contributions().secret, _bound(seed))):
            raise ForbiddenError(
                "this form has no valid CSRF token: reload the page and send it again"
            )


def check_origin() -> None:
    """Refuse a request another site's page made (its Origin, or Sec-Fetch-Site)."""
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        raise ForbiddenError("a page of another site may not change anything here")
    origin = request.headers.get("Origin")
    if origin is None:
        return
    expected = urlsplit(request.host_url)
    given = urlsplit(origin) if origin != "null" else None
    if given is None or (given.scheme, given.netloc) != (expected.scheme, expected.netloc):
        raise ForbiddenError("a page of another site may not change anything here")


def check_proposal_rate() -> None:
    """Count one proposal for the client; TooManyRequestsError past the hourly limit."""
    settings = state.settings()
    throttle = contributions().proposals
    key = f"client:{client()}"
    wait = throttle.retry_after(key, limit=settings.contribution_rate_limit, window=3600)
    if wait:
        raise TooManyRequestsError(
            f"at most {settings.contribution_rate_limit} proposals an hour from one address",
            retry_after=wait,
        )
    throttle.record(key, window=3600)


def _bound(seed: str) -> str:
    found = session()
    return seed if found is None else f"{seed}:{found.csrf}"


def _loopback() -> bool:
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
