"""Where the shared ontology and SHACL profile are: a checkout's folders, or the package's copy.

`chava init` copies them into a new city's publication. In a checkout (an editable install)
they are the repository's own `ontology/` and `shapes/`; an installed wheel carries a copy of
both folders as package data (`chava/_profile/`, see `force-include` in pyproject.toml).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Final

from chava.errors import ConfigError

PROFILE_FOLDERS: Final = ("ontology", "shapes")
PACKAGED_FOLDER: Final = "_profile"


def shared_profile_root() -> Path:
    """The folder holding the shared `ontology/` and `shapes/`; a checkout's own come first.

    Raises ConfigError when neither is there (a broken installation).
    """
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "pyproject.toml").is_file() and _holds_profile(checkout):
        return checkout
    packaged = Path(str(resources.files("chava") / PACKAGED_FOLDER))
    if _holds_profile(packaged):
        return packaged
    raise ConfigError(
        "the shared ontology and profile are missing from this installation of chava "
        f"(looked in {checkout} and {packaged}); reinstall chava"
    )


def _holds_profile(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in PROFILE_FOLDERS)
