"""`chava serve`: build if the sources changed, then serve with granian (or Flask's dev server)."""

from __future__ import annotations

import dataclasses
import errno
import logging
import socket
from pathlib import Path
from typing import Any

import click

from chava.building.build import build_dataset, build_publication, up_to_date_build
from chava.building.build_check import choose_build, open_verified
from chava.building.build_inputs import data_settings
from chava.building.builds import Build
from chava.cli.group import settings_from
from chava.config import Settings
from chava.errors import PortInUseError, ShaclEngineError
from chava.sparql import sandbox
from chava.sparql.egress import targets_of

logger = logging.getLogger(__name__)


@click.command("serve")
@click.option("--host", default=None, help="Interface to listen on (default: setting `host`).")
@click.option("--port", type=int, default=None, help="Port (default: setting `port`).")
@click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Serve these RDF files or folders (named graphs kept) instead of the publication.",
)
@click.option("--workers", type=int, default=None, help="Worker processes (setting web_workers).")
@click.option("--threads", type=int, default=None, help="Threads per worker (web_threads).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation when (re)building.")
@click.option("--dev", is_flag=True, help="Use Flask's development server (reloader off).")
@click.option(
    "--store",
    "store_url",
    default=None,
    help="Read the build from this SPARQL 1.1 query endpoint, or several separated by spaces "
    "(replicas; setting store_url); push the build there first with `chava publish --to`.",
)
@click.pass_context
def serve_command(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    data_paths: tuple[Path, ...],
    workers: int | None,
    threads: int | None,
    no_validate: bool,
    dev: bool,
    store_url: str | None,
) -> None:
    """Serve the current build, building it first if the sources changed.

    Serving never refuses data: violations are logged as warnings (`chava build` is the gate).
    `--data` datasets are served as they are, unvalidated (check them with `chava validate`).
    A damaged current build is not served: the previous good one is, with a loud warning (exit
    2 if there is none). A build made while serving is served within a second, no restart.
    """
    settings = settings_from(ctx)
    overrides: dict[str, Any] = {
        name: value
        for name, value in (
            ("host", host),
            ("port", port),
            ("web_workers", workers),
            ("web_threads", threads),
            ("store_url", store_url),
        )
        if value is not None
    }
    settings = dataclasses.replace(settings, **overrides)
    check_serving_settings(settings)  # in one line, before a build or a worker starts
    check_port(settings.host, settings.port)
    # Before any build: a kernel refusing the query workers' namespaces stops here, in one line
    # (sparql_worker_isolation = "require"), or is logged loudly ("warn").
    sandbox.check(settings.sparql_worker_isolation)
    targets_of(settings.sparql_service_allowlist)  # only http(s) hosts the parent can reach
    paths = list(data_paths) or None
    ensure_build(settings, paths, validate=not no_validate and paths is None)
    if paths is not None:
        settings = data_settings(settings, paths)
    build = usable_build(settings)
    if settings.store_url:
        from chava.stores.remote_store import open_remote  # its HTTP client: with --store only

        # Fails early, in one line, if the engine lacks the build (or cannot be reached).
        open_remote(settings, build).close()
        logger.warning("reading build %s from %s", build.build_id, settings.store_url)
    # The start line is said at INFO, and shown without -v: it is what the person waits for.
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    logger.info("serving build %s on %s (Ctrl-C to stop)", build.build_id, server_url(settings))
    # Imported here: granian and Flask load only when serving, not for `chava build`.
    from chava.web.server import run_development_server, run_server

    if dev:
        run_development_server(settings, build)
    else:
        run_server(settings, build)
    logger.info("stopped")


def server_url(settings: Settings) -> str:
    """The URL `chava serve` answers on (an IPv6 host in brackets)."""
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"http://{host}:{settings.port}/"


def check_port(host: str, port: int) -> None:
    """Raise PortInUseError (one line, exit 2) when *host*:*port* cannot be listened on.

    Checked before anything is built or started, with the socket options the server uses
    (SO_REUSEADDR: a port left in TIME_WAIT is free), so a busy port is said in one line.
    """
    other = port + 1 if 0 < port < 65535 else 8081
    advice = f"choose another with --port {other} (or CHAVA_PORT={other}, make serve PORT={other})"
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OverflowError) as error:
        raise PortInUseError(f"cannot listen on {host}:{port}: {error}") from None
    family, kind, protocol, _name, address = addresses[0]
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUseError(
                    f"port {port} on {host} is already in use by another program; {advice}"
                ) from None
            reason = error.strerror or str(error)
            raise PortInUseError(f"cannot listen on {host}:{port} ({reason}); {advice}") from None


def check_serving_settings(settings: Settings) -> None:
    """Raise ConfigError for a serving setting the web workers would refuse at start-up."""
    from chava.web.origin import public_origin  # not the web stack: one line, then exit

    public_origin(settings.public_base_url)


def usable_build(settings: Settings) -> Build:
    """The build to serve: the current one if whole, else the newest good one (loudly).

    Raises StoreError (one line, exit 2) when no build is usable.
    """
    local = not settings.store_url

    def check(build: Build) -> Build:
        open_verified(build, thorough=False, local_store=local)
        return build

    build, _problems = choose_build(settings.build_path, check)
    return build


def ensure_build(settings: Settings, paths: list[Path] | None, *, validate: bool) -> Build:
    """Return the current build if its sources are unchanged, else build leniently."""
    existing = up_to_date_build(settings, paths)
    if existing is not None:
        logger.info("sources unchanged: serving build %s", existing.build_id)
        return existing
    try:
        return _build(settings, paths, validate=validate)
    except ShaclEngineError as error:
        logger.warning("validation could not run (%s): publishing unvalidated", error)
        return _build(settings, paths, validate=False)


def _build(settings: Settings, paths: list[Path] | None, *, validate: bool) -> Build:
    if paths is not None:
        return build_dataset(settings, paths, validate=validate, allow_invalid=True)
    return build_publication(settings, validate=validate, allow_invalid=True)
