"""Rules on the document as a whole: required chapters, template version, hand edits, outdated names."""

from __future__ import annotations

import re

from docplan.checks import Severity, rule
from docplan.i18n import _
from docplan.errors import DocplanError
from docplan.state import edited_controls


def _norm(text: str) -> str:
    text = re.sub(r"^(?:kapittel\s+)?\d+(?:\.\d+)*\.?\s*", "", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).casefold()


def required_chapters(ctx) -> list[str]:
    """Return the chapters the template in use requires (the standard template's list if unknown)."""
    from docplan import registry

    language = "nn" if (ctx.plan is not None and ctx.plan.language == "nn") or \
        (ctx.doc is not None and (ctx.doc.language or "").lower().startswith("nn")) else "nb"
    try:
        if ctx.doc is not None and ctx.doc.template:
            tid, version, lang = ctx.doc.template
            entry = registry.find(tid, version, lang or None) or registry.latest(tid, lang or language)
        else:
            entry = registry.latest(None, language)
    except DocplanError:
        return []
    return list(entry.required_chapters)


@rule("structure.missing_chapter", Severity.WARNING, "Påkrevd kapittel mangler")
def missing_chapter(ctx):
    if ctx.doc is None:
        return
    headings = [_norm(h.text) for h in ctx.doc.headings]
    for chapter in required_chapters(ctx):
        want = _norm(chapter)
        first = want.split(",")[0].split(" og ")[0]
        if not any(h == want or h.startswith(first) or want in h for h in headings):
            yield _whole_document(ctx, missing_chapter, _("Kapitlet «{chapter}» mangler.").format(chapter=chapter),
                                  _("Legg til kapitlet som overskrift (stil Overskrift 1); alkoholpolitikken er "
                                    "påkrevd etter alkoholloven § 1-7d, og tiltaksplan og rullering trengs for å "
                                    "følge opp planen."), chapter)


def _whole_document(ctx, rule_func, message: str, fix: str, subject: str):
    """A finding about the document as a whole (no paragraph)."""
    return rule_func.rule.finding(message, fix, location=ctx.doc.location(None), subject=subject)


@rule("structure.outdated_template", Severity.WARNING, "Dokumentet er laget med en eldre malversjon")
def outdated_template(ctx):
    if ctx.doc is None or not ctx.doc.template:
        return
    from docplan import registry

    tid, version, lang = ctx.doc.template
    try:
        newest = registry.latest(tid, lang or "nb")
    except DocplanError:
        return
    if registry.version_key(version) < newest.version_key:
        yield _whole_document(ctx, outdated_template,
                              _("Dokumentet er laget fra malen «{template}» versjon {version}; nyeste versjon er "
                                "{newest}.").format(template=tid, version=version, newest=newest.version),
                              _("Se hva som er endret med «docplan template diff» mellom de to versjonene, og ta "
                                "endringene inn i dokumentet (eller lag det på nytt med «docplan render» fra nyeste "
                                "mal)."), tid)


@rule("structure.edited_tagged_item", Severity.WARNING, "Innsatt docplan-innhold er endret for hånd")
def edited_tagged_item(ctx):
    if ctx.doc is None:
        return
    state = ctx.doc.state
    if not state:
        return
    # as docplan.refresh: edited when the record matches neither its own text nor its whole text
    paragraphs = {id(item.control): item.paragraph for item in ctx.doc.tagged}
    for control in edited_controls(ctx.doc.document.controls(), state) if ctx.doc.document is not None else []:
        yield edited_tagged_item.rule.finding(
            _("Innholdet i «{name}» er endret for hånd etter at docplan satte det inn.").format(name=control.name),
            _("Før endringen inn i plandataene; «docplan refresh» lar den stå og overskriver den bare med --force."),
            location=ctx.doc.location(paragraphs.get(id(control))), subject=control.name)


_OUTDATED = (
    (re.compile(r"\bFylkesmannen\b"), "Fylkesmannen", "Statsforvalteren"),
    (re.compile(r"\bHedmark\b"), "Hedmark", "Innlandet"),
    (re.compile(r"\brådmann(?:en)?\b", re.IGNORECASE), "rådmann", "kommunedirektør"),
)


@rule("structure.outdated_names", Severity.INFO, "Utdaterte navn på etater eller stillinger")
def outdated_names(ctx):
    if ctx.doc is None:
        return
    # only paragraphs with the name in any case are searched; findings in paragraph order
    hits = sorted((p.index, k) for k, (pattern, old, _new) in enumerate(_OUTDATED)
                  for p in ctx.doc.paragraphs_containing(old.lower()) if pattern.search(p.text))
    for index, k in hits:
        old, new = _OUTDATED[k][1:]
        yield outdated_names.rule.finding(
            _("Teksten bruker «{old}», som er et utdatert navn.").format(old=old),
            _("Bruk «{new}» om dagens forhold (historiske henvisninger kan stå).").format(new=new),
            location=ctx.doc.location(index), subject=old)
