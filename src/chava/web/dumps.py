"""`/dumps/`: the build's dump files, listed on an index page, each with its ETag (its SHA-256),
Last-Modified (the build's date) and ranges."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, Response

from chava.building.dumps import DUMP_KINDS
from chava.errors import ResourceNotFoundError
from chava.web import response_rules as rules
from chava.web import state
from chava.web.files import send_public_file
from chava.web.language import request_language
from chava.web.rendering import page_response, render_page
from chava.web.texts import texts_language

blueprint = Blueprint("dumps", __name__)

GZIP = "application/gzip"
TEXTS = {
    "fr": {
        "title": "Téléchargements",
        "intro": "Le jeu de données entier, dans plusieurs formats RDF, tel que cette version "
        "le publie. Chaque fichier a sa somme SHA-256 (son ETag).",
        "file": "Fichier",
        "format": "Format",
        "size": "Octets",
        "none": "Cette version ne publie aucun fichier.",
        "build": "Version :",
    },
    "en": {
        "title": "Downloads",
        "intro": "The whole dataset, in several RDF formats, as this build publishes it. Each "
        "file has its SHA-256 checksum (its ETag).",
        "file": "File",
        "format": "Format",
        "size": "Bytes",
        "none": "This build publishes no file.",
        "build": "Build:",
    },
}


@dataclass(frozen=True)
class Dump:
    """One dump of the build, as the index page lists it."""

    name: str
    href: str
    media_type: str
    gzip: bool
    size: int | None
    sha256: str
    description: str


def init_app(app: Flask) -> None:
    """Register the dumps routes."""
    app.register_blueprint(blueprint)


@blueprint.get("/dumps/")
def dump_index() -> Response:
    """The dumps of the served build: name, format, size and checksum of each."""
    language, _explicit = request_language()
    build = state.published_store().build
    texts = TEXTS[texts_language(language)]
    body = render_page("dumps.html", language, d=texts, dumps=build_dumps(), build=build)
    return page_response(body, language)


def build_dumps() -> list[Dump]:
    """The dumps the served build's manifest lists (only these are ever served)."""
    build = state.published_store().build
    titles = {kind.name: kind.title for kind in DUMP_KINDS}
    dumps = []
    for entry in build.manifest.get("dumps", ()):
        name = str(entry["name"])
        size = entry.get("byte_size")
        dumps.append(
            Dump(
                name=name,
                href=f"/dumps/{name}",
                media_type=str(entry.get("media_type", "")),
                gzip=bool(entry.get("gzip")),
                size=int(size) if isinstance(size, int) else None,
                sha256=str(entry.get("sha256", "")),
                description=titles.get(name, ""),
            )
        )
    return sorted(dumps, key=lambda dump: dump.name)


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
    return send_public_file(
        build.dumps_path / name,
        media_type=media_type,
        validators=rules.Validators(str(entry["sha256"]), build.created),
        cache=rules.cache_for(state.settings().cache_max_age),
    )
