"""Typed access to what create_app stores in `app.extensions` (narrowed once, here).

The build a request reads is the one it was pinned to when it arrived
(chava.web.served_build): a build switch never changes it halfway through a request.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request

from chava.config import Settings
from chava.stores.store import PublishedStore
from chava.web.served_build import ENVIRON_KEY, BuildFollower, ServedBuild

SETTINGS_KEY = "chava.settings"
STORE_KEY = "chava.stores.store"
"""The current build's PublishedStore (outside requests; kept up to date on a switch)."""
FOLLOWER_KEY = "chava.building.builds"


def settings() -> Settings:
    """The Settings of the running application."""
    value = current_app.extensions[SETTINGS_KEY]
    assert isinstance(value, Settings)
    return value


def follower() -> BuildFollower:
    """The app's BuildFollower (what it serves, and the switch to new builds)."""
    value = current_app.extensions[FOLLOWER_KEY]
    assert isinstance(value, BuildFollower)
    return value


def served_build() -> ServedBuild:
    """The build of this request (pinned when it arrived), or the current one outside requests."""
    if has_request_context():
        pinned = request.environ.get(ENVIRON_KEY)
        if isinstance(pinned, ServedBuild):
            return pinned
    return follower().current


def published_store() -> PublishedStore:
    """The read-only store of the build being served."""
    return served_build().store


def build_cache() -> dict[str, Any]:
    """Memos of the served build (they are dropped with it)."""
    return served_build().caches
