"""The data steward's report of `validate --profile`: verdict, classes, rules to fix, details."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Final

from chava.namespaces import compact_iri
from chava.validation.profile import ProfileReport
from chava.validation.report import render_text, summary
from chava.validation.validate import SEVERITIES, ValidationResult

EXAMPLES: Final = 3


def render_profile_text(report: ProfileReport, *, relative_to: Path | None = None) -> str:
    """Header (profile, data, verdict), resources per class, rules by frequency, every result."""
    profile = report.profile
    version = f"; ontology {profile.ontology_version}" if profile.ontology_version else ""
    lines = [
        f"Profile: {profile.shapes_iri} ({profile.node_shapes} node shapes{version})",
        f"Data:    {report.source} ({report.statements} statements, "
        f"{report.resources} resources with an IRI)",
        f"Verdict: {summary(report.report)}",
        "",
        "Resources by class: checked, with violations, with warnings",
    ]
    width = max((len(compact_iri(count.cls)) for count in report.classes), default=0)
    for count in report.classes:
        lines.append(
            f"  {compact_iri(count.cls):<{width}} {count.checked:>7} {count.with_violations:>7} "
            f"{count.with_warnings:>7}"
        )
    if not report.classes:
        lines.append("  (no typed resource: the shapes target classes, so nothing was checked)")
    lines += ["", "Rules to fix, most frequent first:"]
    lines += _rules(report.report.results) or ["  none"]
    if report.report.results:
        lines += ["", "Every result:"]
        lines.append(render_text(report.report, relative_to=relative_to).rstrip("\n"))
    return "\n".join(lines) + "\n"


def _rules(results: tuple[ValidationResult, ...]) -> list[str]:
    """One entry per (severity, shape, path, message), with a count and a few focus nodes."""
    groups: Counter[tuple[str, str, str, str]] = Counter()
    examples: dict[tuple[str, str, str, str], list[str]] = {}
    for result in results:
        key = (result.severity, result.source_shape, result.path or "", result.message)
        groups[key] += 1
        focus = result.focus_node
        shown = focus if focus.startswith("_:") else compact_iri(focus)
        if shown not in examples.setdefault(key, []) and len(examples[key]) < EXAMPLES:
            examples[key].append(shown)
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    ordered = sorted(groups.items(), key=lambda item: (rank.get(item[0][0], 9), -item[1], item[0]))
    lines = []
    for (severity, shape, path, message), count in ordered:
        named_shape = "" if shape.startswith("_:") else _compact(shape)  # anonymous: path says it
        where = " ".join(part for part in (named_shape, _compact(path)) if part)
        lines.append(f"  {severity:<9} {count:>5} x {where}: {message}")
        more = count - len(examples[(severity, shape, path, message)])
        tail = f" (+{more} more)" if more > 0 else ""
        lines.append(
            f"  {'':<9}         e.g. {', '.join(examples[(severity, shape, path, message)])}{tail}"
        )
    return lines


def _compact(term: str) -> str:
    if not term or term.startswith(("_:", "(", "^", "[")) or " " in term:
        return term
    return compact_iri(term.strip("<>"))
