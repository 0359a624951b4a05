"""The plan's money over its period: costs by year, by main goal and by municipality, and funding by status.

A cost «per år» counts once for every year of the measure inside the plan period, «totalt» and «engangs»
once (`docplan.model.Measure.cost_by_year`). Funding lines are counted the way their measure's cost is,
so the funding table, the total in the text, the sum row of the measure table and the checker's
``economy.budget_mismatch`` all use the same sums.
"""

from __future__ import annotations

from typing import Any, Iterable

from docplan.formatting import canonical_value
from docplan.model import Goal, Measure, Plan

#: The order funding statuses are listed in: secured money first, open questions last.
FUNDING_ORDER = ("innvilget", "innenfor driftsramme", "planlagt i økonomiplan", "søkt", "planlagt søkt",
                 "ikke avklart", "ikke oppgitt")


def _split(amount: int, parts: int) -> list[int]:
    """Return ``amount`` in ``parts`` whole-krone shares that add up to it (the first ones one krone more)."""
    base, rest = divmod(amount, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def _row(years: list[int], per_year: dict[int, int], **facts: Any) -> dict[str, Any]:
    amounts = [per_year.get(y, 0) for y in years]
    return {**facts, "amounts": amounts, "total": sum(amounts)}


def main_goal_of(plan: Plan, measure: Measure) -> Goal | None:
    """Return the main goal (hovedmål) a measure serves: that of its first goal id the plan knows."""
    parents: dict[str, Goal] = {}
    for g in plan.goals:
        parents[g.id] = g
        for sub in g.sub_goals:
            parents[sub.id] = g
    return next((parents[gid] for gid in measure.goal_ids if gid in parents), None)


def economy(plan: Plan, measures: Iterable[Measure] | None = None) -> dict[str, Any]:
    """Return the economy tables of ``measures`` (default: all) over the plan period.

    ``years``: the plan period; ``by_goal``: one row per main goal (``kind`` "goal", with ``id`` and
    ``title``; a row ``kind`` "none" for measures without a goal when there are any); ``by_municipality``:
    common measures (``kind`` "common"), then each municipality's local measures (``kind`` "local", with
    ``number`` and ``name``; a local measure shared by several municipalities is split evenly between
    them); ``sums``: the column sums; ``funding_by_status``: funding over the period by status (``status``
    in bokmål, «ikke oppgitt» when missing); ``funded_nok``, ``uncovered_nok`` (cost not covered by funding,
    measure by measure) and ``total_nok``.
    """
    measures = list(plan.measures if measures is None else measures)
    period = plan.info.period
    years = list(period.years)
    by_goal: dict[str | None, dict[int, int]] = {g.id: {} for g in plan.goals}
    common: dict[int, int] = {}
    local: dict[str, dict[int, int]] = {m.number: {} for m in plan.municipalities}
    funding: dict[str, int] = {}
    uncovered = 0
    total = 0
    for m in measures:
        per_year = m.cost_by_year(period)
        cost = sum(per_year.values())
        total += cost
        goal = main_goal_of(plan, m)
        target = by_goal.setdefault(goal.id if goal is not None else None, {})
        for y, amount in per_year.items():
            target[y] = target.get(y, 0) + amount
        owners = [n for n in m.municipalities if n in local] if m.scope == "lokal" else []
        for y, amount in per_year.items():
            if owners:
                for n, share in zip(owners, _split(amount, len(owners))):
                    local[n][y] = local[n].get(y, 0) + share
            else:
                common[y] = common.get(y, 0) + amount
        times = m.times_counted(period)
        for line in m.funding:
            key = canonical_value(line.status) or "ikke oppgitt"
            funding[key] = funding.get(key, 0) + (line.amount_nok or 0) * times
        uncovered += max(0, cost - m.funded_in_period(period))
    goals = {g.id: g for g in plan.goals}
    goal_rows = [_row(years, per_year, kind="goal", id=gid, title=goals[gid].title)
                 for gid, per_year in by_goal.items() if gid is not None]
    if by_goal.get(None):
        goal_rows.append(_row(years, by_goal[None], kind="none", id=None, title=None))
    muni_rows = [_row(years, common, kind="common", number=None, name=None)]
    muni_rows += [_row(years, local[m.number], kind="local", number=m.number, name=m.name) for m in plan.municipalities]
    sums = [sum(r["amounts"][i] for r in goal_rows) for i in range(len(years))]
    order = {s: i for i, s in enumerate(FUNDING_ORDER)}
    status_rows = [{"status": s, "amount_nok": a}
                   for s, a in sorted(funding.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))]
    return {
        "years": years,
        "by_goal": goal_rows,
        "by_municipality": muni_rows,
        "sums": {"amounts": sums, "total": sum(sums)},
        "funding_by_status": status_rows,
        "funded_nok": sum(funding.values()),
        "uncovered_nok": uncovered,
        "total_nok": total,
    }


__all__ = ["FUNDING_ORDER", "economy", "main_goal_of"]
