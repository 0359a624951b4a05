"""Rules on each municipality's alcohol policy against the law: hours (alkoholloven §§ 3-7 and 4-4), planned
controls (alkoholforskriften § 9-7) and the end of the licence period (alkoholloven § 1-6)."""

from __future__ import annotations

import datetime as dt

from docplan.checks import Severity, rule
from docplan.checks.period import election_on_or_after
from docplan.checks.places import in_chapter, place
from docplan.formatting import format_range, hours_label
from docplan.i18n import _
from docplan.hours import TimeRange, hours_ranges, parse_time_range

#: Latest end of group 1 retail hours (alkoholloven § 3-7), in minutes after midnight.
SALES_LIMITS = {"weekdays": 20 * 60, "before_holidays": 18 * 60}
#: Serving day by group (alkoholloven § 4-4): earliest start and latest end (03:00 the next day).
SERVING_LIMITS = {"group_1_2": (6 * 60, 27 * 60), "group_3": (13 * 60, 27 * 60)}


def sales_within_law(kind: str, rng: TimeRange | None) -> bool:
    """Return whether a retail range of ``kind`` («weekdays», «before_holidays») keeps to § 3-7."""
    return rng is None or rng.end <= SALES_LIMITS[kind]


def serving_within_law(group: str, rng: TimeRange | None) -> bool:
    """Return whether a serving range for ``group`` («group_1_2», «group_3») keeps to § 4-4."""
    earliest, latest = SERVING_LIMITS[group]
    return rng is None or (rng.start >= earliest and rng.end <= latest)


def _policies(ctx):
    """Yield (index, municipality, policy) for each municipality of the run with an alcohol policy."""
    if ctx.plan is None:
        return
    for i, m in enumerate(ctx.plan.municipalities):
        if m is None or m.alcohol_policy is None:
            continue
        if ctx.municipality and m.number != ctx.municipality:
            continue
        yield i, m, m.alcohol_policy


def _ranges(hours, path: tuple):
    """Yield (day type or place, range text, parsed range, data path) of an hours value."""
    for label, text in hours_ranges(hours):
        try:
            rng = parse_time_range(text)
        except ValueError:
            continue  # validation reports it
        yield label, text, rng, (path if label is None else (*path, label))


def _where(ctx, m, path: tuple):
    """Return the municipality's row of the alcohol policy table in the document, else the data's place."""
    return place(ctx, path, m.name.casefold(), lambda i, text: text == m.name and ctx.doc.paragraphs.in_table(i)
                 and in_chapter(ctx, i, "alkohol"))


def _when(kind_label: str, label: str | None) -> str:
    return kind_label if label in (None, "default") else f"{kind_label}, {hours_label(label)}"


def _outside_law(ctx, field: str, kinds: dict[str, tuple[str, str]], within):
    """Yield (municipality, when, range, bound, data path) for each range of a policy's ``field``
    (``sales_hours`` or ``serving_hours``) that ``within(kind, range)`` finds outside the law; ``kinds`` maps
    each kind of day or group to its words and the law's bound for it."""
    for i, m, policy in _policies(ctx):
        hours = getattr(policy, field)
        if hours is None:
            continue
        for kind, (when, bound) in kinds.items():
            base = ("municipalities", i, "alcohol_policy", field, kind)
            for label, text, rng, path in _ranges(getattr(hours, kind), base):
                if not within(kind, rng):
                    yield m, _when(when, label), format_range(text), bound, path


@rule("alcohol.sales_hours", Severity.ERROR, "Salgstider utover alkoholloven § 3-7",
      known_issue="sales_hours_beyond_law")
def sales_hours(ctx):
    kinds = {"weekdays": (_("på hverdager"), "20.00"), "before_holidays": (_("før søn- og helligdager"), "18.00")}
    for m, when, hours, latest, path in _outside_law(ctx, "sales_hours", kinds, sales_within_law):
        yield sales_hours.rule.finding(
            _("Salgstiden i {name} {when} ({range}) går utover alkoholloven § 3-7: salg av alkoholholdig drikk i "
              "gruppe 1 kan ikke skje etter kl. {latest}.").format(name=m.name, when=when, range=hours, latest=latest),
            _("Sett salgstiden til kl. {latest} eller tidligere.").format(latest=latest),
            location=_where(ctx, m, path), subject=m.number, municipality=m.number)


@rule("alcohol.serving_hours", Severity.ERROR, "Skjenketider utenfor alkoholloven § 4-4",
      known_issue="serving_hours_beyond_law")
def serving_hours(ctx):
    groups = {"group_1_2": (_("for gruppe 1 og 2"), "06.00"), "group_3": (_("for gruppe 3"), "13.00")}
    for m, when, hours, earliest, path in _outside_law(ctx, "serving_hours", groups, serving_within_law):
        yield serving_hours.rule.finding(
            _("Skjenketiden i {name} {when} ({range}) er utenfor alkoholloven § 4-4: skjenking kan skje fra kl. "
              "{earliest} til kl. 03.00.").format(name=m.name, when=when, range=hours, earliest=earliest),
            _("Legg skjenketiden innenfor kl. {earliest}–03.00.").format(earliest=earliest),
            location=_where(ctx, m, path), subject=m.number, municipality=m.number)


@rule("alcohol.controls", Severity.WARNING, "For få planlagte kontroller etter alkoholforskriften § 9-7",
      known_issue="too_few_controls")
def controls(ctx):
    for i, m, policy in _policies(ctx):
        outlets = policy.outlets.total if policy.outlets is not None else 0
        if not outlets or policy.controls_per_year is None or policy.controls_per_year >= 3 * outlets:
            continue
        planned = policy.controls_per_year
        message = _("{name} planlegger {planned} kontroller per år, men har {outlets} salgs- og skjenkesteder; "
                    "alkoholforskriften § 9-7 krever minst tre ganger så mange kontroller som steder ({needed}).")
        if planned < outlets:
            message += " " + _("Det er også færre enn én kontroll per sted.")
        yield controls.rule.finding(
            message.format(name=m.name, planned=planned, outlets=outlets, needed=3 * outlets),
            _("Planlegg minst {needed} kontroller per år, og kontroller hvert sted minst én gang.").format(
                needed=3 * outlets),
            location=_where(ctx, m, ("municipalities", i, "alcohol_policy", "controls_per_year")),
            subject=m.number, municipality=m.number)


def latest_licence_end(start_year: int) -> dt.date:
    """Return the latest end of licences given in a plan period starting ``start_year`` (alkoholloven § 1-6):
    30 September the year after the next council takes office."""
    return dt.date(election_on_or_after(start_year) + 1, 9, 30)


@rule("alcohol.licence_period", Severity.ERROR, "Bevillingsperioden går utover alkoholloven § 1-6",
      known_issue="licence_period_beyond_law")
def licence_period(ctx):
    if ctx.plan is None or ctx.plan.info is None:
        return
    latest = latest_licence_end(ctx.plan.info.period.start_year)
    for i, m, policy in _policies(ctx):
        end = policy.licence_period_end
        if end is not None and end > latest:
            yield licence_period.rule.finding(
                _("Bevillingene i {name} gjelder til {end}, men etter alkoholloven § 1-6 opphører de senest "
                  "30. september året etter at nytt kommunestyre tiltrer ({latest}).").format(
                    name=m.name, end=f"{end:%d.%m.%Y}", latest=f"{latest:%d.%m.%Y}"),
                _("Sett slutten av bevillingsperioden til {latest} eller tidligere.").format(
                    latest=f"{latest:%d.%m.%Y}"),
                location=_where(ctx, m, ("municipalities", i, "alcohol_policy", "licence_period_end")),
                subject=m.number, municipality=m.number)
