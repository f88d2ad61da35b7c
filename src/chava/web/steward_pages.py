"""The stewards' sign-in and sign-out pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, request

from chava.web.contribution_texts import contribution_texts
from chava.web.language import request_language
from chava.web.rendering import render_page
from chava.web.steward_auth import (
    CSRF_FIELD,
    check_form,
    check_password,
    form_token,
    private_response,
    see_other,
    session,
    sign_in,
    sign_out,
)

blueprint = Blueprint("stewards", __name__)


def init_app(app: Flask) -> None:
    """Register the sign-in pages."""
    app.register_blueprint(blueprint)


blueprint.after_request(private_response)


@blueprint.get("/steward/login")
def login_page() -> Response:
    """The sign-in form."""
    return _login(status=200)


@blueprint.post("/steward/login")
def login() -> Response:
    """Sign in: a new session (any earlier one ends), then back to where the steward was."""
    check_form()
    name = request.form.get("name", "").strip()[:64]
    password = request.form.get("password", "")
    if not check_password(name, password):
        return _login(status=401, failed=True, name=name)
    response = see_other(_next())
    sign_in(response, name)
    return response


@blueprint.post("/steward/logout")
def logout() -> Response:
    """Sign out: the session is deleted."""
    check_form()
    response = see_other("/")
    sign_out(response)
    return response


def _login(*, status: int, failed: bool = False, name: str = "") -> Response:
    lang, _ = request_language()
    body = render_page(
        "contributions/login.html",
        lang,
        ct=contribution_texts(lang),
        csrf_field=CSRF_FIELD,
        csrf=form_token(),
        failed=failed,
        name=name,
        next=_next(),
        signed_in=session(),
    )
    return Response(body, status=status, mimetype="text/html")


def _next() -> str:
    """Where to go after signing in: a path of this site only (never another site)."""
    wanted = request.values.get("next", "/contributions")
    parts = urlsplit(wanted)
    if parts.scheme or parts.netloc or not wanted.startswith("/") or wanted.startswith("//"):
        return "/contributions"
    if "\\" in wanted:
        return "/contributions"
    return wanted
