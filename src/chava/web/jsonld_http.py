"""HTTP plumbing shared by the JSON-LD routes: strong ETags, 304s and cache headers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from flask import Response, request
from werkzeug.http import is_resource_modified

from chava.errors import NotAcceptableError

JSON_LD_TYPE = "application/ld+json; charset=utf-8"
ACCEPTED = ("application/ld+json", "application/json")


def json_response(
    body: bytes,
    *,
    etag_key: str,
    max_age: int,
    content_type: str = JSON_LD_TYPE,
    headers: Mapping[str, str] | None = None,
    immutable: bool = False,
) -> Response:
    """A 200 (or 304 for a matching If-None-Match) with a strong ETag derived from *etag_key*."""
    etag = hashlib.sha256(etag_key.encode("utf-8")).hexdigest()[:32]
    cache_control = f"public, max-age={max_age}" + (", immutable" if immutable else "")
    common = {
        "ETag": f'"{etag}"',
        "Cache-Control": cache_control,
        "Vary": "Accept",
        "Access-Control-Allow-Origin": "*",
        **(headers or {}),
    }
    if not is_resource_modified(request.environ, etag=etag):
        return Response(status=304, headers=common)
    response = Response(body, status=200, headers=common)
    response.content_type = content_type
    return response


def require_json() -> None:
    """Refuse (406) a request whose Accept admits no JSON; a missing Accept is fine."""
    accept = request.accept_mimetypes
    if request.headers.get("Accept") and not any(accept[media] for media in ACCEPTED):
        raise NotAcceptableError("this resource is JSON-LD only", ACCEPTED)
