"""How values read in a plan document: kroner, dates, years, funding lines, kommuneplan references.

Used by the templates (as Jinja filters) and by the snippets docplan inserts, so a value reads the
same in a rendered plan and in a planner's own document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from docplan.model import Plan


def format_nok(value: Any) -> str:
    """Return an amount as Norwegian kroner: ``1234567`` → ``1 234 567 kr`` (non-breaking spaces)."""
    if value is None or value == "":
        return ""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"


def format_date(value: Any) -> str:
    """Return a date as ``dd.mm.åååå``; None becomes an empty string."""
    if value is None or value == "":
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d.%m.%Y")
    return str(value)


def format_years(years: Any) -> str:
    """Return a list of years compactly: ``[2024, 2025, 2026]`` → ``2024–2026``, gaps as commas."""
    ys = sorted({int(y) for y in years or []})
    if not ys:
        return ""
    runs: list[list[int]] = [[ys[0]]]
    for y in ys[1:]:
        if y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def format_funding(funding: Any) -> str:
    """Return funding lines as «source: amount (status)» joined by semicolons."""
    parts = []
    for line in funding or []:
        text = line.source
        if line.amount_nok is not None:
            text += f": {format_nok(line.amount_nok)}"
        if line.status:
            text += f" ({line.status})"
        parts.append(text)
    return "; ".join(parts)


def format_with_year(value: Any, year: Any = None) -> str:
    """Return ``14 % (2024)``, or just the value when the year is unknown."""
    if value is None or value == "":
        return ""
    return f"{value} ({year})" if year else str(value)


def kp_short_text(plan: Plan, ref: str, lang: str = "nb") -> str:
    """Return the inline short form of a KP reference, e.g. «jf. kommuneplanens samfunnsdel (Tynset), KP-3.2»."""
    resolved = plan.resolve_kp_ref(ref)
    if resolved is None:
        return f"{ref} (finst ikkje i kommuneplanen)" if lang == "nn" else f"{ref} (finnes ikke i kommuneplanen)"
    part = resolved.master_plan.part
    if lang == "nn":
        owner = f"kommuneplanen sin {part}"
    else:
        owner = {"samfunnsdel": "kommuneplanens samfunnsdel", "handlingsdel": "kommuneplanens handlingsdel"}.get(
            part, part)
    where = f" ({resolved.municipality.name})" if len(plan.municipalities) > 1 else ""
    return f"jf. {owner}{where}, {resolved.item.id} {resolved.item.title}"
