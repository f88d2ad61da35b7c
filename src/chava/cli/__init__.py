"""The `chava` command line: one click group; each command lives in a module of this package."""

from __future__ import annotations

from chava.cli.build import build_command
from chava.cli.generate import generate_command
from chava.cli.group import cli
from chava.cli.harvest import harvest_command
from chava.cli.init import init_command
from chava.cli.publish import publish_command
from chava.cli.serve import serve_command
from chava.cli.steward import steward_command
from chava.cli.validate import validate_command

cli.add_command(validate_command)
cli.add_command(generate_command)
cli.add_command(build_command)
cli.add_command(serve_command)
cli.add_command(init_command)
cli.add_command(harvest_command)
cli.add_command(publish_command)
cli.add_command(steward_command)

__all__ = ["cli"]
