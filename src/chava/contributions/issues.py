"""What is wrong with a proposal, in French and English, next to the property it concerns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chava.labels import pick_text


@dataclass(frozen=True)
class Issue:
    """One problem: its messages ({language: text}), the property (None: the whole proposal),
    the language of the text input it concerns, the offending value, and its severity."""

    messages: Mapping[str, str]
    path: str | None = None
    language: str | None = None
    value: str | None = None
    severity: str = "Violation"
    focus: str | None = None
    """The resource it is about (None: the proposed resource itself)."""

    def message(self, language: str, languages: Sequence[str] = ("en", "fr")) -> str:
        """The message in *language*, or the closest one chava has."""
        found = pick_text(self.messages, language, [*languages, "en", "fr"])
        return found[0] if found else ""

    @property
    def blocking(self) -> bool:
        """A violation stops the proposal; warnings and infos are shown, not blocking."""
        return self.severity == "Violation"


def issue(
    french: str,
    english: str,
    *,
    path: str | None = None,
    language: str | None = None,
    value: str | None = None,
) -> Issue:
    """A violation found by chava itself (not by the shapes), in French and English."""
    return Issue({"fr": french, "en": english}, path, language, value)


SH_CONTEXT = {
    "sh": "http://www.w3.org/ns/shacl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def report_document(issues: Sequence[Issue], focus: str) -> dict[str, object]:
    """A `sh:ValidationReport` of *issues* as JSON-LD (the body of a 422 for machines).

    *focus* names the proposed resource (the results about it have no other focus node).
    """
    results = []
    for item in issues:
        result: dict[str, object] = {
            "@type": "sh:ValidationResult",
            "sh:focusNode": {"@id": item.focus or focus},
            "sh:resultSeverity": {"@id": f"sh:{item.severity}"},
            "sh:resultMessage": [
                {"@value": text, "@language": tag} for tag, text in sorted(item.messages.items())
            ],
        }
        if item.path:
            result["sh:resultPath"] = {"@id": item.path}
        if item.value is not None:
            result["sh:value"] = item.value
        results.append(result)
    return {
        "@context": SH_CONTEXT,
        "@type": "sh:ValidationReport",
        "sh:conforms": not any(item.blocking for item in issues),
        "sh:result": results,
    }
