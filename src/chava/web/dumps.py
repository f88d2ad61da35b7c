"""`/dumps/<name>`: the build's dump files, with ETag (their SHA-256), Last-Modified and ranges."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, send_file

from chava.errors import ResourceNotFoundError
from chava.web import state

blueprint = Blueprint("dumps", __name__)

GZIP = "application/gzip"


def init_app(app: Flask) -> None:
    """Register the dumps route."""
    app.register_blueprint(blueprint)


@blueprint.get("/dumps/<name>")
def serve_dump(name: str) -> Response:
    """Send one dump; only names the build's manifest lists exist, so no path leaves dumps/."""
    build = state.published_store().build
    entries = {str(entry["name"]): entry for entry in build.manifest.get("dumps", ())}
    entry = entries.get(name)
    if entry is None:
        known = ", ".join(sorted(entries)) or "none"
        raise ResourceNotFoundError(f"no dump named {name[:80]!r}; dumps: {known}")
    media_type = GZIP if entry.get("gzip") else str(entry["media_type"])
    response = send_file(
        build.dumps_path / name,
        mimetype=media_type,
        as_attachment=False,
        download_name=name,
        conditional=True,
        etag=str(entry["sha256"]),
        last_modified=build.created,
        max_age=state.settings().cache_max_age,
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    if media_type.startswith(("text/", "application/ld+json", "application/trig")):
        response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    return response
