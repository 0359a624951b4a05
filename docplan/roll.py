"""Roll plan data to next year (*rullering*): what follows from the reports, and what the planner must decide.

`roll_plan` takes the data as written (the loader's raw mapping, so the planner's own structure and fields
are kept) and the validated `Plan`, and returns next year's data with:

- finished measures (newest report «gjennomført» or «avsluttet») closed: their years from the new year on
  are taken out, so they cost nothing in the new økonomiplan;
- postponed measures («utsatt») carried into the new year, with a note;
- a list of decisions the planner must make: deadlines passed, measures without a report for last year,
  years and deadlines outside the plan period or the four-year økonomiplan, funding not yet granted for the
  new year, links into a replaced kommuneplan, indicator values missing, and the end of the plan period.

Nothing is decided for the planner: a measure is never removed, a deadline never moved.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from docplan.errors import InputError
from docplan.formatting import format_nok, format_years
from docplan.i18n import _, display_value, format_date, ngettext
from docplan.model import Plan

#: The økonomiplan covers the budget year and the three after it.
ECONOMY_PLAN_YEARS = 4
#: Funding statuses that are not yet money the measure can count on.
UNSETTLED_FUNDING = ("søkt", "planlagt søkt", "ikke avklart", "ikkje avklart", "planlagt i økonomiplan")


@dataclass
class Roll:
    """The result of rolling: next year's data, what was changed and what the planner must decide."""

    year: int
    data: dict[str, Any]
    changes: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return bool(self.decisions)

    def comment_block(self, source: str) -> str:
        """Return the YAML comment block that heads the rolled data file."""
        lines = [_("Rullert til {year} av «docplan roll» fra {source}.").format(year=self.year, source=source)]
        lines.append(_("Endringer:") if self.changes else _("Ingen endringer i tiltakene."))
        lines += [f"  - {c}" for c in self.changes]
        if self.decisions:
            lines.append(ngettext("Må avgjøres ({n} punkt):", "Må avgjøres ({n} punkter):",
                                  len(self.decisions)).format(n=len(self.decisions)))
            lines += [f"  {i}. {d}" for i, d in enumerate(self.decisions, 1)]
        else:
            lines.append(_("Ingenting må avgjøres."))
        out = []
        for line in lines:
            indent, marker = re.match(r"(\s*)((?:-|\d+\.)\s)?", line).groups()
            out += textwrap.wrap(" ".join(line.split()), width=98, initial_indent="# " + indent,
                                 subsequent_indent="# " + indent + " " * len(marker or ""),
                                 break_on_hyphens=False) or ["#"]
        return "\n".join(out) + "\n"


def roll_plan(raw: dict[str, Any], plan: Plan, to_year: int) -> Roll:
    """Return ``plan`` (written as ``raw``) rolled to ``to_year``; ``raw`` is not changed."""
    period = plan.info.period
    if not period.start_year < to_year <= period.end_year + 1:
        raise InputError(_("Kan ikke rullere til {year}: planperioden er {start}–{end}, så neste år må være fra "
                           "{first} til {last}.").format(year=to_year, start=period.start_year, end=period.end_year,
                                                        first=period.start_year + 1, last=period.end_year + 1))
    last = to_year - 1
    newest = max((r.year for m in plan.measures for r in m.reports), default=None)
    if newest is not None and newest >= to_year:
        raise InputError(_("Kan ikke rullere til {year}: dataene har allerede rapporter for {newest}.").format(
            year=to_year, newest=newest))
    data = copy.deepcopy(raw)
    roll = Roll(to_year, data)
    if to_year > period.end_year:
        roll.decisions.append(_("Planperioden {start}–{end} er over: planen må revideres og vedtas på nytt "
                                "for neste periode.").format(start=period.start_year, end=period.end_year))
    economy_end = to_year + ECONOMY_PLAN_YEARS - 1
    missing_report = []
    for i, m in enumerate(plan.measures):
        out = data["measures"][i]
        closed_before = m.finished and m.years and max(m.years) < last  # closed by an earlier roll
        if m.report_for(last) is None and not closed_before and m.years_in(period) and \
                min(m.years_in(period)) <= last:
            missing_report.append(m.id)
        if m.finished:
            years = m.years or list(period.years)
            later = [y for y in years if y >= to_year]
            if later:
                out["years"] = [y for y in years if y < to_year]
                roll.changes.append(_("{id} er {status}: årene {years} er tatt ut, så tiltaket ikke koster noe "
                                      "etter {last}.").format(
                    id=m.id, status=display_value(m.status), years=format_years(later),
                    last=max(out["years"]) if out["years"] else last))
            continue
        if m.status in ("utsatt", "utsett"):
            if m.years and to_year not in m.years and max(m.years) < to_year <= period.end_year:
                out["years"] = sorted({*m.years, to_year})
                roll.changes.append(_("{id} er utsatt: videreført til {year}.").format(id=m.id, year=to_year))
            else:
                roll.changes.append(_("{id} er utsatt og videreføres.").format(id=m.id))
        if m.deadline and m.deadline < dt.date(to_year, 1, 1):
            roll.decisions.append(_("{id}: fristen {deadline} er passert, og status er «{status}». Sett en ny frist, "
                                    "eller avslutt tiltaket.").format(
                id=m.id, deadline=format_date(m.deadline), status=display_value(m.status) or _("ikke oppgitt")))
        elif m.deadline and m.deadline.year > period.end_year:
            roll.decisions.append(_("{id}: fristen {deadline} ligger etter planperioden ({end}).").format(
                id=m.id, deadline=format_date(m.deadline), end=period.end_year))
        outside = [y for y in m.years if y >= to_year and not (period.start_year <= y <= period.end_year)]
        if outside:
            roll.decisions.append(ngettext("{id}: året {years} ligger utenfor planperioden {start}–{end}.",
                                           "{id}: årene {years} ligger utenfor planperioden {start}–{end}.",
                                           len(outside)).format(
                id=m.id, years=format_years(outside), start=period.start_year, end=period.end_year))
        beyond = [y for y, cost in m.cost_by_year(period).items() if y > economy_end and cost]
        if beyond:
            roll.decisions.append(_("{id}: har kostnad i {years}, etter økonomiplanperioden {start}–{end}.").format(
                id=m.id, years=format_years(beyond), start=to_year, end=economy_end))
        cost = m.cost_by_year(period).get(to_year, 0)
        unsettled = [f for f in m.funding if (f.status or "") in UNSETTLED_FUNDING]
        if cost and unsettled:
            roll.decisions.append(_("{id}: koster {cost} i {year}, men finansieringen er ikke avklart ({sources}). "
                                    "Ta den inn i budsjettet, eller endre tiltaket.").format(
                id=m.id, cost=format_nok(cost), year=to_year,
                sources=", ".join(f"{f.source}: {display_value(f.status)}" for f in unsettled)))
    if missing_report:
        roll.decisions.insert(0 if to_year <= period.end_year else 1, ngettext(
            "{n} tiltak mangler rapport for {year} ({ids}). Hent status fra enhetene (docplan status export/import) "
            "før du rullerer.",
            "{n} tiltak mangler rapport for {year} ({ids}). Hent status fra enhetene (docplan status export/import) "
            "før du rullerer.", len(missing_report)).format(n=len(missing_report), year=last,
                                                            ids=", ".join(missing_report)))
    _indicator_decisions(plan, last, roll)
    _kp_decisions(plan, roll)
    return roll


def _indicator_decisions(plan: Plan, year: int, roll: Roll) -> None:
    missing = [g.id for g in plan.all_goals() if g.indicator is not None and g.indicator.value_for(year) is None]
    if missing:
        roll.decisions.append(ngettext(
            "Indikatorverdien for {year} mangler for målet {ids}.",
            "Indikatorverdiene for {year} mangler for målene {ids}.", len(missing)).format(
                year=year, ids=", ".join(missing)))


def _kp_decisions(plan: Plan, roll: Roll) -> None:
    from docplan.checks.yearly import kp_change_options

    stale = []
    for owner in [*plan.all_goals(), *plan.measures]:
        for ref in owner.kp_refs:
            resolved = plan.resolve_kp_ref(ref)
            if resolved is not None and not resolved.master_plan.is_current:
                stale.append(f"{owner.id} → {ref}")
    if stale:
        roll.decisions.append(_("Koblinger til en kommuneplan som er erstattet: {refs}. {options}").format(
            refs=", ".join(stale), options=kp_change_options()))

