"""The application factory's seams: the store opener (no monkeypatching) and the fixture chain."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from chava.building.builds import Build
from chava.config import Settings
from chava.stores.store import PublishedStore
from chava.web.app import create_app
from chava.web.served_build import open_store
from tests.app_support import close_app


def test_the_store_opener_opens_every_build_the_app_serves(
    bundled_build: tuple[Settings, Build],
) -> None:
    settings, build = bundled_build
    opened: list[str] = []

    def recording(settings: Settings, build: Build) -> PublishedStore:
        opened.append(build.build_id)
        return open_store(settings, build)

    app = create_app(settings, build=build, open_store=recording)
    try:
        assert opened == [build.build_id]
        assert app.test_client().get("/.well-known/void").status_code == 200
    finally:
        close_app(app)


def test_the_chain_gives_an_app_a_client_and_a_runner(
    app: Flask, client: FlaskClient, runner: object
) -> None:
    assert client.application is app
    assert client.get("/health").get_json()["status"] == "ok"
    assert hasattr(runner, "invoke")
