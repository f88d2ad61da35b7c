"""A wheel of this checkout and a fresh virtualenv with it installed, offline and fast.

The wheel is built without build isolation or an index; the new venv gets chava from the wheel
alone (no dependencies installed) and sees the test venv's site-packages through a `.pth`
line, which does not bring the checkout's editable `chava` (its own `.pth` is not read there).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.conftest import PROJECT_ROOT

TIMEOUT = 300


def run(command: list[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run *command* in *cwd* without CHAVA_* variables or PYTHONPATH."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CHAVA_")}
    environment.pop("PYTHONPATH", None)
    return subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=TIMEOUT
    )


def build_wheel(folder: Path) -> Path:
    """Build the wheel of this checkout into *folder* and return it."""
    built = run(
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


def install_wheel(wheel: Path, venv: Path) -> Path:
    """Create a fresh venv at *venv* with *wheel* installed; return its bin folder."""
    created = run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv.parent)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    purelib = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=venv,
    ).stdout.strip()
    (Path(purelib) / "test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = run(
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
