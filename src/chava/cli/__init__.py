"""The `chava` command line: one click group; each command lives in a module of this package.

Commands are imported when they run (or when help lists them): `chava serve` never imports
what `chava validate` or `chava harvest` need (pyshacl, rdflib), so the server's processes stay
small and start fast.
"""

from __future__ import annotations

from chava.cli.group import LazyCommands, cli

cli.commands = LazyCommands(
    {
        "validate": "chava.cli.validate:validate_command",
        "generate": "chava.cli.generate:generate_command",
        "build": "chava.cli.build:build_command",
        "serve": "chava.cli.serve:serve_command",
        "init": "chava.cli.init:init_command",
        "harvest": "chava.cli.harvest:harvest_command",
        "publish": "chava.cli.publish:publish_command",
        "steward": "chava.cli.steward:steward_command",
    }
)

__all__ = ["cli"]
