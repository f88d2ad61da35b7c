"""HTTP plumbing shared by the JSON-LD routes: a JSON body with the response rules' headers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Response, request

from chava.errors import NotAcceptableError
from chava.web import response_rules as rules

JSON_LD_TYPE = "application/ld+json; charset=utf-8"
ACCEPTED = ("application/ld+json", "application/json")


def json_response(
    body: bytes,
    *,
    etag_key: str,
    max_age: int,
    content_type: str = JSON_LD_TYPE,
    headers: Mapping[str, str] | None = None,
    links: Iterable[rules.Link] = (),
    immutable: bool = False,
) -> Response:
    """A 200 (or 304 for a matching If-None-Match) with a strong ETag derived from *etag_key*."""
    validators = rules.Validators(rules.etag_of(etag_key))
    common = [
        *validators.headers(),
        rules.cache_for(max_age, immutable=immutable),
        rules.vary("Accept"),
        *(headers or {}).items(),
    ]
    link = rules.link_header(links)
    if link is not None:
        common.append(link)
    if rules.is_not_modified(
        validators, if_none_match=request.headers.get("If-None-Match"), if_modified_since=None
    ):
        return Response(status=304, headers=common)
    response = Response(body, status=200, headers=common)
    response.content_type = content_type
    return response


def require_json() -> None:
    """Refuse (406) a request whose Accept admits no JSON; a missing Accept is fine."""
    accept = request.accept_mimetypes
    if request.headers.get("Accept") and not any(accept[media] for media in ACCEPTED):
        raise NotAcceptableError("this resource is JSON-LD only", ACCEPTED)
