"""`chava init`: scaffold a new city's publication (settings, empty data, shared ontology, shapes).

The scaffold is valid as it is: `chava validate` conforms (no data yet) and `chava serve`
serves it. The ontology (with its local imports) and the shapes are copies of the shared
profile, so the new city validates offline against exactly what it was scaffolded with.
"""

from __future__ import annotations

import logging
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from chava import namespaces
from chava.errors import ConfigError
from chava.sources import RDF_SUFFIXES

logger = logging.getLogger(__name__)

COPIED_FOLDERS: Final = ("ontology", "shapes")

SETTINGS_TEMPLATE: Final = """\
# Settings of the {city} learning-city publication (chava README, "Settings").
#
# REPLACE data_base_iri before publishing: it must be a base your city controls and keeps
# for ever (for instance a w3id.org redirect such as https://w3id.org/{slug}/). Every IRI the
# city mints starts with it: {{base}}id/{{type}}/{{slug}} for things, {{base}}graph/{{name}}
# for named graphs.
data_base_iri = "{base}"

# The shared vocabulary and profile: keep it, so partners and harvesters understand the data.
vocabulary_base_iri = "https://w3id.org/learning-city/"

# Label languages, preferred first.
languages = ["fr", "en"]
"""

_STANDARD_PREFIXES: Final = (
    "lc",
    "rdf",
    "rdfs",
    "xsd",
    "skos",
    "org",
    "schema",
    "foaf",
    "dcterms",
    "prov",
    "time",
)
PREFIXES: Final = (
    "".join(
        f"@prefix {name + ':':<8} <{namespaces.PREFIXES[name]}> .\n" for name in _STANDARD_PREFIXES
    )
    + """\
@prefix kf:      <https://w3id.org/learning-city/id/concept/key-feature/> .
@prefix src:     <{base}id/source/> .
@prefix o:       <{base}id/organization/> .
@prefix place:   <{base}id/place/> .
@prefix person:  <{base}id/person/> .
@prefix tool:    <{base}id/tool/> .
@prefix event:   <{base}id/event/> .
"""
)

DATA_FILES: Final = {
    "city.ttl": """\
# {city}: the city, its government, the learning-city initiative and its bodies.
# Every resource: a French label (rdfs:label "..."@fr), an English one, and dcterms:source
# the document it comes from (described in sources.ttl). Mint IRIs once, from a lower-case
# ASCII slug, never from a label that may change. Example (uncomment and adapt):
#
# place:{slug} a schema:City ;
#     rdfs:label "{city}"@fr , "{city}"@en ;
#     dcterms:source src:application-file .
""",
    "sources.ttl": """\
# The documents the data comes from (lc:SourceDocument), cited with dcterms:source.
#
# src:application-file a lc:SourceDocument , prov:Entity ;
#     rdfs:label "Dossier de candidature au GNLC"@fr , "GNLC application file"@en .
""",
}

LINKS_TEMPLATE: Final = """\
# External links, each checked by a person against the external source, with its provenance
# (an rdf:Statement citing the page that proves it). owl:sameAs / schema:sameAs only for
# identity; skos:exactMatch / skos:closeMatch for concepts; never sameAs between an
# organisation and its place.
{prefixes}
@prefix wd: <http://www.wikidata.org/entity/> .

GRAPH <{base}graph/links> {{
}}
"""


@dataclass(frozen=True)
class Scaffold:
    """What `init` wrote."""

    root: Path
    city: str
    slug: str
    base_iri: str
    files: tuple[Path, ...]


def slug_of(name: str) -> str:
    """Lower-case ASCII, hyphenated: `Liège-Ville` gives `liege-ville`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        raise ConfigError(f"city name {name!r} gives no usable slug (need letters or digits)")
    return slug


def scaffold_publication(target: Path, city: str, *, profile_root: Path) -> Scaffold:
    """Write a new publication for *city* into *target* (missing or empty), copying the shared
    ontology and shapes from *profile_root*. Raises ConfigError if *target* has files."""
    if not city.strip():
        raise ConfigError("the city name is empty")
    slug = slug_of(city)
    base = f"https://example.org/{slug}/"
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(f"{target}: exists and is not an empty folder; choose a new one")
    for folder in COPIED_FOLDERS:
        if not (profile_root / folder).is_dir():
            raise ConfigError(f"{profile_root}: no {folder}/ folder to copy the profile from")
    written: list[Path] = []
    target.mkdir(parents=True, exist_ok=True)
    written.append(
        _write(target / "chava.toml", SETTINGS_TEMPLATE, city=city, slug=slug, base=base)
    )
    for folder in COPIED_FOLDERS:
        for source in sorted((profile_root / folder).rglob("*")):
            if source.is_file() and source.suffix.lower() in RDF_SUFFIXES:
                copy = target / folder / source.relative_to(profile_root / folder)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)
                written.append(copy)
    prefixes = PREFIXES.format(base=base)
    for name, comment in DATA_FILES.items():
        text = comment.format(city=city, slug=slug) + prefixes
        written.append(_write(target / "data" / name, "{text}", text=text))
    written.append(
        _write(target / "data" / "links.trig", LINKS_TEMPLATE, prefixes=prefixes, base=base)
    )
    logger.info("scaffolded %s for %s (%d files)", target, city, len(written))
    return Scaffold(target, city, slug, base, tuple(written))


def _write(path: Path, template: str, **values: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template.format(**values), encoding="utf-8")
    return path
