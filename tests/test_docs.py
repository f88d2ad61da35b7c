"""The README documents what exists: every CLI command, every setting, the two first commands."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from chava.cli import cli
from chava.config import ENV_PREFIX, Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def section(name: str) -> str:
    """The text between `<!-- BEGIN name ... -->` and `<!-- END name -->`."""
    match = re.search(
        rf"<!-- BEGIN {re.escape(name)}\b[^>]*-->(.*?)<!-- END {re.escape(name)} -->",
        readme(),
        flags=re.DOTALL,
    )
    assert match is not None, f"README has no {name} section"
    return match.group(1)


def command_lines(group: click.Group, prefix: str = "chava") -> Iterator[str]:
    """`chava validate`, `chava build`, and `chava <group> <sub>` for nested groups."""
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        yield f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from command_lines(command, f"{prefix} {name}")


def test_readme_opens_with_make_serve_and_make_test() -> None:
    lines = readme().splitlines()
    assert lines[0].startswith("# ")
    fence = next(index for index, line in enumerate(lines) if line.startswith("```"))
    assert all(not line.strip() for line in lines[1:fence]), "the commands come first"
    commands = [line.split("#")[0].strip() for line in lines[fence + 1 : fence + 3]]
    assert commands == ["make serve", "make test"]


@pytest.mark.parametrize("command", list(command_lines(cli)))
def test_readme_mentions_every_command(command: str) -> None:
    assert command in readme(), f"README.md does not document `{command}`"


@pytest.mark.parametrize("setting", [setting.name for setting in dataclasses.fields(Settings)])
def test_settings_table_has_a_row_for_every_setting(setting: str) -> None:
    table = section("settings")
    environment = ENV_PREFIX + setting.upper()
    row = re.search(rf"^\| `{setting}` \| `{environment}` \|", table, flags=re.MULTILINE)
    assert row is not None, f"README settings table has no row for {setting} ({environment})"


def test_readme_sections_are_balanced() -> None:
    text = readme()
    begins = re.findall(r"<!-- BEGIN (\S+)", text)
    ends = re.findall(r"<!-- END (\S+) -->", text)
    assert begins == ends
    assert len(set(begins)) == len(begins)
