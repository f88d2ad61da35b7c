"""chava: publish a learning city's knowledge graph as linked data."""

from __future__ import annotations

from chava.config import Settings
from chava.errors import PublisherError

__all__ = ["PublisherError", "Settings"]
