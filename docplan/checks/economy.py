"""Rules on the plan's economy: stated budget totals against the sum of the measures' costs."""

from __future__ import annotations

from docplan.checks import Severity, rule
from docplan.checks.context import _BUDGET_PROSE, _BUDGET_WORDS, _cell, is_sum_row, parse_amount
from docplan.formatting import format_nok
from docplan.i18n import _


@rule("economy.budget_mismatch", Severity.WARNING, "Summen av tiltakenes kostnader stemmer ikke med budsjettet")
def budget_mismatch(ctx):
    # the cost over the plan period: a cost «per år» counts once per year of the measure
    costs = [m.period_cost for m in ctx.measures if m.period_cost is not None]
    if not costs:
        return
    total = sum(costs)
    stated = []
    if ctx.plan is not None and ctx.plan.info is not None and ctx.plan.info.budget_total_nok is not None:
        stated.append((ctx.plan.info.budget_total_nok, ctx.data_location(("plan", "budget_total_nok")),
                       _("budsjettet i plandataene")))
    if ctx.doc is not None:
        for mt in ctx.measure_tables:
            for row in mt.table.rows[1:]:
                cell = _cell(row, mt, "cost")
                if is_sum_row(row, mt) and cell is not None:
                    amount = parse_amount(cell.text)
                    if amount is not None:
                        stated.append((amount, ctx.doc.location(row[0].first_paragraph), _("summen i tiltakstabellen")))
        for p in ctx.doc.paragraphs_containing(*_BUDGET_WORDS):
            m = _BUDGET_PROSE.search(p.text)
            if m:
                stated.append((int("".join(ch for ch in m.group(1) if ch.isdigit())), ctx.doc.location(p.index),
                               _("beløpet i teksten")))
    for amount, loc, what in stated:
        if amount != total:
            yield budget_mismatch.rule.finding(
                _("Tiltakene koster til sammen {total}, men {what} er {amount}.").format(
                    total=format_nok(total), what=what, amount=format_nok(amount)),
                _("Oppdater budsjettsummen, eller rett kostnaden på tiltakene slik at tallene stemmer."),
                location=loc, subject="budsjett")
