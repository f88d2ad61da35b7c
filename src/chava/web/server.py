"""The production server: gunicorn's threaded workers, each opening the read-only store itself."""

from __future__ import annotations

import logging

from flask import Flask
from gunicorn.app.base import BaseApplication

from chava.builds import Build
from chava.config import Settings

logger = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 5


class ChavaServer(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn configured in code; each worker creates the app (and opens the store) after fork."""

    def __init__(self, settings: Settings, build: Build) -> None:
        self.settings = settings
        self.build = build
        super().__init__()

    def load_config(self) -> None:
        options = {
            "bind": f"{self.settings.host}:{self.settings.port}",
            "workers": max(1, self.settings.web_workers),
            "threads": max(1, self.settings.web_threads),
            "worker_class": "gthread",  # keeps connections alive, unlike the sync worker
            "keepalive": KEEPALIVE_SECONDS,
            "preload_app": False,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "chava",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from chava.web.app import create_app

        return create_app(self.settings, build=self.build)


def run_gunicorn(settings: Settings, build: Build) -> None:
    """Serve with gunicorn until interrupted."""
    ChavaServer(settings, build).run()


def run_development_server(settings: Settings, build: Build) -> None:
    """Serve with Flask's development server (`--dev`): one process, no reloader."""
    from chava.web.app import create_app

    create_app(settings, build=build).run(host=settings.host, port=settings.port, threaded=True)
