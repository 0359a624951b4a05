"""Accessibility rules (WCAG/universell utforming): headings, table headers, alt text, language."""

from __future__ import annotations

from docplan.checks import Severity, rule
from docplan.i18n import _


@rule("accessibility.skipped_heading_level", Severity.WARNING, "Overskriftsnivå hoppes over")
def skipped_heading_level(ctx):
    if ctx.doc is None:
        return
    prev = 0
    for h in ctx.doc.headings:
        if h.level > prev + 1:
            message = _("Overskriften «{text}» har nivå {level}, men forrige overskrift har nivå {previous}.") if prev \
                else _("Overskriften «{text}» har nivå {level}, men det er ingen overskrift før den.")
            yield skipped_heading_level.rule.finding(
                message.format(text=h.text[:60], level=h.level, previous=prev),
                _("Bruk Overskrift {level} her, så skjermlesere og innholdsfortegnelsen får riktig struktur.").format(
                    level=prev + 1),
                location=ctx.doc.location(h.index), subject=h.text[:60])
        prev = h.level


@rule("accessibility.table_without_header", Severity.WARNING, "Tabell uten overskriftsrad")
def table_without_header(ctx):
    if ctx.doc is None:
        return
    for t in ctx.doc.tables:
        if len(t.rows) > 1 and not t.has_header_row:
            yield table_without_header.rule.finding(
                _("Tabellen har ingen merket overskriftsrad."),
                _("Marker første rad som overskriftsrad (Tabellegenskaper → Rad → «Gjenta som overskriftsrad»)."),
                location=ctx.doc.location(t.first_paragraph), subject="tabell")


@rule("accessibility.image_without_alt", Severity.WARNING, "Bilde uten alternativ tekst")
def image_without_alt(ctx):
    if ctx.doc is None:
        return
    for img in ctx.doc.images:
        if not img.alt:
            yield image_without_alt.rule.finding(
                _("Bildet mangler alternativ tekst."),
                _("Høyreklikk bildet → «Rediger alternativ tekst», og beskriv hva bildet viser (eller merk det som "
                  "dekorativt)."), location=ctx.doc.location(img.paragraph), subject="bilde")


@rule("accessibility.language_not_set", Severity.WARNING, "Dokumentspråket er ikke satt")
def language_not_set(ctx):
    if ctx.doc is not None and not ctx.doc.language:
        yield language_not_set.rule.finding(
            _("Dokumentet har ikke noe språk satt."),
            _("Sett språket til norsk (bokmål) eller norsk (nynorsk) under Se gjennom → Språk, så skjermlesere "
              "leser riktig."), location=ctx.doc.location(None), subject="språk")
