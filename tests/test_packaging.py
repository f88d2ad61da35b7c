"""The wheel carries the shared ontology and profile: `chava init` works from the package alone.

Builds the wheel of this checkout, installs it into a fresh virtualenv outside the checkout
(tests/packaging_support.py), then scaffolds, validates and builds a Finnish city with the
installed `chava`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.packaging_support import build_wheel, install_wheel, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built offline."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the checkout with the wheel installed; returns its bin folder."""
    return install_wheel(wheel, tmp_path_factory.mktemp("venvs") / "venv")


def test_the_wheel_carries_every_file_of_ontology_and_shapes(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        packaged = {
            name.removeprefix("chava/_profile/")
            for name in archive.namelist()
            if name.startswith("chava/_profile/")
        }
    ours = {
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("ontology", "shapes")
        for path in (PROJECT_ROOT / folder).rglob("*")
        if path.is_file()
    }
    assert packaged == ours


def test_init_validate_and_build_with_chava_installed_from_the_wheel(
    installed: Path, tmp_path: Path
) -> None:
    where = run(
        [
            str(installed / "python"),
            "-c",
            "import chava.loading.shared_profile as p; print(p.__file__); "
            "print(p.shared_profile_root())",
        ],
        cwd=tmp_path,
    )
    module, profile = where.stdout.split()
    assert not module.startswith(str(PROJECT_ROOT)), "the checkout's chava was imported"
    assert Path(profile).name == "_profile"
    chava = str(installed / "chava")
    init = run(
        [chava, "init", "jarvi", "--city", "Järvilinna", "--languages", "fi,en"], cwd=tmp_path
    )
    assert init.returncode == 0, init.stderr
    city = tmp_path / "jarvi"
    assert (city / "shapes" / "profile.ttl").read_bytes() == (
        PROJECT_ROOT / "shapes" / "profile.ttl"
    ).read_bytes()
    validated = run([chava, "validate"], cwd=city)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert validated.stdout.startswith("conforms")
    built = run([chava, "build"], cwd=city)
    assert built.returncode == 0, built.stderr
    assert (city / "build" / "current" / "manifest.json").is_file()
