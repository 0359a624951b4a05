"""Rules on each measure (*tiltak*): goal, owner, deadline, economy, kommuneplan hook, status."""

from __future__ import annotations

from docplan.checks import Severity, rule


def _kr(n: int) -> str:
    return f"{n:,} kr".replace(",", "\u00a0")


def _each_measure(rule_func, lacks, message: str, fix: str):
    """Yield a finding of ``rule_func``'s rule for each measure ``lacks`` is true for (``{id}`` in the message)."""
    def check(ctx):
        for m in ctx.measures:
            if lacks(m):
                yield rule_func.rule.finding(message.format(id=m.id), fix, location=m.location, subject=m.id)
    return check


@rule("measures.without_goal", Severity.WARNING, "Tiltak uten delmål", known_issue="measure_without_goal")
def without_goal(ctx):
    return _each_measure(
        without_goal, lambda m: not m.goal_ids, "Tiltak {id} er ikke knyttet til noe delmål.",
        "Før opp delmålet (eller målene) tiltaket skal bidra til, eller vurder om tiltaket hører hjemme i planen.",
    )(ctx)


@rule("measures.missing_responsible", Severity.WARNING, "Tiltak uten ansvarlig", known_issue="missing_responsible")
def missing_responsible(ctx):
    return _each_measure(
        missing_responsible, lambda m: not (m.responsible or "").strip(), "Tiltak {id} mangler ansvarlig.",
        "Før opp en rolle eller enhet som ansvarlig (ikke en navngitt person), f.eks. «Leder NAV».",
    )(ctx)


@rule("measures.missing_deadline", Severity.WARNING, "Tiltak uten frist eller år")
def missing_deadline(ctx):
    return _each_measure(
        missing_deadline, lambda m: not m.has_deadline, "Tiltak {id} mangler frist og gjennomføringsår.",
        "Før opp hvilke år tiltaket gjennomføres, og gjerne en frist innenfor planperioden.",
    )(ctx)


@rule("measures.missing_funding", Severity.WARNING, "Tiltak uten økonomi eller finansiering",
      known_issue="missing_funding")
def missing_funding(ctx):
    for m in ctx.measures:
        if m.has_funding is not False:
            continue
        if m.cost:
            msg = f"Tiltak {m.id} har en kostnad ({_kr(m.cost)}), men ingen finansiering er oppgitt."
        elif m.cost is None:
            msg = f"Tiltak {m.id} mangler både kostnad og finansiering."
        else:
            continue
        yield missing_funding.rule.finding(
            msg, "Oppgi kilde (driftsbudsjett, tilskudd, økonomiplan …), beløp og status (søkt, innvilget …).",
            location=m.location, subject=m.id)


@rule("measures.without_kp_ref", Severity.WARNING, "Tiltak uten kobling til kommuneplanen",
      known_issue="measure_without_master_plan_reference")
def without_kp_ref(ctx):
    return _each_measure(
        without_kp_ref, lambda m: m.kp_refs is not None and not m.kp_refs,
        "Tiltak {id} har ingen kobling til kommuneplanen.",
        "Knytt tiltaket til et mål eller en strategi i kommuneplanens samfunnsdel eller handlingsdel "
        "(«knaggen»), så det kan følges opp i handlings- og økonomiplanen.",
    )(ctx)


@rule("measures.past_deadline_not_started", Severity.WARNING, "Fristen er passert, men tiltaket er ikke startet")
def past_deadline_not_started(ctx):
    for m in ctx.measures:
        if m.deadline and m.deadline < ctx.today and (m.status or "") in ("ikke startet", "ikkje starta"):
            yield past_deadline_not_started.rule.finding(
                f"Fristen for tiltak {m.id} ({m.deadline:%d.%m.%Y}) er passert, men status er «{m.status}».",
                "Oppdater status, eller sett en ny frist ved neste rullering.", location=m.location, subject=m.id)


@rule("measures.funding_mismatch", Severity.INFO, "Finansieringen dekker ikke kostnaden")
def funding_mismatch(ctx):
    for m in ctx.measures:
        if m.cost and m.has_funding and m.funded is not None and 0 < m.funded < m.cost:
            yield funding_mismatch.rule.finding(
                f"Finansieringen av tiltak {m.id} ({_kr(m.funded)}) dekker ikke kostnaden ({_kr(m.cost)}).",
                "Før opp resten av finansieringen, eller juster kostnaden.", location=m.location, subject=m.id)
