"""The click group, its global options and the CLI error boundary (one line, then exit code)."""

from __future__ import annotations

import dataclasses
import importlib
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from chava.config import LOG_FORMAT, Settings
from chava.errors import PublisherError
from chava.validation.engines import ENGINES
from chava.validation.validation_progress import TerminalProgress


class PublisherGroup(click.Group):
    """Report PublisherErrors as one line on stderr, exiting with their exit_code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PublisherError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)
        except MemoryError:
            # Limits (input_*, harvest_max_statements) should stop input first; never a traceback.
            click.echo(
                "error: out of memory; lower the input or raise the machine's memory", err=True
            )
            ctx.exit(2)
        except RecursionError:
            click.echo("error: input nested too deeply for this command", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            # Ctrl-C before a server runs (a build under way): one line, the shell's code for it.
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=PublisherGroup)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Publication root (holds ontology/, data/, shapes/). Default: CHAVA_ROOT or '.'.",
)
@click.option("-v", "--verbose", count=True, help="Log more (-v: info, -vv: debug).")
@click.version_option(package_name="chava")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, verbose: int) -> None:
    """Publish a learning city's knowledge graph as linked data."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format=LOG_FORMAT)
    ctx.obj = SettingsHolder(root)


class SettingsHolder:
    """Reads Settings on first use, so `--help` works even with a broken settings file."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._settings: Settings | None = None

    def get(self) -> Settings:
        """Return the settings, reading them once."""
        if self._settings is None:
            self._settings = Settings.load(root=self.root)
        return self._settings


def settings_from(ctx: click.Context) -> Settings:
    """Return the Settings of the running command."""
    holder = ctx.find_object(SettingsHolder)
    if holder is None:  # a command invoked outside the group (tests may do this)
        return Settings.load()
    return holder.get()


def engine_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--engine NAME`: the SHACL engine, instead of the `validation_engine` setting."""
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default=None,
        help="SHACL engine: oxigraph (default: the fastest), rudof, or pyshacl (the "
        "reference); default: the validation_engine setting.",
    )(command)


def with_engine(settings: Settings, engine: str | None) -> Settings:
    """*settings* with `--engine` applied."""
    return dataclasses.replace(settings, validation_engine=engine) if engine else settings


def terminal_progress(settings: Settings) -> TerminalProgress:
    """Validation progress on stderr when it is a terminal, after `progress_after` seconds."""
    return TerminalProgress(sys.stderr, delay=settings.progress_after)


class LazyCommands(dict[str, click.Command]):
    """A group's commands, each imported from "module:attribute" the first time it is asked for.

    click reads a group's commands through `get`, iteration and `items`; listing them all
    (help, the docs test) imports them all, running one imports only that one.
    """

    def __init__(self, targets: dict[str, str]) -> None:
        super().__init__()
        self.targets = dict(targets)

    def _load(self, name: str) -> None:
        if dict.__contains__(self, name) or name not in self.targets:
            return
        module_name, _colon, attribute = self.targets[name].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        dict.__setitem__(self, name, command)

    def _load_all(self) -> None:
        for name in self.targets:
            self._load(name)

    def get(self, name: str, default: Any = None) -> Any:
        """The command *name* (imported now if needed), or *default*."""
        self._load(name)
        return dict.get(self, name, default)

    def __getitem__(self, name: str) -> click.Command:
        self._load(name)
        return dict.__getitem__(self, name)

    def __contains__(self, name: object) -> bool:
        return name in self.targets or dict.__contains__(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted({*self.targets, *dict.keys(self)}))

    def __len__(self) -> int:
        return len({*self.targets, *dict.keys(self)})

    def items(self) -> Any:
        """Every command, all imported."""
        self._load_all()
        return dict.items(self)

    def values(self) -> Any:
        """Every command, all imported."""
        self._load_all()
        return dict.values(self)

    def keys(self) -> Any:
        """Every command name."""
        return list(iter(self))
