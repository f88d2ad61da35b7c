"""Typed access to what create_app stores in `app.extensions` (narrowed once, here)."""

from __future__ import annotations

from flask import current_app

from chava.config import Settings
from chava.store import PublishedStore

SETTINGS_KEY = "chava.settings"
STORE_KEY = "chava.store"


def settings() -> Settings:
    """The Settings of the running application."""
    value = current_app.extensions[SETTINGS_KEY]
    assert isinstance(value, Settings)
    return value


def published_store() -> PublishedStore:
    """The read-only store of the build being served."""
    value = current_app.extensions[STORE_KEY]
    assert isinstance(value, PublishedStore)
    return value
