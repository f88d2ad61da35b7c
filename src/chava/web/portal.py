"""The reference portal: static HTML, CSS and JavaScript reading only the public JSON-LD API."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, redirect

from chava.web import response_rules as rules
from chava.web.files import file_in, send_public_file

PORTAL_FOLDER = Path(__file__).parent / "static" / "portal"

blueprint = Blueprint("portal", __name__)


def init_app(app: Flask) -> None:
    """Serve the portal under /portal/."""
    app.register_blueprint(blueprint)


@blueprint.get("/portal")
def portal_redirect() -> Response:
    """`/portal` -> `/portal/` so relative links resolve."""
    return redirect("/portal/", code=301)  # type: ignore[return-value]


@blueprint.get("/portal/")
@blueprint.get("/portal/<path:name>")
def portal_file(name: str = "index.html") -> Response:
    """A portal file (a path leaving the folder is refused: 404)."""
    return send_public_file(file_in(PORTAL_FOLDER, name), cache=rules.cache_for(300))
