"""CORS for the public, read-only web: `Access-Control-Allow-Origin: *` and preflight answers."""

from __future__ import annotations

from flask import Flask, Response, request

ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since, Range"
EXPOSED_HEADERS = "ETag, Link, Content-Location, Content-Language, Last-Modified, Vary"
PREFLIGHT_MAX_AGE = "86400"


def init_app(app: Flask) -> None:
    """Add the CORS headers to every response the app sends (routes may set their own)."""
    app.after_request(add_cors_headers)


def add_cors_headers(response: Response) -> Response:
    """Allow any origin to read; answer a preflight with the methods the route allows."""
    headers = response.headers
    headers.setdefault("Access-Control-Allow-Origin", "*")
    headers.setdefault("Access-Control-Expose-Headers", EXPOSED_HEADERS)
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        headers.setdefault("Access-Control-Allow-Methods", headers.get("Allow", "GET, HEAD"))
        headers.setdefault("Access-Control-Allow-Headers", ALLOWED_HEADERS)
        headers.setdefault("Access-Control-Max-Age", PREFLIGHT_MAX_AGE)
    return response
