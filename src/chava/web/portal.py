"""The reference portal: one of the site's pages, filled by JavaScript from the public JSON-LD API.

The page shares the site's header, navigation and language links, and opens in the language
the site chose (`?lang=`, Accept-Language); its script reads only the API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from flask import Blueprint, Flask, Response, redirect

from chava.web import response_rules as rules
from chava.web.files import file_in, send_public_file
from chava.web.language import request_language
from chava.web.rendering import page_response, render_page
from chava.web.texts import texts_language

PORTAL_FOLDER = Path(__file__).parent / "static" / "portal"
TEXTS: Final = {
    "fr": {
        "title": "Portail",
        "tagline": "portail de référence",
        "sections": "Sections",
        "overview": "Aperçu",
        "themes": "Thématiques",
        "tools": "Outils",
        "search": "Recherche",
        "governance": "Gouvernance",
        "no_script": "Le portail a besoin de JavaScript ; les pages du site donnent les mêmes "
        "données sans lui.",
    },
    "en": {
        "title": "Portal",
        "tagline": "reference portal",
        "sections": "Sections",
        "overview": "Overview",
        "themes": "Themes",
        "tools": "Tools",
        "search": "Search",
        "governance": "Governance",
        "no_script": "The portal needs JavaScript; the site's pages give the same data without it.",
    },
}

blueprint = Blueprint("portal", __name__)


def init_app(app: Flask) -> None:
    """Serve the portal under /portal/."""
    app.register_blueprint(blueprint)


@blueprint.get("/portal")
def portal_redirect() -> Response:
    """`/portal` -> `/portal/` so relative links resolve."""
    return redirect("/portal/", code=301)  # type: ignore[return-value]


@blueprint.get("/portal/")
def portal_page() -> Response:
    """The portal page, in the language the site chose."""
    language, _explicit = request_language()
    texts = TEXTS[texts_language(language)]
    return page_response(render_page("portal.html", language, p=texts), language)


@blueprint.get("/portal/<path:name>")
def portal_file(name: str) -> Response:
    """The portal's script and stylesheet (a path leaving the folder is refused: 404)."""
    if name == "index.html":  # the address of the portal when it was a static page
        return redirect("/portal/", code=301)  # type: ignore[return-value]
    return send_public_file(file_in(PORTAL_FOLDER, name), cache=rules.cache_for(300))
