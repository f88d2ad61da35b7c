"""Content negotiation: pick the offered format a request prefers (pure, no HTTP framework)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from chava.errors import NotAcceptableError
from chava.formats import Format


def negotiate(
    offered: Sequence[Format], accept_header: str | None, requested: str | None = None
) -> Format:
    """Return the offered format the client wants.

    An explicit choice (*requested*: a `?format=` value or a URL suffix) beats `Accept`. With no
    usable `Accept` (absent, empty, `*/*`, or nothing werkzeug can parse) the first offered
    format wins. Raises NotAcceptableError, listing the offered media types, when nothing fits.
    """
    if not offered:
        raise ValueError("nothing offered")
    if requested is not None:
        return _requested(offered, requested)
    if len(accept_header or "") <= _MEMO_HEADER:
        return _negotiated(tuple(offered), accept_header)
    return _negotiate(offered, accept_header)


_MEMO_HEADER = 512
"""Longest Accept header whose outcome is remembered (clients send a handful of them)."""


@functools.lru_cache(maxsize=256)
def _negotiated(offered: tuple[Format, ...], accept_header: str | None) -> Format:
    """_negotiate, remembered: parsing Accept with werkzeug costs more than a query's screening.

    A pure function of its arguments; NotAcceptableError is raised each time (never cached).
    """
    return _negotiate(offered, accept_header)


def _negotiate(offered: Sequence[Format], accept_header: str | None) -> Format:
    accept = parse_accept(accept_header)
    if not accept:
        return offered[0]
    # Primary media types first, so that ties (*/*, text/*) go to the earliest offered format;
    # aliases (application/json for JSON-LD, text/plain for N-Triples) come last.
    candidates: dict[str, Format] = {}
    for candidate in offered:
        candidates.setdefault(candidate.media_type, candidate)
    for candidate in offered:
        for alias in candidate.aliases:
            if "/" in alias:
                candidates.setdefault(alias, candidate)
    best = accept.best_match(list(candidates))
    if best is None:
        raise NotAcceptableError(
            f"none of the media types in Accept ({accept_header!r}) is offered here",
            [candidate.media_type for candidate in offered],
        )
    return candidates[best]


def parse_accept(accept_header: str | None) -> MIMEAccept:
    """Parse an Accept header with werkzeug, dropping media-type parameters other than q.

    `application/ld+json;profile="..."` must still match JSON-LD; werkzeug keeps parameters in
    the value and would match nothing. Malformed items are dropped by werkzeug, never raised.
    """
    if not accept_header or not accept_header.strip():
        return MIMEAccept()
    parsed = parse_accept_header(accept_header, MIMEAccept)
    cleaned: list[tuple[str, float]] = []
    for value, quality in parsed:
        media_type = value.split(";", 1)[0].strip().lower()
        if media_type.count("/") == 1 and all(media_type.split("/")):
            cleaned.append((media_type, quality))
    return MIMEAccept(cleaned)


def _requested(offered: Sequence[Format], requested: str) -> Format:
    wanted = requested.strip().lower()
    for candidate in offered:
        if wanted in candidate.names():
            return candidate
    raise NotAcceptableError(
        f"format {requested[:40]!r} is not offered here",
        [f"{candidate.extension} ({candidate.media_type})" for candidate in offered],
    )
