"""The documentation documents what exists, and builds: README keeps the two commands first and
stays short; docs/ documents every CLI command and every setting, and builds as a site with
MkDocs (`--strict`: no broken link or anchor between its pages)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from chava.cli import cli
from chava.config import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_LIMIT = 300
"""Lines: the two commands, what chava is, the tour and links; the reference lives in docs/."""


def readme() -> str:
    return README.read_text(encoding="utf-8")


def docs() -> str:
    """Every page of docs/, one after the other."""
    return "\n".join(page.read_text(encoding="utf-8") for page in sorted(DOCS.glob("*.md")))


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


def test_readme_is_at_most_300_lines() -> None:
    assert len(readme().splitlines()) <= README_LIMIT


def test_readme_links_to_pages_that_exist() -> None:
    for target in re.findall(r"\]\((docs/[^)#\s]+)", readme()):
        assert (ROOT / target).is_file(), target
    linked = set(re.findall(r"\]\(docs/([^)#\s]+\.md)", readme()))
    assert linked >= {"settings.md", "sparql.md", "publishing.md", "development.md"}


@pytest.mark.parametrize("command", list(command_lines(cli)))
def test_docs_mention_every_command(command: str) -> None:
    assert command in docs(), f"docs/ does not document `{command}`"
    assert command in readme(), f"README.md's command table lacks `{command}`"


@pytest.mark.parametrize("setting", [setting.name for setting in dataclasses.fields(Settings)])
def test_settings_table_has_a_row_for_every_setting(setting: str) -> None:
    table = (DOCS / "settings.md").read_text(encoding="utf-8")
    environment = ENV_PREFIX + setting.upper()
    row = re.search(rf"^\| `{setting}` \| `{environment}` \|", table, flags=re.MULTILINE)
    assert row is not None, f"docs/settings.md has no row for {setting} ({environment})"


def test_readme_sections_are_balanced() -> None:
    text = readme()
    begins = re.findall(r"<!-- BEGIN (\S+)", text)
    ends = re.findall(r"<!-- END (\S+) -->", text)
    assert begins == ends
    assert len(set(begins)) == len(begins)


def test_each_docs_page_has_one_title() -> None:
    for page in DOCS.glob("*.md"):
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        titles = re.findall(r"^# ", text, flags=re.MULTILINE)
        assert len(titles) == 1, f"{page.name} has {len(titles)} H1 titles"


def _mkdocs(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_docs_site_builds_with_no_broken_internal_link(tmp_path: Path) -> None:
    built = _mkdocs(ROOT, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    for page in DOCS.glob("*.md"):
        assert (tmp_path / "site" / page.with_suffix(".html").name).is_file(), page.name


@pytest.mark.parametrize(
    "broken",
    ["[a page](nowhere.md)", "[an anchor](settings.md#no-such-heading)", "[here](#nothing)"],
)
def test_the_build_refuses_a_broken_link(tmp_path: Path, broken: str) -> None:
    """The check above is real: a link to a missing page or anchor fails the build."""
    project = tmp_path / "project"
    shutil.copytree(DOCS, project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "docs" / "broken.md").write_text(f"# Broken\n\n{broken}\n", encoding="utf-8")
    built = _mkdocs(project, tmp_path / "site")
    assert built.returncode != 0
    assert "broken.md" in built.stderr


def test_the_code_layout_names_every_package_and_top_level_module() -> None:
    """Issue 15: the layout shows the architecture; a new package or top-level module is placed
    in docs/development.md's table (and so decided), not added silently."""
    text = (DOCS / "development.md").read_text(encoding="utf-8")
    table = text.split("## Code layout", 1)[1].split("\n## ", 1)[0]
    source = ROOT / "src" / "chava"
    names = sorted(
        path.stem if path.is_file() else path.name
        for path in source.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    )
    missing = [name for name in names if not {f"`{name}`", f"`chava.{name}`"} & _words(table)]
    assert missing == []
    packages = [name for name in names if (source / name).is_dir()]
    assert len(packages) >= 10  # loading, validation, building, stores, network, docs, ...


def _words(text: str) -> set[str]:
    return set(re.findall(r"`[\w.]+`", text))
