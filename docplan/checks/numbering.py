"""Rules on numbering: duplicate or out-of-order ids of goals, measures and numbered chapters."""

from __future__ import annotations

import re

from docplan.checks import Severity, rule
from docplan.i18n import _

_NUMBERED_HEADING = re.compile(r"^(?:kapittel\s+)?(\d+(?:\.\d+)*)\.?\s+\S", re.IGNORECASE)


def _key(ident: str) -> tuple:
    return tuple(int(x) for x in re.findall(r"\d+", ident))


def _duplicates(items):
    seen = {}
    for ident, loc in items:
        if ident in seen:
            yield ident, loc
        else:
            seen[ident] = loc


@rule("numbering.duplicate", Severity.ERROR, "Samme nummer brukt to ganger")
def duplicate(ctx):
    for message, items in ((_("Tiltak {id} finnes mer enn én gang."), [(m.id, m.location) for m in ctx.measures]),
                           (_("Mål {id} finnes mer enn én gang."), [(g.id, g.location) for g in ctx.goals])):
        for ident, loc in _duplicates(items):
            yield duplicate.rule.finding(
                message.format(id=ident),
                _("Gi hvert mål og tiltak et eget nummer; pass på henvisninger i teksten når du nummererer om."),
                location=loc, subject=ident)
    if ctx.doc is not None:
        for ident, para in _duplicates(_heading_numbers(ctx.doc)):
            yield duplicate.rule.finding(
                _("Kapittelnummer {number} er brukt på flere overskrifter.").format(number=ident),
                _("Nummerer kapitlene fortløpende (bruk gjerne automatisk nummerering i Word)."),
                location=ctx.doc.location(para), subject=ident)


def _heading_numbers(doc):
    for p in doc.headings:
        m = _NUMBERED_HEADING.match(p.text)
        if m:
            yield m.group(1), p.index


def _out_of_order(items):
    prev = None
    for ident, loc in items:
        key = _key(ident)
        if prev is not None and key and prev[1] and key < prev[1]:
            yield ident, prev[0], loc
        if key:
            prev = (ident, key)


@rule("numbering.out_of_order", Severity.WARNING, "Nummereringen er ikke i rekkefølge")
def out_of_order(ctx):
    for message, items in (
            (_("Tiltak {id} står etter {before}; nummereringen er ikke i rekkefølge."),
             [(m.id, m.location) for m in ctx.measures]),
            (_("Mål {id} står etter {before}; nummereringen er ikke i rekkefølge."),
             [(g.id, g.location) for g in ctx.goals])):
        for ident, before, loc in _out_of_order(items):
            yield out_of_order.rule.finding(
                message.format(id=ident, before=before),
                _("Sorter eller nummerer om, og oppdater henvisninger i teksten."), location=loc, subject=ident)
    if ctx.doc is not None:
        for ident, before, para in _out_of_order(list(_heading_numbers(ctx.doc))):
            yield out_of_order.rule.finding(
                _("Kapittel {number} står etter kapittel {before}.").format(number=ident, before=before),
                _("Kontroller kapittelnummereringen (bruk gjerne automatisk nummerering i Word)."),
                location=ctx.doc.location(para), subject=ident)
