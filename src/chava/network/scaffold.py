"""`chava init`: scaffold a new city's publication (settings, own data, shared ontology, shapes).

The scaffold is valid as it is: `chava validate` conforms and `chava serve` serves it under the
city's own name (its dataset description, `data/dataset.trig`), in the city's languages, with
every IRI under the city's base. The ontology (with its local imports) and the shapes are copies
of the shared profile, so the new city validates offline against exactly what it was
scaffolded with.
"""

from __future__ import annotations

import logging
import re
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chava.config import base_iri_problem
from chava.errors import ConfigError
from chava.loading.shared_profile import PROFILE_FOLDERS
from chava.network.scaffold_texts import (
    DATA_FILES,
    DATASET_TEMPLATE,
    LINKS_TEMPLATE,
    QUERIES_TEMPLATE,
    SETTINGS_TEMPLATE,
    dataset_descriptions,
    prefixes_for,
    query_texts,
)

logger = logging.getLogger(__name__)

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
"""A BCP 47 tag as far as a settings file needs: a 2-3 letter language, then subtags."""


@dataclass(frozen=True)
class Scaffold:
    """What `init` wrote."""

    root: Path
    city: str
    slug: str
    base_iri: str
    languages: tuple[str, ...]
    files: tuple[Path, ...]
    base_chosen: bool
    """True when the city gave its base IRI (`--base-iri`), False for the placeholder."""


def slug_of(name: str) -> str:
    """Lower-case ASCII, hyphenated: `Liège-Ville` gives `liege-ville`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        raise ConfigError(
            f"city name {name!r} gives no ASCII slug for its IRIs; give one with --slug"
        )
    return slug


def check_languages(languages: Sequence[str]) -> tuple[str, ...]:
    """Return *languages* (BCP 47 tags, no duplicates); raise ConfigError naming a bad one."""
    tags = tuple(tag.strip() for tag in languages if tag.strip())
    if not tags:
        raise ConfigError("give at least one language (e.g. --languages fi,en)")
    for tag in tags:
        if not _LANGUAGE_TAG.match(tag):
            raise ConfigError(f"{tag!r} is not a BCP 47 language tag (e.g. fi, es, ar, zh-Hans)")
    lowered = [tag.lower() for tag in tags]
    if len(set(lowered)) != len(lowered):
        raise ConfigError(f"a language is listed twice: {', '.join(tags)}")
    return tags


def check_base_iri(base_iri: str) -> str:
    """Return *base_iri* if it can prefix the city's IRIs (http(s), ends with `/`)."""
    problem = base_iri_problem(base_iri)
    if problem is not None:
        raise ConfigError(f"the base IRI: {problem}")
    return base_iri


def scaffold_publication(
    target: Path,
    city: str,
    *,
    profile_root: Path,
    languages: Sequence[str] = ("en",),
    base_iri: str | None = None,
    slug: str | None = None,
) -> Scaffold:
    """Write a new publication for *city* into *target* (missing or empty), copying the shared
    ontology and shapes from *profile_root*. Raises ConfigError if *target* has files."""
    city = " ".join(city.split())
    if not city:
        raise ConfigError("the city name is empty")
    slug = slug_of(slug or city)
    tags = check_languages(languages)
    base = check_base_iri(base_iri) if base_iri else f"https://example.org/{slug}/"
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(f"{target}: exists and is not an empty folder; choose a new one")
    for folder in PROFILE_FOLDERS:
        if not (profile_root / folder).is_dir():
            raise ConfigError(f"{profile_root}: no {folder}/ folder to copy the profile from")
    values = _values(city, slug, base, tags)
    written: list[Path] = []
    target.mkdir(parents=True, exist_ok=True)
    written.append(_write(target / "chava.toml", SETTINGS_TEMPLATE.format(**values)))
    written.extend(_copy_profile(profile_root, target))
    for name, comment in DATA_FILES.items():
        written.append(_write(target / "data" / name, comment.format(**values)))
    for name, template in (
        ("dataset.trig", DATASET_TEMPLATE),
        ("queries.trig", QUERIES_TEMPLATE),
        ("links.trig", LINKS_TEMPLATE),
    ):
        written.append(_write(target / "data" / name, template.format(**values)))
    logger.info("scaffolded %s for %s (%d files)", target, city, len(written))
    return Scaffold(target, city, slug, base, tags, tuple(written), base_iri is not None)


def _values(city: str, slug: str, base: str, languages: tuple[str, ...]) -> dict[str, str]:
    """What the templates are filled with; literals are escaped for Turtle strings."""
    quoted = _turtle_string(city)
    return {
        "city": city,
        "city_literal": quoted,
        "slug": slug,
        "base": base,
        "languages_toml": ", ".join(f'"{tag}"' for tag in languages),
        "first_language": languages[0],
        "other_languages": ", ".join(languages[1:]) or "none",
        "label_example": " , ".join(f'"{quoted}"@{tag}' for tag in languages),
        "source_example": " , ".join(f'"<title in {tag}>"@{tag}' for tag in languages),
        "titles": " ,\n        ".join(f'"{quoted}"@{tag}' for tag in languages),
        "descriptions": dataset_descriptions(quoted, languages),
        "prefixes": prefixes_for(base),
        **query_texts(quoted, languages),
    }


def _copy_profile(profile_root: Path, target: Path) -> list[Path]:
    """Copy every file of the shared ontology and shapes folders (not hidden files, caches)."""
    copied: list[Path] = []
    for folder in PROFILE_FOLDERS:
        for source in sorted((profile_root / folder).rglob("*")):
            relative = source.relative_to(profile_root)
            if not source.is_file() or any(
                part.startswith(".") or part == "__pycache__" for part in relative.parts
            ):
                continue
            copy = target / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
            copied.append(copy)
    return copied


def _turtle_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
