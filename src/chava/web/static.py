"""`/static/...`: the site's stylesheet, scripts and icons, with the validators of every file."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response

from chava.web.files import file_in, send_public_file

STATIC_FOLDER = Path(__file__).parent / "static"


def init_app(app: Flask) -> None:
    """Register the `static` endpoint templates link to with url_for."""
    app.add_url_rule("/static/<path:filename>", "static", serve_static)


def serve_static(filename: str) -> Response:
    """A static file (revalidated each time: its ETag says when it changed)."""
    return send_public_file(file_in(STATIC_FOLDER, filename))
