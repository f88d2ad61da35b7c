"""Making apps in tests: create_app with the session's store seam, and stopping them."""

from __future__ import annotations

from flask import Flask

from chava.building.builds import Build
from chava.config import Settings
from chava.web import state
from chava.web.app import create_app
from tests.remote_store_support import store_opener


def new_app(settings: Settings | None = None, *, build: Build | None = None) -> Flask:
    """create_app as tests use it: from the session's engines under CHAVA_TEST_STORE."""
    return create_app(settings, build=build, open_store=store_opener())


def close_app(app: Flask) -> None:
    """Stop the app's query workers and release its builds."""
    follower = app.extensions.get(state.FOLLOWER_KEY)
    if follower is not None:
        follower.close()
