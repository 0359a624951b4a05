"""Check reports: text grouped by chapter, JSON (schema ``docplan-check/1``), SARIF 2.1.0, Word comments."""

from __future__ import annotations

import json
from collections import OrderedDict

from docplan import __version__
from docplan.checks import RULES, Finding, Severity, all_rules
from docplan.i18n import _, ngettext

JSON_SCHEMA = "docplan-check/1"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def finding_dict(f: Finding) -> dict:
    """Return one finding as in the documented JSON schema (docs/checks.md)."""
    r = RULES.get(f.rule)
    return {
        "rule": f.rule,
        "title": r.display_title if r else f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "fix": f.fix,
        "subject": f.subject,
        "chapter": f.chapter,
        "municipality": f.municipality,
        "known_issue": r.known_issue if r else None,
        "location": f.location.to_dict(),
    }


def summary(findings: list[Finding]) -> dict[str, int]:
    out = {s.value: 0 for s in Severity}
    for f in findings:
        out[f.severity.value] += 1
    return out


def to_json(findings: list[Finding], *, document: str | None = None, data: str | None = None) -> str:
    return json.dumps({
        "schema": JSON_SCHEMA,
        "tool": {"name": "docplan", "version": __version__},
        "document": document,
        "data": data,
        "summary": summary(findings),
        "findings": [finding_dict(f) for f in findings],
    }, ensure_ascii=False, indent=2)


def to_sarif(findings: list[Finding]) -> str:
    rules = all_rules()
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in findings:
        loc = f.location
        physical: dict = {"artifactLocation": {"uri": loc.file or ""}}
        if loc.line:
            physical["region"] = {"startLine": loc.line, **({"startColumn": loc.column} if loc.column else {})}
        location: dict = {"physicalLocation": physical}
        if loc.paragraph is not None:
            location["logicalLocations"] = [{"name": _("avsnitt {n}").format(n=loc.paragraph), "kind": "element",
                                             "fullyQualifiedName": f"{loc.part or ''}#p{loc.paragraph}"}]
        results.append({
            "ruleId": f.rule, "ruleIndex": index.get(f.rule, -1), "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f"{f.message} {f.fix}".strip()}, "locations": [location],
            "properties": {"paragraph": loc.paragraph, "chapter": f.chapter, "subject": f.subject},
        })
    return json.dumps({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "docplan", "version": __version__,
                "rules": [{"id": r.id, "name": r.id, "shortDescription": {"text": r.display_title},
                           "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]}} for r in rules],
            }},
            "results": results,
        }],
    }, ensure_ascii=False, indent=2)


def to_text(findings: list[Finding]) -> str:
    """Return the planner's report: findings grouped by chapter, each with its paragraph and fix."""
    if not findings:
        return _("Ingen funn: planen henger sammen etter alle kontrollene.")
    groups: "OrderedDict[str, list[Finding]]" = OrderedDict()
    for f in findings:
        if f.location.paragraph is not None:
            key = _("Kapittel «{chapter}»").format(chapter=f.chapter) if f.chapter else _("Før første kapittel")
        elif f.location.line is not None or f.location.cell:
            key = _("Plandata ({file})").format(file=f.location.file)
        else:
            key = _("Hele dokumentet")
        groups.setdefault(key, []).append(f)
    lines = []
    for key, items in groups.items():
        lines.append(key)
        for f in items:
            where = _("avsnitt {n}").format(n=f.location.paragraph) if f.location.paragraph is not None else \
                _("linje {n}").format(n=f.location.line) if f.location.line else (
                    _("celle {cell}").format(cell=f.location.cell) if f.location.cell else "")
            prefix = f"  {where}: " if where else "  "
            lines.append(f"{prefix}[{f.severity.label}] {f.message} ({f.rule})")
            if f.fix:
                lines.append("      " + _("Slik retter du: {fix}").format(fix=f.fix))
        lines.append("")
    s = summary(findings)
    lines.append(_("{total} funn: {errors}, {warnings}, {notes}.").format(
        total=len(findings), errors=ngettext("{n} feil", "{n} feil", s["error"]).format(n=s["error"]),
        warnings=ngettext("{n} advarsel", "{n} advarsler", s["warning"]).format(n=s["warning"]),
        notes=ngettext("{n} merknad", "{n} merknader", s["info"]).format(n=s["info"])))
    return "\n".join(lines)


def comment_text(f: Finding) -> str:
    """Return a finding as the text of a Word comment, with docplan's marker first (so a later check
    replaces it instead of adding a second one)."""
    from docplan.ooxml.comments import MARKER

    fix = "\n" + _("Slik retter du: {fix}").format(fix=f.fix) if f.fix else ""
    body = f"[{f.severity.label}] {f.message}{fix}\n({f.rule})"
    return f"{MARKER} {body}"


def annotate(document, findings: list[Finding]) -> bytes:
    """Return a copy of the document with a Word comment at each finding's paragraph, replacing the
    comments an earlier check added (the planner's own comments stay).

    ``document`` is a `docplan.document.PlanDocument` (or the package bytes). Findings without a
    paragraph (data-only or whole-document) go on the first paragraph.
    """
    from docplan.document import PlanDocument

    doc = document if isinstance(document, PlanDocument) else PlanDocument.open(document)
    doc.replace_docplan_comments([(f.location.paragraph if f.location.paragraph is not None else 0, comment_text(f))
                                  for f in findings])
    return doc.to_bytes()
