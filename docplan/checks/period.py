"""Rules on the plan cycle: plan period, council term (alkoholloven § 1-7d), rullering, adoption."""

from __future__ import annotations

import datetime as dt

from docplan.checks import Severity, rule
from docplan.i18n import _, format_date

FIRST_ELECTION = 2023  # municipal elections every four years: 2023, 2027, 2031, …


def is_election_year(year: int) -> bool:
    return (year - FIRST_ELECTION) % 4 == 0


def election_on_or_after(year: int) -> int:
    return year + (FIRST_ELECTION - year) % 4


def current_term_start(today: dt.date) -> dt.date:
    """Return when the sitting council was constituted (taken as 15 October of the election year)."""
    year = today.year - (today.year - FIRST_ELECTION) % 4
    start = dt.date(year, 10, 15)
    return start if start <= today else dt.date(year - 4, 10, 15)


@rule("period.measure_outside_period", Severity.ERROR, "Tiltak med år eller frist utenfor planperioden",
      known_issue="deadline_after_plan_period")
def measure_outside_period(ctx):
    if ctx.period is None:
        return
    start, end = ctx.period
    for m in ctx.measures:
        years = set(m.years) | ({m.deadline.year} if m.deadline else set())
        outside = sorted(y for y in years if not start <= y <= end)
        if outside:
            yield measure_outside_period.rule.finding(
                _("Tiltak {id} har år eller frist ({years}) utenfor planperioden {start}–{end}.").format(
                    id=m.id, years=", ".join(map(str, outside)), start=start, end=end),
                _("Flytt tiltaket inn i planperioden, eller ta det med i neste plan."), location=m.location, subject=m.id)


@rule("period.council_term", Severity.WARNING, "Planperioden følger ikke kommunestyreperioden")
def council_term(ctx):
    if ctx.period is None:
        return
    start, end = ctx.period
    straddled = [e for e in range(start, end) if is_election_year(e)]
    if straddled:
        e = straddled[0]
        yield council_term.rule.finding(
            _("Planperioden {start}–{end} går over kommunevalget i {year}, og dermed over to "
              "kommunestyreperioder.").format(start=start, end=end, year=e),
            _("Helsedirektoratet anbefaler at planen behandles i hver kommunestyreperiode (alkoholloven § 1-7d); "
              "la planperioden følge kommunestyreperioden, f.eks. {start}–{end}.").format(start=e + 1, end=e + 4),
            location=ctx.period_location, subject="planperiode")


@rule("period.revision_overdue", Severity.WARNING, "Rulleringen er forsinket")
def revision_overdue(ctx):
    if ctx.period is not None and ctx.today.year > ctx.period[1]:
        yield revision_overdue.rule.finding(
            _("Planperioden {start}–{end} er utløpt.").format(start=ctx.period[0], end=ctx.period[1]),
            _("Rull planen: det nye kommunestyret skal behandle planen (alkoholloven § 1-7d), helst innen "
              "planstrategien er vedtatt."), location=ctx.period_location, subject="planperiode")
        return
    if ctx.plan is None:
        return
    term = current_term_start(ctx.today)
    dates = [m.adoption.date for m in ctx.plan.municipalities if m is not None and m.adoption.date]
    if dates and max(dates) < term:
        yield revision_overdue.rule.finding(
            _("Planen ble sist vedtatt {date}, før dette kommunestyret ble konstituert.").format(
                date=format_date(max(dates))),
            _("Legg planen fram for det sittende kommunestyret; planen skal behandles i hver kommunestyreperiode."),
            location=ctx.period_location, subject="vedtak")


@rule("period.licence_period_end", Severity.INFO, "Bevillingsperioden slutter ikke 30. september året etter valget")
def licence_period_end(ctx):
    if ctx.plan is None or ctx.plan.info is None or ctx.plan.info.licence_period_end is None:
        return
    expected = dt.date(election_on_or_after(ctx.plan.info.period.start_year) + 1, 9, 30)
    given = ctx.plan.info.licence_period_end
    if given != expected:
        yield licence_period_end.rule.finding(
            _("Bevillingsperioden er satt til å slutte {given}; etter alkoholloven § 1-6 slutter den senest "
              "{expected}.").format(given=format_date(given), expected=format_date(expected)),
            _("Sett slutten av bevillingsperioden til {date}.").format(date=format_date(expected)),
            location=ctx.data_location(("plan", "licence_period_end")), subject="bevillingsperiode")


@rule("adoption.not_adopted_by_all", Severity.WARNING, "Planen er ikke vedtatt i alle kommunene",
      known_issue="plan_not_adopted_by_all")
def not_adopted_by_all(ctx):
    if ctx.plan is None or len(ctx.plan.municipalities) < 2:
        return
    for i, m in enumerate(ctx.plan.municipalities):
        if m is None:
            continue
        adopted = m.adoption.date is not None and (m.adoption.status or "vedtatt") in ("vedtatt", "vedteke", "vedtatt med endringer")
        if not adopted:
            para = ctx.doc_items.get(("adoption", m.number))
            loc = ctx.doc.location(para) if para is not None and ctx.doc is not None else \
                ctx.data_location(("municipalities", i, "adoption"))
            yield not_adopted_by_all.rule.finding(
                _("Planen er ikke vedtatt av kommunestyret i {name} ({number}).").format(name=m.name, number=m.number),
                _("Før opp vedtaksdato og saksnummer når kommunestyret har behandlet planen."),
                location=loc, subject=m.number, municipality=m.number)
