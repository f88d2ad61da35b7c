"""Serving the same build from the embedded store and from an engine, and diffing the answers."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pyoxigraph as ox
from flask.testing import FlaskClient

from chava.building.builds import Build
from chava.config import Settings
from chava.web.app import create_app

BLANK_LABEL = re.compile(r"_:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-]")
"""A blank node's label as Turtle, N-Triples and JSON-LD write it: engines choose their own."""

FORMATS = ("text/turtle", "application/ld+json", "text/html")


def normalized(body: bytes) -> str:
    """The answer with every blank node label the same (labels are not identifiers)."""
    return BLANK_LABEL.sub("_:b", body.decode("utf-8", "replace"))


def resource_paths(settings: Settings, build: Build) -> list[str]:
    """The local path of every resource the build describes under its data base."""
    store = ox.Store.read_only(str(build.store_path))
    prefix = settings.data_base_iri + "id/"
    found = {
        quad.subject.value
        for quad in store.quads_for_pattern(None, None, None, None)
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(prefix)
    }
    return sorted("/" + iri.removeprefix(settings.data_base_iri) for iri in found)


@contextmanager
def two_clients(
    settings: Settings, build: Build, store_url: str
) -> Iterator[tuple[FlaskClient, FlaskClient]]:
    """Test clients of one app on the embedded store and one on the engine at *store_url*."""
    local = create_app(settings, build=build)
    remote = create_app(dataclasses.replace(settings, store_url=store_url), build=build)
    yield local.test_client(), remote.test_client()


def differences(
    local: FlaskClient,
    remote: FlaskClient,
    paths: Iterable[str],
    accepts: Iterable[str] = FORMATS,
) -> list[str]:
    """Each path and format whose status or body differs (blank node labels aside)."""
    found = []
    for path in paths:
        for accept in accepts:
            mine = local.get(path, headers={"Accept": accept})
            theirs = remote.get(path, headers={"Accept": accept})
            if mine.status_code != theirs.status_code:
                found.append(f"{path} {accept}: {mine.status_code} != {theirs.status_code}")
            else:
                ours, other = normalized(mine.get_data()), normalized(theirs.get_data())
                if ours != other:
                    found.append(
                        f"{path} {accept}: bodies differ: {_first_difference(ours, other)}"
                    )
    return found


def _first_difference(ours: str, other: str) -> str:
    for mine, theirs in zip(ours.splitlines(), other.splitlines(), strict=False):
        if mine != theirs:
            return f"{mine[:160]!r} != {theirs[:160]!r}"
    return "one is longer"
