"""Choosing the language of a page: `?lang=` beats Accept-Language, else the first configured."""

from __future__ import annotations

from collections.abc import Sequence

from flask import request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from chava.errors import BadRequestError
from chava.language_tags import match_language
from chava.web import state


def choose_language(
    accept_language: str | None, lang_param: str | None, languages: Sequence[str]
) -> str:
    """Pick the page language: `?lang=` beats Accept-Language (q-values), else languages[0].

    An empty `?lang=` counts as absent; a language not in *languages* is a BadRequestError.
    Accept-Language ranges match as `chava.language_tags.match_language` says (`zh` gets
    `zh-Hans`, `fr-BE` gets `fr`); `q=0` excludes.
    """
    if lang_param is not None and lang_param.strip():
        wanted = lang_param.strip().lower()
        for language in languages:
            if language.lower() == wanted:
                return language
        raise BadRequestError(
            f"unknown language {lang_param[:40]!r} in ?lang=; offered: {', '.join(languages)}"
        )
    if accept_language:
        ranges = list(parse_accept_header(accept_language, LanguageAccept))
        best = match_language(ranges, languages)
        if best is not None:
            return best
    return languages[0]


def request_language() -> tuple[str, bool]:
    """The language of the current request's page, and whether `?lang=` chose it."""
    lang_param = request.args.get("lang")
    language = choose_language(
        request.headers.get("Accept-Language"), lang_param, state.settings().languages
    )
    return language, bool(lang_param and lang_param.strip())
