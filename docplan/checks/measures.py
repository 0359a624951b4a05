"""Rules on each measure (*tiltak*): goal, owner, deadline, economy, kommuneplan hook, status."""

from __future__ import annotations

from docplan.checks import Severity, rule
from docplan.formatting import format_nok
from docplan.i18n import N_, _, display_value, format_date


def _each_measure(rule_func, lacks, message: str, fix: str):
    """Yield a finding of ``rule_func``'s rule for each measure ``lacks`` is true for (``{id}`` in the message;
    both texts are catalogue messages, translated when the rule runs)."""
    def check(ctx):
        for m in ctx.measures:
            if lacks(m):
                yield rule_func.rule.finding(_(message).format(id=m.id), _(fix), location=m.location, subject=m.id)
    return check


@rule("measures.without_goal", Severity.WARNING, "Tiltak uten delmål", known_issue="measure_without_goal")
def without_goal(ctx):
    return _each_measure(
        without_goal, lambda m: not m.goal_ids, N_("Tiltak {id} er ikke knyttet til noe delmål."),
        N_("Før opp delmålet (eller målene) tiltaket skal bidra til, eller vurder om tiltaket hører hjemme i planen."),
    )(ctx)


@rule("measures.missing_responsible", Severity.WARNING, "Tiltak uten ansvarlig", known_issue="missing_responsible")
def missing_responsible(ctx):
    return _each_measure(
        missing_responsible, lambda m: not (m.responsible or "").strip(), N_("Tiltak {id} mangler ansvarlig."),
        N_("Før opp en rolle eller enhet som ansvarlig (ikke en navngitt person), f.eks. «Leder NAV»."),
    )(ctx)


@rule("measures.missing_deadline", Severity.WARNING, "Tiltak uten frist eller år")
def missing_deadline(ctx):
    return _each_measure(
        missing_deadline, lambda m: not m.has_deadline, N_("Tiltak {id} mangler frist og gjennomføringsår."),
        N_("Før opp hvilke år tiltaket gjennomføres, og gjerne en frist innenfor planperioden."),
    )(ctx)


@rule("measures.missing_funding", Severity.WARNING, "Tiltak uten økonomi eller finansiering",
      known_issue="missing_funding")
def missing_funding(ctx):
    for m in ctx.measures:
        if m.has_funding is not False:
            continue
        if m.cost:
            msg = _("Tiltak {id} har en kostnad ({cost}), men ingen finansiering er oppgitt.").format(id=m.id, cost=format_nok(m.cost))
        elif m.cost is None:
            msg = _("Tiltak {id} mangler både kostnad og finansiering.").format(id=m.id)
        else:
            continue
        yield missing_funding.rule.finding(
            msg, _("Oppgi kilde (driftsbudsjett, tilskudd, økonomiplan …), beløp og status (søkt, innvilget …)."),
            location=m.location, subject=m.id)


@rule("measures.without_kp_ref", Severity.WARNING, "Tiltak uten kobling til kommuneplanen",
      known_issue="measure_without_master_plan_reference")
def without_kp_ref(ctx):
    return _each_measure(
        without_kp_ref, lambda m: m.kp_refs is not None and not m.kp_refs,
        N_("Tiltak {id} har ingen kobling til kommuneplanen."),
        N_("Knytt tiltaket til et mål eller en strategi i kommuneplanens samfunnsdel eller handlingsdel "
           "(«knaggen»), så det kan følges opp i handlings- og økonomiplanen."),
    )(ctx)


@rule("measures.past_deadline_not_started", Severity.WARNING, "Fristen er passert, men tiltaket er ikke startet")
def past_deadline_not_started(ctx):
    for m in ctx.measures:
        if m.deadline and m.deadline < ctx.today and (m.status or "") in ("ikke startet", "ikkje starta"):
            yield past_deadline_not_started.rule.finding(
                _("Fristen for tiltak {id} ({deadline}) er passert, men status er «{status}».").format(
                    id=m.id, deadline=format_date(m.deadline), status=display_value(m.status)),
                _("Oppdater status, eller sett en ny frist ved neste rullering."), location=m.location, subject=m.id)


@rule("measures.funding_mismatch", Severity.INFO, "Finansieringen dekker ikke kostnaden")
def funding_mismatch(ctx):
    for m in ctx.measures:
        if m.cost and m.has_funding and m.funded is not None and 0 < m.funded < m.cost:
            yield funding_mismatch.rule.finding(
                _("Finansieringen av tiltak {id} ({funded}) dekker ikke kostnaden ({cost}).").format(
                    id=m.id, funded=format_nok(m.funded), cost=format_nok(m.cost)),
                _("Før opp resten av finansieringen, eller juster kostnaden."), location=m.location, subject=m.id)
