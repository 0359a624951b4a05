"""Rules on the yearly cycle: the units' reports on measures, indicator values and a changed kommuneplan.

The report year is the newest year any measure has a report for: the rules look at what the plan says about
that year, so a plan without reports gets none of these findings.
"""

from __future__ import annotations

from docplan.checks import Severity, rule
from docplan.formatting import format_nok
from docplan.i18n import _, format_date, format_number

#: Spent above this share of the planned cost for the year counts as «much above» (150 %).
OVERSPENT_RATIO = 1.5
#: ... and by at least this many kroner, so small measures do not warn over a few hundred kroner.
OVERSPENT_MIN_NOK = 10_000


def report_year(plan) -> int | None:
    """Return the newest year any measure of ``plan`` has a report for, or None (also without plan data)."""
    if plan is None:
        return None
    return max((r.year for m in plan.measures for r in m.reports), default=None)


def _reports(ctx):
    """Yield (index, measure, report index, report) for each measure's report of the report year."""
    year = report_year(ctx.plan)
    if year is None:
        return
    for i, m in enumerate(ctx.plan.measures):
        if ctx.municipality and not (m.scope == "felles" or ctx.municipality in m.municipalities):
            continue
        for j, r in enumerate(m.reports):
            if r.year == year:
                yield i, m, j, r


@rule("reports.done_without_text", Severity.WARNING, "Rapportert gjennomført før fristen, uten tekst")
def done_without_text(ctx):
    for i, m, j, r in _reports(ctx):
        if r.status == "gjennomført" and m.deadline and m.deadline.year > r.year and not (r.done or "").strip():
            yield done_without_text.rule.finding(
                _("Tiltak {id} er rapportert gjennomført i {year}, men fristen er {deadline} og rapporten sier ikke "
                  "hva som ble gjort.").format(id=m.id, year=r.year, deadline=format_date(m.deadline)),
                _("Skriv i rapporten hva som ble gjort, eller rett status til «pågår»."),
                location=ctx.location("measure", m.id, ("measures", i, "reports", j)), subject=m.id)


@rule("reports.overspent", Severity.WARNING, "Brukt mye mer enn planlagt")
def overspent(ctx):
    for i, m, j, r in _reports(ctx):
        if r.spent_nok is None:
            continue
        planned = m.cost_by_year(ctx.plan.info.period).get(r.year, 0)
        if r.spent_nok - planned < OVERSPENT_MIN_NOK or r.spent_nok <= planned * OVERSPENT_RATIO:
            continue
        if planned:
            message = _("Tiltak {id} brukte {spent} i {year}, {percent} % av planlagt {planned}.").format(
                id=m.id, spent=format_nok(r.spent_nok), year=r.year, planned=format_nok(planned),
                percent=format_number(round(100 * r.spent_nok / planned)))
        else:
            message = _("Tiltak {id} brukte {spent} i {year}, men ingen kostnad var planlagt det året.").format(
                id=m.id, spent=format_nok(r.spent_nok), year=r.year)
        yield overspent.rule.finding(
            message, _("Forklar avviket i rapportens kommentar, og juster kostnaden og finansieringen ved neste "
                       "rullering."),
            location=ctx.location("measure", m.id, ("measures", i, "reports", j, "spent_nok")), subject=m.id)


@rule("reports.missing_indicator_value", Severity.WARNING, "Indikatorverdi mangler for rapportåret")
def missing_indicator_value(ctx):
    year = report_year(ctx.plan)
    if year is None:
        return
    for g, path in _goal_paths(ctx.plan):
        if g.indicator is not None and g.indicator.value_for(year) is None:
            yield missing_indicator_value.rule.finding(
                _("Målet {id} har indikatoren «{name}», men ingen verdi for {year}.").format(
                    id=g.id, name=g.indicator.name, year=year),
                _("Legg inn verdien for {year} under indicator.values (fra {source}), eller skriv i "
                  "årsrapporten hvorfor den mangler.").format(
                    year=year, source=g.indicator.source or _("kilden")),
                location=ctx.location("goal", g.id, (*path, "indicator")), subject=g.id)


def kp_change_options() -> str:
    """Return the three formal ways to bring the plan in line with a changed kommuneplan (seed 001)."""
    return _("Formelt kan handlingsplanen tilpasses den nye kommuneplanen på tre måter: (1) rulleres samtidig med "
             "kommuneplanen, (2) endres ved en planendring som foreslås og behandles, eller (3) kommunestyret "
             "fatter et prinsippvedtak nå, og endringen tas inn med høring når planen rulleres neste gang.")


@rule("references.kp_changed", Severity.INFO, "Kommuneplanen er endret etter at planen ble koblet til den")
def kp_changed(ctx):
    """Once for each municipality whose links point into a replaced kommuneplan: the formal options."""
    cat = ctx.catalogue_plan()
    if cat is None or ctx.plan is None:
        return
    stale: dict[str, dict[str, tuple[str, tuple]]] = {}  # municipality → owner id → (kind, data path)
    names: dict[str, str] = {}
    owners = [(g, "goal", path) for g, path in _goal_paths(ctx.plan)] + \
        [(m, "measure", ("measures", i)) for i, m in enumerate(ctx.plan.measures)]
    for owner, kind, path in owners:
        for ref in owner.kp_refs:
            resolved = cat.resolve_kp_ref(ref)
            if resolved is not None and not resolved.master_plan.is_current:
                number = resolved.municipality.number
                stale.setdefault(number, {}).setdefault(owner.id, (kind, (*path, "kp_refs")))
                names[number] = resolved.municipality.name
    for number, found in stale.items():
        ident, (kind, path) = next(iter(found.items()))
        yield kp_changed.rule.finding(
            _("{count} mål og tiltak i {name} er koblet til en kommuneplan som er erstattet ({ids}).").format(
                count=len(found), name=names[number], ids=", ".join(found)),
            kp_change_options(), location=ctx.location(kind, ident, path), subject=number, municipality=number)


def _goal_paths(plan):
    """Yield (goal, data path) for each hovedmål and delmål of ``plan``."""
    for gi, goal in enumerate(plan.goals):
        yield goal, ("goals", gi)
        for si, sub in enumerate(goal.sub_goals):
            yield sub, ("goals", gi, "sub_goals", si)
