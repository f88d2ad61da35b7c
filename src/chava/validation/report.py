"""Render a ValidationReport for people (text) or machines (Turtle, JSON-LD)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Final

from chava import formats, namespaces
from chava.formats import Format
from chava.namespaces import compact_iri
from chava.validation.validate import SEVERITIES, ValidationReport, ValidationResult

REPORT_FORMATS: Final = tuple(fmt.label.lower() for fmt in formats.REPORT_FORMATS)
"""The values `chava validate --format` accepts (chava.formats.REPORT_FORMATS); text first."""

MAX_VALUE_LENGTH: Final = 80
_BRACKETED_IRI: Final = re.compile(r"<([^<>\s]*)>")


def render_report(
    report: ValidationReport, output_format: str = "text", *, relative_to: Path | None = None
) -> str:
    """Render *report* in one of REPORT_FORMATS; file names are shown relative to *relative_to*."""
    renderers: dict[Format, Callable[[], str]] = {
        formats.REPORT_TEXT: lambda: render_text(report, relative_to=relative_to),
        formats.TURTLE: lambda: render_turtle(report),
        formats.JSON_LD: lambda: render_json_ld(report),
    }
    try:
        fmt = formats.format_named(output_format, formats.REPORT_FORMATS)
    except KeyError:
        raise ValueError(f"unknown report format {output_format!r}") from None
    return renderers[fmt]()


def render_text(report: ValidationReport, *, relative_to: Path | None = None) -> str:
    """One line per result (violations first), then a summary line."""
    base = (relative_to or Path.cwd()).resolve()
    lines = [_text_line(result, base) for result in report.results]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: ValidationReport) -> str:
    """Return e.g. `does not conform: 2 violations, 1 warning, 0 infos in 2 files`."""
    counts = ", ".join(_plural(report.count(severity), severity.lower()) for severity in SEVERITIES)
    files = {result.source_file for result in report.results if result.source_file is not None}
    verdict = "conforms" if report.conforms else "does not conform"
    return f"{verdict}: {counts} in {_plural(len(files), 'file')}"


def render_turtle(report: ValidationReport) -> str:
    """The sh:ValidationReport graph in Turtle."""
    return report.graph.serialize(format="turtle")


def render_json_ld(report: ValidationReport) -> str:
    """The sh:ValidationReport graph in JSON-LD, compacted with an inline context."""
    used = {
        prefix: namespace
        for prefix, namespace in namespaces.PREFIXES.items()
        if prefix in ("sh", "rdf", "rdfs", "xsd") or _mentions(report, namespace)
    }
    return report.graph.serialize(format="json-ld", context=used, auto_compact=True, indent=2)


def _text_line(result: ValidationResult, base: Path) -> str:
    """Severity, focus node, path and value when there are some, message, (file)."""
    focus = result.focus_node
    fields = [f"{result.severity:<9}", focus if focus.startswith("_:") else compact_iri(focus)]
    if result.path:
        fields.append(_compact_path(result.path))
    if result.value is not None and result.value != f"<{focus}>":  # a node shape's own node
        fields.append(_compact_value(result.value))
    line = " ".join(fields) + f": {result.message}"
    if result.source_file is not None:
        line += f" ({_relative(result.source_file, base)})"
    return line


def _compact_path(path: str) -> str:
    if "<" not in path:
        return compact_iri(path)
    return _BRACKETED_IRI.sub(lambda match: compact_iri(match.group(1)), path)


def _compact_value(value: str) -> str:
    """Compact an IRI or a literal's datatype; shorten a long literal."""
    if value.startswith("<"):
        return compact_iri(value[1:-1])
    if value.startswith("_:"):
        return value
    suffix = ""
    if value.endswith(">") and '"^^<' in value:
        value, datatype = value.rsplit('"^^<', 1)
        value += '"'
        suffix = "^^" + compact_iri(datatype[:-1])
    elif not value.endswith('"'):  # a language tag
        value, language = value.rsplit('"@', 1)
        value += '"'
        suffix = "@" + language
    if len(value) > MAX_VALUE_LENGTH:
        value = value[: MAX_VALUE_LENGTH - 2] + '…"'
    return value + suffix


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _mentions(report: ValidationReport, namespace: str) -> bool:
    return any(str(term).startswith(namespace) for triple in report.graph for term in triple)
