"""Rules on references: to goals and measures (data and prose) and to the kommuneplan catalogue."""

from __future__ import annotations

import re

from docplan.checks import Severity, rule
from docplan.i18n import _


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


@rule("references.unknown_goal", Severity.ERROR, "Henvisning til et mål som ikke finnes")
def unknown_goal(ctx):
    known = {g.id for g in ctx.goals} | {i for (k, i) in ctx.doc_items if k == "goal"}
    if not known:
        return
    for m in ctx.measures:
        for gid in m.goal_ids:
            if gid != "?" and gid not in known:
                yield unknown_goal.rule.finding(
                    _("Tiltak {id} viser til målet «{goal}», som ikke finnes i planen.").format(id=m.id, goal=gid),
                    _("Rett målnummeret, eller legg til målet (nummereringen kan ha endret seg ved rullering)."),
                    location=m.location, subject=m.id)
    yield from _unknown_in_text(ctx, unknown_goal, "goal", known,
                                _("Teksten viser til delmål/hovedmål {id}, som ikke finnes i planen."),
                                _("Rett henvisningen slik at den peker på et mål som finnes."))


@rule("references.unknown_measure", Severity.ERROR, "Henvisning til et tiltak som ikke finnes")
def unknown_measure(ctx):
    known = {m.id for m in ctx.measures} | {i for (k, i) in ctx.doc_items if k == "measure"}
    if not known:
        return
    yield from _unknown_in_text(ctx, unknown_measure, "measure", known,
                                _("Teksten viser til tiltak {id}, som ikke finnes i tiltaksplanen."),
                                _("Rett henvisningen (tiltak kan ha fått nytt nummer ved rullering)."))


def _unknown_in_text(ctx, rule_func, kind: str, known: set[str], message: str, fix: str):
    """Yield a finding for each «tiltak 3.4» / «delmål 2.1» in the text whose id is not in ``known``."""
    for ref in ctx.text_refs:
        if ref.kind == kind and ref.id not in known:
            yield rule_func.rule.finding(message.format(id=ref.id), fix, location=ctx.doc.location(ref.paragraph),
                                         subject=ref.id)


def _data_kp_refs(ctx):
    """Yield (owner label, ref, location) for every kommuneplan reference in the data."""
    if ctx.plan is None:
        return
    for g in ctx.goals:
        src = ctx.plan.goal(g.id)
        for ref in (src.kp_refs if src is not None else []):
            yield _("Mål {id}").format(id=g.id), g.id, ref, g.location
    for m in ctx.measures:
        for ref in m.kp_refs or []:
            yield _("Tiltak {id}").format(id=m.id), m.id, ref, m.location


def _doc_kp_items(ctx, cat):
    """Yield (item, catalogue item or None) for each kommuneplan reference or quote in the document."""
    if ctx.doc is None:
        return
    for item in ctx.doc.tagged:
        if item.tag.kind in ("kp-ref", "kp-quote"):
            yield item, cat.resolve_kp_ref(item.tag.id)


def _at_item(rule_func, item, ctx, message: str, fix: str):
    return rule_func.rule.finding(message, fix, location=ctx.doc.location(item.paragraph), subject=item.tag.id,
                                  municipality=_muni(item.tag.id))


@rule("references.dangling_kp", Severity.ERROR, "Kommuneplanpunkt som ikke finnes i katalogen")
def dangling_kp(ctx):
    cat = ctx.catalogue_plan()
    if cat is None:
        return
    for owner, subject, ref, loc in _data_kp_refs(ctx):
        if cat.resolve_kp_ref(ref) is None:
            yield dangling_kp.rule.finding(
                _("{owner} viser til kommuneplanpunktet «{ref}», som ikke finnes i kommuneplankatalogen.").format(
                    owner=owner, ref=ref),
                _("Velg et punkt som finnes i gjeldende kommuneplan, eller oppdater katalogen."),
                location=loc, subject=subject, municipality=_muni(ref))
    for item, resolved in _doc_kp_items(ctx, cat):
        if resolved is None:
            yield _at_item(dangling_kp, item, ctx,
                           _("Henvisningen til kommuneplanpunktet «{ref}» finnes ikke i kommuneplankatalogen.").format(
                               ref=item.tag.id),
                           _("Velg et punkt som finnes i gjeldende kommuneplan, eller oppdater henvisningen."))
    if len(ctx.catalogue) == 1:
        ids = {re.sub(r"^[A-ZÆØÅ]+-", "", it.id) for mp in ctx.catalogue[0].master_plans if mp.is_current
               for it in mp.items}
        if ids:
            for number, para in ctx.kp_text_refs:
                if not any(i == number or i.startswith(number + ".") for i in ids):
                    yield dangling_kp.rule.finding(
                        _("Teksten viser til kommuneplanen, punkt/kapittel {number}, som ikke finnes i gjeldende "
                          "kommuneplan.").format(number=number),
                        _("Rett henvisningen til riktig kapittel eller punkt i gjeldende kommuneplan."),
                        location=ctx.doc.location(para), subject=number)


def _muni(ref: str) -> str | None:
    from docplan.model import KpRef

    try:
        return KpRef.parse(ref).municipality
    except ValueError:
        return None


@rule("references.stale_kp_quote", Severity.WARNING, "Sitat fra kommuneplanen er utdatert")
def stale_kp_quote(ctx):
    cat = ctx.catalogue_plan()
    if cat is None:
        return
    for item, resolved in _doc_kp_items(ctx, cat):
        if resolved is None:
            continue
        expected = resolved.item.text if item.tag.kind == "kp-quote" and resolved.item.text else resolved.item.title
        if _norm(expected) not in _norm(item.text):
            yield _at_item(stale_kp_quote, item, ctx,
                           _("Teksten for kommuneplanpunktet «{ref}» stemmer ikke med gjeldende kommuneplan "
                             "(der står det: «{expected}»).").format(ref=item.tag.id, expected=expected),
                           _("Oppdater sitatet/henvisningen fra kommuneplankatalogen (docplan refresh)."))


@rule("references.outdated_kp", Severity.WARNING, "Henvisning til en erstattet kommuneplan",
      known_issue="outdated_master_plan_reference")
def outdated_kp(ctx):
    cat = ctx.catalogue_plan()
    if cat is None:
        return
    for owner, subject, ref, loc in _data_kp_refs(ctx):
        resolved = cat.resolve_kp_ref(ref)
        if resolved is not None and not resolved.master_plan.is_current:
            mp = resolved.master_plan
            message = _("{owner} viser til «{ref}» i {plan}, som er erstattet av {newer}.") if mp.replaced_by else \
                _("{owner} viser til «{ref}» i {plan}, som ikke lenger gjelder.")
            yield outdated_kp.rule.finding(
                message.format(owner=owner, ref=ref, plan=mp.plan_name, newer=mp.replaced_by),
                _("Finn det tilsvarende punktet i gjeldende kommuneplan og oppdater koblingen."),
                location=loc, subject=subject, municipality=resolved.municipality.number)
    current_starts = []
    old_names = {}
    for muni in ctx.catalogue:
        for mp in muni.master_plans:
            years = re.findall(r"(?:19|20)\d\d", mp.plan_name)
            if mp.part != "samfunnsdel" or len(years) < 2:
                continue
            if mp.is_current:
                current_starts.append(int(years[0]))
            else:
                old_names[(int(years[0]), int(years[1]))] = mp.plan_name
    if len(ctx.catalogue) != 1 or not current_starts:
        return
    for start, end, para in ctx.kp_version_claims:
        if start < min(current_starts):
            yield outdated_kp.rule.finding(
                _("Dokumentet viser til kommuneplanens samfunnsdel {start}–{end}, men gjeldende samfunnsdel er "
                  "nyere.").format(start=start, end=end),
                _("Oppdater henvisningen til gjeldende samfunnsdel og kontroller at koblingene fortsatt stemmer."),
                location=ctx.doc.location(para), subject=f"{start}–{end}")
