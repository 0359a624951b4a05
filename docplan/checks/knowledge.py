"""Rules on the knowledge base (*kunnskapsgrunnlag*): figures recent enough to plan from."""

from __future__ import annotations

from docplan.checks import Severity, rule
from docplan.checks.places import place
from docplan.i18n import _

#: A figure older than this many years (counted from today's year) is out of date.
MAX_AGE_YEARS = 3


@rule("knowledge.outdated_figures", Severity.WARNING, "Tall i kunnskapsgrunnlaget er eldre enn tre år",
      known_issue="outdated_figures")
def outdated_figures(ctx):
    if ctx.plan is None:
        return
    for i, series in enumerate(ctx.plan.knowledge_base.indicators):
        if ctx.municipality and series.municipality not in (None, ctx.municipality):
            continue
        latest = series.latest_year
        if latest is not None and ctx.today.year - latest > MAX_AGE_YEARS:
            yield outdated_figures.rule.finding(
                _("Det nyeste tallet for «{name}» er fra {year}, mer enn tre år gammelt.").format(
                    name=series.name, year=latest),
                _("Hent nyere tall fra {source}, eller skriv i planen hvorfor det ikke finnes nyere tall.").format(
                    source=series.source or _("kilden")),
                location=place(ctx, ("knowledge_base", "indicators", i), series.name[:40].casefold(),
                               lambda _i, text, name=series.name: text.startswith(name)),
                subject=series.id or series.name, municipality=series.municipality)
