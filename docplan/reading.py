"""What `docplan kp import` and `docplan extract` both read from a hand-written municipal document.

The cover, headers and footers, the municipality (*kommune*), the period, adoption dates and case numbers
(«K-sak 12/24»), the written standard (bokmål or nynorsk), bold paragraphs, typed bullets and the labels
planners put in front of goals («Hovedmål 2:», «Delmål 1.3 –», «Livskvalitet Hovedmål 1: …»). Everything
here reads; nothing guesses: a fact that is not in the document is None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from docplan.document import PlanDocument
from docplan.errors import DocumentError
from docplan.municipalities import municipality_register
from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element
from docplan.ooxml.text import element_text

REL_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
REL_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"

#: A period «2024–2027», «2010 - 2014», «(2012-2016)», «2018-30», «2024 til 2027».
PERIOD = re.compile(r"(?<![\d/.])((?:19|20)\d{2})\s*(?:–|-|—|‒|til)\s*((?:19|20)\d{2}|\d{2})(?!\d)")
MONTHS = {m: i for i, m in enumerate(("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
                                      "september", "oktober", "november", "desember"), 1)}
DATE_NUM = re.compile(r"(?<![\d/])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})(?![\d/])")
DATE_TEXT = re.compile(r"\b(\d{1,2})\.\s?(" + "|".join(m[:3] for m in MONTHS) + r")[a-zæøå]*\.?\s+(\d{4})\b",
                       re.IGNORECASE)
#: A political case number: «K-sak 12/24», «sak 30/05», «PS 162/09», «K. sak 9/17», «sak nr. 20/2881», «Fsak 051/16».
CASE_NO = re.compile(r"(?<![\w-])(?:k\.?[\s-]?sak|f\.?[\s-]?sak|sak\s+k-|ps|sak)(?:\s*nr\.?)?\s*:?\s*\d{1,5}/\d{2,4}\b",
                     re.IGNORECASE)
_ADOPTED = re.compile(r"\b(vedt[ae]\w*|vedteke|vedtak|godkjent|handsama|behandlet)\b", re.IGNORECASE)
#: A time that means every year of the plan: «Årlig», «Løpende», «Hele perioden», «Kvart år».
ONGOING = re.compile(r"\b(?:årlig\w*|årleg\w*|løpende|løpande|kontinuerlig\w*|kontinuerleg\w*|"
                     r"(?:gjennom\s+)?hele\s+(?:plan)?perioden|(?:gjennom\s+)?heile\s+(?:plan)?perioden|"
                     r"i\s+planperioden|hvert\s+år|kvart\s+år|fast|permanent)\b", re.IGNORECASE)
#: A typed bullet: «– tekst», «- tekst», «• tekst», «* tekst», «▪ tekst».
TYPED_BULLET = re.compile(r"^\s*[–—\-•*▪●◦·\uf0b7\uf0a7\uf0d8➢►✔✓→]\s*(?<=\s|[\uf0b7\uf0a7\uf0d8➢►✔✓→])(?P<rest>\S.*)$")

_NN_WORDS = frozenset("ikkje eit kva korleis vere frå heile saman òg mykje berre difor fleire dei vert vart "
                      "innleiing føreord høyring løyve ansvarleg tenester tenesta verksemd kommunen sin "
                      "kommunen sine skule skulen born bustad arbeidet eige eigen nokre slik gjer gjere "
                      "utvikle førebygging førebyggje innbyggjarar innbyggjarane kvar mellom anna ein".split())
_NB_WORDS = frozenset("ikke et hva hvordan være fra hele sammen også mye bare derfor flere de blir ble "
                      "innledning forord høring bevilling ansvarlig tjenester tjenesten virksomhet kommunens "
                      "skole skolen barn bolig arbeidet egen egne noen slik gjør gjøre forebygging forebygge "
                      "innbyggere innbyggerne hver blant annet en".split())
_WORD = re.compile(r"[a-zæøåé]+")


def clean(text: str) -> str:
    """Return text with runs of white space as one space (tabs and line breaks too), trimmed."""
    return " ".join(text.split())


def find_period(text: str) -> tuple[int, int] | None:
    """Return the first plausible plan period in ``text`` (end after start, at most 15 years)."""
    for m in PERIOD.finditer(text):
        start, end_text = int(m.group(1)), m.group(2)
        end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
        if 0 < end - start <= 15:
            return start, end
    return None


def parse_date(text: str) -> dt.date | None:
    """Return the first Norwegian date in ``text`` («23.06.2005», «31.03.08», «10. februar 2011»)."""
    candidates = []
    for m in DATE_NUM.finditer(text):
        candidates.append((m.start(), "num", m))
    for m in DATE_TEXT.finditer(text):
        candidates.append((m.start(), "text", m))
    for _, kind, m in sorted(candidates, key=lambda c: c[0]):
        try:
            if kind == "num":
                year = int(m.group(3))
                year += 2000 if year < 100 else 0
                return dt.date(year, int(m.group(2)), int(m.group(1)))
            month = next(v for k, v in MONTHS.items() if k.startswith(m.group(2).lower()))
            return dt.date(int(m.group(3)), month, int(m.group(1)))
        except ValueError:
            continue
    return None


def find_case_no(text: str) -> str | None:
    """Return the first case number («K-sak 12/24») as written, or None."""
    m = CASE_NO.search(text)
    return " ".join(m.group(0).split()) if m else None


def find_adoption(texts: list[str]) -> tuple[dt.date | None, str | None]:
    """Return (date, case number) of the adoption a document states («Vedtatt i kommunestyret 14.03.2024, K-sak
    12/24»): from the first line that says it was adopted and has a date, else (None, first case number)."""
    for text in texts:
        if _ADOPTED.search(text):
            date = parse_date(text)
            if date is not None:
                return date, find_case_no(text)
    return None, next((c for c in map(find_case_no, texts) if c), None)


@dataclass(frozen=True)
class Found:
    """A municipality found in a document, or why none could be told."""

    number: str | None
    name: str | None
    reason: str = ""


def _names() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for info in municipality_register().values():
        for name in {info.name, *info.name.split(" - ")}:
            out.setdefault(name.strip().casefold(), []).append((info.number, info.name))
    return out


_KOMMUNE = re.compile(r"([A-ZÆØÅ][\w\-]*(?:[ \-][A-ZÆØÅa-zæøå][\w\-]*){0,2})\s+(?i:kommunes?|kommunestyre\w*)\b")
_FOR_KOMMUNE = re.compile(r"\b(?i:kommuneplan\w*|kommune)\s+(?i:for|i)\s+([A-ZÆØÅ][\w\-]*(?:[ \-][A-ZÆØÅ][\w\-]*)?)")


def find_municipality(texts: list[str]) -> Found:
    """Return the municipality a document is about: the register name most often written as «<Navn> kommune»
    (or «kommuneplan for <Navn>»); None with a reason when there is none or two names tie."""
    names = _names()
    counts: Counter[str] = Counter()
    for text in texts:
        for m in list(_KOMMUNE.finditer(text)) + list(_FOR_KOMMUNE.finditer(text)):
            words = m.group(1).replace("-", " - ").split()
            # the name may be the last one, two or three words before «kommune» («Nord-Fron», «Indre Østfold»)
            for n in (3, 2, 1):
                candidate = " ".join(words[-n:]).replace(" - ", "-").casefold()
                if candidate in names:
                    counts[candidate] += 1
                    break
    if not counts:
        return Found(None, None, "ingen kommune er nevnt som «<navn> kommune»")
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return Found(None, None, f"både {names[ranked[0][0]][0][1]} og {names[ranked[1][0]][0][1]} er nevnt like ofte")
    hits = names[ranked[0][0]]
    if len(hits) > 1:
        return Found(None, None, f"flere kommuner heter {hits[0][1]} ({', '.join(n for n, _ in hits)})")
    return Found(*hits[0])


def detect_language(doc: PlanDocument, texts: list[str]) -> str | None:
    """Return "nn" or "nb": the written standard most of the document's typical words belong to, when they
    clearly say (Norwegian Word often marks nynorsk text as bokmål); else its language setting when it is one of
    them; else the words' majority; None when too few words are found to tell."""
    nn = nb = 0
    for text in texts:
        for word in _WORD.findall(text.lower()):
            nn += word in _NN_WORDS
            nb += word in _NB_WORDS
    if nn + nb >= 20 and max(nn, nb) >= 0.7 * (nn + nb):
        return "nn" if nn > nb else "nb"
    if doc.target_language:
        return doc.target_language
    if nn + nb < 5:
        return None
    return "nn" if nn > nb else "nb"


def header_footer_texts(doc: PlanDocument) -> list[str]:
    """Return the paragraph texts of the document's headers and footers (broken parts are passed over)."""
    out = []
    for rel in (REL_HEADER, REL_FOOTER):
        for part in doc.related_parts(doc.main_part, rel):
            try:
                root = doc.xml_or_none(part)
            except DocumentError:  # a broken header is no reason to refuse the document
                continue
            if root is None:
                continue
            out += [t for t in (clean(element_text(p)) for p in root.iter(qn("w:p"))) if t]
    return out


_W_R, _W_RPR, _W_B, _W_T, _W_VAL = qn("w:r"), qn("w:rPr"), qn("w:b"), qn("w:t"), qn("w:val")
_W_PPR, _W_RSTYLE = qn("w:pPr"), qn("w:rStyle")


def _on(el: Element | None) -> bool | None:
    if el is None:
        return None
    return el.get(_W_VAL) not in ("0", "false", "off")


def _style_bold(doc: PlanDocument, style_id: str | None) -> bool:
    """Whether a style (through ``w:basedOn``) makes its text bold."""
    cache = doc.cache.setdefault("bold_styles", {})
    if style_id in cache:
        return cache[style_id]
    bold = False
    root = doc.styles.root
    if root is not None and style_id:
        by_id = doc.cache.setdefault("style_elements", {
            el.get(qn("w:styleId")): el for el in root.iterchildren(qn("w:style"))})
        for sid in doc.styles.chain(style_id):
            el = by_id.get(sid)
            rpr = el.find(_W_RPR) if el is not None else None
            value = _on(rpr.find(_W_B)) if rpr is not None else None
            if value is not None:
                bold = value
                break
    cache[style_id] = bold
    return bold


def is_bold(doc: PlanDocument, p: Element, style_id: str | None) -> bool:
    """Whether every run with text in a paragraph shows bold (its own ``w:b``, its character style's, or the
    paragraph style's)."""
    para_bold = _style_bold(doc, style_id)
    seen = False
    for r in p.iter(_W_R):
        if next(r.iterchildren(_W_T), None) is None or not "".join(t.text or "" for t in r.iterchildren(_W_T)).strip():
            continue
        seen = True
        rpr = next(r.iterchildren(_W_RPR), None)
        own = _on(rpr.find(_W_B)) if rpr is not None else None
        if own is None and rpr is not None:
            rstyle = rpr.find(_W_RSTYLE)
            if rstyle is not None and _style_bold(doc, rstyle.get(_W_VAL)):
                own = True
        if not (own if own is not None else para_bold):
            return False
    return seen


__all__ = ["Found", "ONGOING", "PERIOD", "TYPED_BULLET", "clean", "detect_language", "find_adoption", "find_case_no",
           "find_municipality", "find_period", "header_footer_texts", "is_bold", "parse_date"]
