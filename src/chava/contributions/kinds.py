"""What can be proposed: an association, a learning action or event, a tool, a place of learning.

Each kind names the classes a proposed resource is asserted to be (its `lc:` class and the
standard types, as every instance carries) and the segment of the IRIs chava mints for it:
`{data}id/{segment}/{slug}`. Everything else about the form comes from the SHACL profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from chava import namespaces as ns
from chava.errors import ResourceNotFoundError


@dataclass(frozen=True)
class Kind:
    """One kind of resource the forms and `POST /contributions` accept."""

    key: str
    classes: tuple[str, ...]
    """Asserted types; the first one identifies the kind (its shapes, its label)."""
    segment: str
    names: Mapping[str, str]
    """What the kind is called on pages, {language: text} (French and English)."""

    @property
    def main_class(self) -> str:
        """The class that identifies the kind."""
        return self.classes[0]


KINDS: Final[dict[str, Kind]] = {
    kind.key: kind
    for kind in (
        Kind(
            "association",
            (ns.LC + "Association", ns.ORG + "FormalOrganization", ns.SCHEMA + "NGO"),
            "organization",
            {"fr": "Une association", "en": "An association"},
        ),
        Kind(
            "event",
            (ns.SCHEMA + "EducationEvent",),
            "event",
            {
                "fr": "Une action ou un événement d'apprentissage",
                "en": "A learning action or event",
            },
        ),
        Kind(
            "tool",
            (ns.LC + "PedagogicalTool", ns.SCHEMA + "CreativeWork"),
            "tool",
            {"fr": "Un outil pédagogique", "en": "A pedagogical tool"},
        ),
        Kind(
            "place",
            (ns.SCHEMA + "Place",),
            "place",
            {"fr": "Un lieu d'apprentissage", "en": "A place of learning"},
        ),
    )
}


def kind_named(key: str) -> Kind:
    """The kind *key*; ResourceNotFoundError for any other."""
    try:
        return KINDS[key]
    except KeyError:
        raise ResourceNotFoundError(
            f"no kind {key[:40]!r} can be proposed; offered: {', '.join(KINDS)}"
        ) from None


DETECTION_ORDER: Final = ("tool", "association", "place", "event")
"""Most specific first: a training course may be a tool and an event; it is edited as a tool."""


def kind_of(types: set[str]) -> Kind | None:
    """The kind whose identifying class is among *types* (see DETECTION_ORDER)."""
    for key in DETECTION_ORDER:
        if KINDS[key].main_class in types:
            return KINDS[key]
    return None
