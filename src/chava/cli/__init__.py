"""The `chava` command line: one click group; each command lives in a module of this package."""

from __future__ import annotations

from chava.cli.group import cli

__all__ = ["cli"]
