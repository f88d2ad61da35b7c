"""The wheel carries the shared ontology and profile: `chava init` works from the package alone.

Builds the wheel of this checkout (offline, no build isolation), installs it into a fresh
virtualenv outside the checkout (without its dependencies: the new venv sees the test venv's
site-packages through a `.pth` line, which does not bring the checkout's editable `chava`),
then scaffolds, validates and builds a Finnish city with the installed `chava`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

TIMEOUT = 300


def _run(command: list[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CHAVA_")}
    environment.pop("PYTHONPATH", None)
    return subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=TIMEOUT
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built offline."""
    folder = tmp_path_factory.mktemp("wheel")
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "-w",
            str(folder),
            str(PROJECT_ROOT),
        ],
        cwd=folder,
    )
    assert built.returncode == 0, built.stderr
    (found,) = folder.glob("chava-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the checkout with the wheel installed; returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    created = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv
    ).stdout.strip()
    # Dependencies come from the test venv: its site-packages, without its .pth files.
    (Path(purelib) / "test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        cwd=venv,
    )
    assert install.returncode == 0, install.stderr
    return venv / "bin"


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
    where = _run(
        [
            str(installed / "python"),
            "-c",
            "import chava.shared_profile as p; print(p.__file__); print(p.shared_profile_root())",
        ],
        cwd=tmp_path,
    )
    module, profile = where.stdout.split()
    assert not module.startswith(str(PROJECT_ROOT)), "the checkout's chava was imported"
    assert Path(profile).name == "_profile"
    chava = str(installed / "chava")
    init = _run(
        [chava, "init", "jarvi", "--city", "Järvilinna", "--languages", "fi,en"], cwd=tmp_path
    )
    assert init.returncode == 0, init.stderr
    city = tmp_path / "jarvi"
    assert (city / "shapes" / "profile.ttl").read_bytes() == (
        PROJECT_ROOT / "shapes" / "profile.ttl"
    ).read_bytes()
    validated = _run([chava, "validate"], cwd=city)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert validated.stdout.startswith("conforms")
    built = _run([chava, "build"], cwd=city)
    assert built.returncode == 0, built.stderr
    assert (city / "build" / "current" / "manifest.json").is_file()
