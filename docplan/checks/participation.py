"""Rules on how the plan was made: user participation (*brukermedvirkning*)."""

from __future__ import annotations

from docplan.checks import Severity, rule
from docplan.checks.places import place
from docplan.formatting import canonical_value
from docplan.i18n import _


@rule("participation.no_user_participation", Severity.INFO, "Ingen registrert brukermedvirkning")
def no_user_participation(ctx):
    if ctx.plan is None or ctx.plan.info is None:
        return
    from docplan.model import USER_GROUPS  # with plan data the model is loaded already

    groups = {canonical_value(p.group) for p in ctx.plan.organisation.participation}
    if groups & {canonical_value(g) for g in USER_GROUPS}:
        return
    yield no_user_participation.rule.finding(
        _("Planen har ingen registrert medvirkning fra brukere."),
        _("Før opp hvordan brukere (og gjerne pårørende) har deltatt i arbeidet, under «organisation: "
          "participation», for eksempel gjennom en brukerorganisasjon eller et dialogmøte."),
        location=place(ctx, ("organisation",), "medv", lambda i, text: ctx.doc.paragraphs[i].level is not None
                       and ("medvirkning" in text.casefold() or "medverknad" in text.casefold())),
        subject="medvirkning")
