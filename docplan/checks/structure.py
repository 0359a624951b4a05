"""Rules on the document as a whole: required chapters, template version, hand edits, outdated names."""

from __future__ import annotations

import re

from docplan.checks import Severity, rule
from docplan.i18n import _
from docplan.errors import DocplanError
from docplan.state import edited_controls


def _norm(text: str) -> str:
    """Return a heading without its number («6.», «Kapittel 3», «DEL 2 -», «III»), case-folded, single-spaced."""
    text = re.sub(r"^(?:(?:kapittel|kap\.|del|delplan)\s+)?(?:\d+(?:\.\d+)*|[IVX]{1,4})\.?\)?\s*[-–—:]?\s*", "",
                  text.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip().rstrip(":").casefold()


#: What each required chapter is about, as the words real plans name it with, in bokmål and nynorsk
#: (shared/domain/glossary.csv: bevilling/løyve, oppfølging/oppfølgjing …; real-plan-patterns.md § 1).
#: A heading belongs to a topic when one of its words holds one of these stems.
CHAPTER_TOPICS: dict[str, tuple[str, ...]] = {
    "alkohol": ("alkoholpoliti", "bevilling", "løyve", "skjenk", "salgstid", "salstid", "alkohollov", "alkohollova",
                "tilgjengeligheten av alkohol", "tilgjengelegheita av alkohol", "tilgjengelighet av alkohol",
                "salg og skjenking", "sal og skjenking", "alkoholhåndtering", "alkoholhandtering"),
    "tiltak": ("tiltak", "handlingsplan", "handlingsdel", "handlingsprogram", "aktivitetsplan"),
    "oppfølging": ("rullering", "evaluering", "rapportering", "rapporering", "oppfølging", "oppfølgjing",
                   "gjennomføring", "revisjon", "revidering"),
}


def chapter_topic(chapter: str) -> str | None:
    """Return the topic of a required chapter («Alkoholpolitikk og løyvepolitikk» → "alkohol"), or None."""
    norm = _norm(chapter)
    return next((topic for topic, stems in CHAPTER_TOPICS.items() if any(s in norm for s in stems)), None)


def chapter_present(chapter: str, headings: list[str], other_names: list[str] | None = None) -> bool:
    """Whether a required chapter is among the headings: by its name, an other name the municipality gave it,
    or its topic (case, numbering, bokmål and nynorsk words ignored: «6. TILTAK», «BEVILLINGSPOLITIKKEN I
    SKAUN», «Løyvepolitikken», «EVALUERING OG RULLERING AV PLANEN»)."""
    want = _norm(chapter)
    first = want.split(",")[0].split(" og ")[0]
    names = [_norm(n) for n in other_names or []]
    topic = chapter_topic(chapter)
    stems = CHAPTER_TOPICS.get(topic, ()) if topic else ()
    for h in map(_norm, headings):
        if h == want or h.startswith(first) or want in h or any(n and (n == h or n in h) for n in names):
            return True
        if any(s in h for s in stems):
            return True
    return False


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


def _chapter_lines(ctx) -> list[str]:
    """Return the texts that may name a chapter: the headings, and short bold paragraphs outside tables that
    stand as headings in plans written without heading styles."""
    lines = [h.text for h in ctx.doc.headings]
    doc = ctx.doc.document
    if doc is None:
        return lines
    from docplan.reading import is_bold

    toc = doc.toc_paragraphs()
    paragraphs = ctx.doc.paragraphs
    for p in doc.paragraphs():
        text = paragraphs.texts[p.index]
        if not text or p.index in toc or len(text) > 80 or len(text.split()) > 10 or paragraphs.in_table(p.index):
            continue
        if is_bold(doc, p.element, p.style_id):
            lines.append(text)
    return lines


def _municipality(ctx) -> str | None:
    """The municipality whose chapter names apply: --kommune, the data's only one, else the document's."""
    if ctx.municipality or ctx.single_municipality:
        return ctx.municipality or ctx.single_municipality
    if ctx.doc is None:
        return None
    from docplan.reading import find_municipality

    return find_municipality(ctx.doc.paragraphs.texts[:80]).number


@rule("structure.missing_chapter", Severity.WARNING, "Påkrevd kapittel mangler")
def missing_chapter(ctx):
    if ctx.doc is None:
        return
    configured = ctx.config.chapter_names(_municipality(ctx)) if ctx.config is not None else {}
    lines = None
    for chapter in required_chapters(ctx):
        other = next((v for k, v in configured.items() if _norm(k) == _norm(chapter)), [])
        if other is None:  # the municipality has said this chapter is not required
            continue
        if lines is None:
            lines = _chapter_lines(ctx)
        if not chapter_present(chapter, lines, other):
            yield _whole_document(ctx, missing_chapter, _("Kapitlet «{chapter}» mangler.").format(chapter=chapter),
                                  _("Legg til kapitlet som overskrift (stil Overskrift 1); alkoholpolitikken er "
                                    "påkrevd etter alkoholloven § 1-7d, og tiltaksplan og rullering trengs for å "
                                    "følge opp planen. Har kapitlet et annet navn, føy navnet til under «kapitler» i "
                                    "regeloppsettet (--config)."), chapter)


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
