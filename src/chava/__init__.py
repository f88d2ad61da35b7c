"""chava: publish a learning city's knowledge graph as linked data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chava.errors import PublisherError

if TYPE_CHECKING:
    from chava.config import Settings

__all__ = ["PublisherError", "Settings"]


def __getattr__(name: str) -> Any:
    """`chava.Settings` on first use: a query worker (`chava.sparql.worker`) imports the
    package but never the settings, and starts lighter without them."""
    if name == "Settings":
        from chava.config import Settings

        return Settings
    raise AttributeError(f"module 'chava' has no attribute {name!r}")
