"""Files sent as they are (dumps, the portal, static assets): validators, caching and ranges.

The validators and the 304 are chava.web.response_rules'; werkzeug's send_file reads the file
(granian sends it from disk, chava.web.gateway) and answers Range requests (206, 416).
"""

from __future__ import annotations

import mimetypes
from datetime import UTC, datetime
from pathlib import Path

from flask import Response, request, send_file
from werkzeug.security import safe_join

from chava.errors import ResourceNotFoundError
from chava.web import response_rules as rules

TEXT_TYPES = (
    "text/",
    "application/ld+json",
    "application/trig",
    "application/n-",
    "application/javascript",
    "application/json",
    "image/svg+xml",
)
"""Media types sent with `; charset=utf-8` (the files are UTF-8 text)."""


def send_public_file(
    path: Path,
    *,
    media_type: str | None = None,
    validators: rules.Validators | None = None,
    cache: tuple[str, str] | None = None,
) -> Response:
    """Send *path*: 304 when the client's copy is current, else the file (or a range of it).

    Without *validators* the file's own (size and modification time) are used; *cache* is the
    Cache-Control rule (default: revalidate each time).
    """
    stat = path.stat()
    if validators is None:
        modified = datetime.fromtimestamp(stat.st_mtime, UTC)
        validators = rules.Validators(
            rules.etag_of(path.name, str(stat.st_size), str(stat.st_mtime_ns)), modified
        )
    headers = [*validators.headers(), cache or rules.revalidate()]
    if rules.is_not_modified(
        validators,
        if_none_match=request.headers.get("If-None-Match"),
        if_modified_since=request.headers.get("If-Modified-Since"),
    ):
        return Response(status=304, headers=headers)
    media_type = media_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media_type.startswith(TEXT_TYPES):
        media_type += "; charset=utf-8"
    # werkzeug reads the file and answers Range requests; its own validators are not used.
    response = send_file(path, mimetype=media_type, conditional=False, etag=False)
    rules.apply(response.headers, [("Content-Type", media_type), *headers])
    return rules.with_ranges(response, request.environ, stat.st_size)


def file_in(folder: Path, name: str) -> Path:
    """The file *name* inside *folder*; ResourceNotFoundError if absent or outside it."""
    joined = safe_join(str(folder), name)
    if joined is None or not Path(joined).is_file():
        raise ResourceNotFoundError(f"no file {name[:80]!r} here")
    return Path(joined)
