"""Error pages for people: in the page's language, saying what happened and where to go next.

The page names the status in words ("Page introuvable", "Not found") and gives the message; it
never names a Python class (JSON bodies keep the error's kind for machines).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import urlencode

from flask import has_request_context, request

from chava.errors import BadRequestError, PublisherError, QueryError, QuerySyntaxError
from chava.web.language import request_language
from chava.web.rendering import render_page
from chava.web.texts import texts_language

TITLES: Final[Mapping[str, Mapping[int, str]]] = {
    "fr": {
        400: "Requête incorrecte",
        401: "Connexion nécessaire",
        403: "Refusé",
        404: "Page introuvable",
        405: "Méthode non permise",
        406: "Format non disponible",
        408: "Requête trop lente",
        409: "Conflit",
        410: "Retiré",
        412: "Version dépassée",
        413: "Requête trop grande",
        414: "Adresse trop longue",
        415: "Type de contenu non accepté",
        422: "Données non conformes",
        428: "Version attendue",
        429: "Trop de requêtes",
        500: "Erreur interne",
        502: "Source distante en échec",
        503: "Service momentanément indisponible",
        504: "Source distante trop lente",
    },
    "en": {
        400: "Bad request",
        401: "Sign-in needed",
        403: "Refused",
        404: "Not found",
        405: "Method not allowed",
        406: "Format not available",
        408: "Request too slow",
        409: "Conflict",
        410: "Withdrawn",
        412: "Out-of-date version",
        413: "Request too large",
        414: "Address too long",
        415: "Content type not accepted",
        422: "Data does not conform",
        428: "Version required",
        429: "Too many requests",
        500: "Internal error",
        502: "Remote source failed",
        503: "Service unavailable for now",
        504: "Remote source too slow",
    },
}
EXPLANATIONS: Final[Mapping[str, Mapping[int, str]]] = {
    "fr": {
        404: "Rien n'est publié à cette adresse. Elle a peut-être été mal recopiée.",
        410: "Cette ressource a été publiée puis retirée.",
        429: "Attendez un peu avant de réessayer.",
        503: "Réessayez dans un instant.",
    },
    "en": {
        404: "Nothing is published at this address. It may have been mistyped.",
        410: "This resource was published, then withdrawn.",
        429: "Wait a little before trying again.",
        503: "Try again in a moment.",
    },
}
TEXTS: Final[Mapping[str, Mapping[str, str]]] = {
    "fr": {
        "error": "Erreur",
        "detail": "Détail",
        "edit_query": "Corriger la requête dans l'éditeur",
        "at": "ligne {line}, colonne {column}",
    },
    "en": {
        "error": "Error",
        "detail": "Detail",
        "edit_query": "Fix the query in the editor",
        "at": "line {line}, column {column}",
    },
}


def render_error_page(status: int, message: str, error: PublisherError | None = None) -> str:
    """The HTML page of an error, in the request's page language."""
    try:
        language, _explicit = request_language()
    except BadRequestError:  # the error page of a bad ?lang= itself
        language = ""
    words = texts_language(language or "en")
    texts = TEXTS[words]
    title = TITLES[words].get(status, texts["error"])
    return render_page(
        "error.html",
        language or words,
        status=status,
        title=title,
        explanation=EXPLANATIONS[words].get(status),
        message=message,
        e=texts,
        edit_href=_edit_href(error),
        position=_position(error, texts["at"]),
    )


def _edit_href(error: PublisherError | None) -> str | None:
    """The editor, opened on the refused query (for a query error of a request carrying one)."""
    if not isinstance(error, QueryError) or not has_request_context():
        return None
    query = request.values.get("query") if request.method in ("GET", "POST") else None
    if not query:
        return None
    return "/sparql/editor?" + urlencode({"query": query[:8000]})


def _position(error: PublisherError | None, template: str) -> str | None:
    if isinstance(error, QuerySyntaxError) and error.line and error.column:
        return template.format(line=error.line, column=error.column)
    return None
