"""Rules on goals (*hovedmål*, *delmål*): every goal should have measures serving it."""

from __future__ import annotations

from docplan.checks import Severity, rule
from docplan.i18n import _


@rule("goals.without_measure", Severity.WARNING, "Mål uten tiltak", known_issue="goal_without_measure")
def without_measure(ctx):
    if not ctx.measures or any("?" in m.goal_ids for m in ctx.measures):
        return
    served = {g for m in ctx.measures for g in m.goal_ids}
    parents_served = {g.parent for g in ctx.goals if g.id in served and g.parent}
    for g in ctx.goals:
        if g.id in served or (g.level == "main" and g.id in parents_served):
            continue
        message = _("Delmål {id} «{title}» har ingen tiltak knyttet til seg.") if g.level == "sub" else \
            _("Hovedmål {id} «{title}» har ingen tiltak knyttet til seg.")
        yield without_measure.rule.finding(
            message.format(id=g.id, title=g.title),
            _("Legg til minst ett tiltak som bidrar til målet, eller ta målet ut av planen ved neste rullering."),
            location=g.location, subject=g.id)
