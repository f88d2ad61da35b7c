"""The public origin a server answers as (setting `public_base_url`), checked once.

A module of its own, importing nothing of the web stack: `chava serve` checks the setting in
one line before a build or a worker starts (chava.cli.serve), without loading Flask.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from chava.errors import ConfigError


def public_origin(public_base_url: str) -> tuple[str, str] | None:
    """The (scheme, host[:port]) of *public_base_url*, or None when it is empty."""
    if not public_base_url:
        return None
    parts = urlsplit(public_base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ConfigError(
            f"public_base_url: {public_base_url!r} is not an origin such as "
            "https://data.example.org (http or https, a host, no path)"
        )
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ConfigError(f"public_base_url: {public_base_url!r} has a query, fragment or user")
    return parts.scheme, parts.netloc
