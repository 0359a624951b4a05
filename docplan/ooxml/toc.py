"""The table of contents (*innholdsfortegnelse*): which paragraphs of a body belong to it.

A TOC line («6. Tiltak⇥7») repeats a heading and ends in a page number; readers that look for goals,
measures or references in the text must pass over it. A paragraph is part of the TOC when

- its style, or a style it is ``w:basedOn``, is a TOC style («TOC 1», «innh 1», «Innholdsfortegnelse 2»,
  «TOC Heading», «Overskrift for innholdsfortegnelse» …);
- it lies in the result of a ``TOC`` field (``w:fldChar`` begin … ``w:instrText`` «TOC \\o …» … end);
- it lies in a content control from Word's table-of-contents gallery (``w:docPartGallery``);
- it is a typed TOC: a paragraph that only says «Innhold» / «Innhald» / «Innholdsfortegnelse» …, and the
  lines after it that end in a page number;
- it ends in a page number after a tab or dot leaders («Tiltak⇥7», «Innledning ........ 3»).
"""

from __future__ import annotations

import re

from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element
from docplan.ooxml.styles import StyleSheet

_W_P, _W_FLD, _W_INSTR, _W_SDT = qn("w:p"), qn("w:fldChar"), qn("w:instrText"), qn("w:sdt")
_W_FLD_TYPE, _W_VAL = qn("w:fldCharType"), qn("w:val")
_GALLERY = f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}"

#: Style names and ids of TOC entries and the TOC's own heading, in the languages real documents use.
TOC_STYLE = re.compile(
    r"^(?:toc|innh|innholdsfortegnelse|innhaldsliste|innholdsliste|table\s*of\s*contents|verzeichnis|"
    r"innehåll|indholdsfortegnelse|tm|inhoudsopgave|sommario)\s*\d?$"
    r"|^(?:toc\s*heading|tocheading|overskrift\s*for\s*innholdsfortegnelse|overskriftforinnholdsfortegnelse|"
    r"inhaltsverzeichnisüberschrift|en-tête\s*de\s*table\s*des\s*matières)$", re.IGNORECASE)
#: The words a typed TOC is headed with.
TOC_TITLE = re.compile(r"^\s*(?:innhold|innhald|innholdsfortegnelse|innhaldsliste|innholdsliste|innholdsbeskrivelse|"
                       r"innhaldsoversikt|innholdsoversikt|table\s+of\s+contents|contents)\s*:?\s*$", re.IGNORECASE)
#: A line ending in a page number after a tab, dot leaders or an ellipsis.
PAGE_NUMBER_END = re.compile(r"\S.*?(?:\t|\.{3,}|…+|_{3,})\s*\d{1,4}\s*$")
#: A line of a typed TOC: a numbered heading ending in a page number after a space («1 Innledning 3»).
_LOOSE_LINE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.?|[A-H][.)]|kapittel\s+\d+\.?|vedlegg\s*\d*\.?)"
                         r"\s.{1,120}?\s\d{1,4}\s*$", re.IGNORECASE)


def is_toc_style(sheet: StyleSheet, style_id: str | None) -> bool:
    """Whether a paragraph style, or a style it is based on, is a TOC entry or TOC heading style."""
    if not style_id:
        return False
    for sid in sheet.chain(style_id):
        if TOC_STYLE.match(sid) or TOC_STYLE.match(sheet.name(sid).strip()):
            return True
    return False


def toc_paragraphs(body: Element, paragraphs: list[Element], texts: list[str], style_ids: list[str | None],
                   sheet: StyleSheet) -> set[int]:
    """Return the numbers of the paragraphs that belong to a table of contents (see the module docstring).

    ``paragraphs`` are the body's ``w:p`` in document order, ``texts`` their texts and ``style_ids`` their
    style ids (`docplan.ooxml.styles.paragraph_style`), by number.
    """
    found: set[int] = set()
    decided: dict[str | None, bool] = {None: False}
    for i, sid in enumerate(style_ids):
        hit = decided.get(sid)
        if hit is None:
            hit = decided[sid] = is_toc_style(sheet, sid)
        if hit:
            found.add(i)
    found |= _in_toc_fields(body)
    index: dict[Element, int] | None = None
    for sdt in body.iter(_W_SDT):
        gallery = sdt.find(_GALLERY)
        if gallery is not None and "content" in (gallery.get(_W_VAL) or "").lower():
            if index is None:
                index = {p: i for i, p in enumerate(paragraphs)}
            found.update(index[p] for p in sdt.iter(_W_P) if p in index)
    in_typed = False
    for i, text in enumerate(texts):
        if TOC_TITLE.match(text):
            found.add(i)
            in_typed = True
            continue
        if in_typed:
            if not text:
                continue
            if _LOOSE_LINE.match(text) or PAGE_NUMBER_END.match(text):
                found.add(i)
                continue
            in_typed = False
        if "\t" in text or ".." in text or "…" in text or "__" in text:
            if PAGE_NUMBER_END.match(text) and len(text) < 200:
                found.add(i)
    return found


def _in_toc_fields(body: Element) -> set[int]:
    """Return the numbers of the paragraphs inside the result of a TOC field (nested fields allowed)."""
    found: set[int] = set()
    if next(body.iter(_W_INSTR), None) is None:
        return found
    stack: list[list] = []  # per open field: [instruction text so far, is it a TOC]
    number = -1
    for node in body.iter(_W_P, _W_FLD, _W_INSTR):
        tag = node.tag
        if tag == _W_P:
            number += 1
            if any(f[1] for f in stack):
                found.add(number)
        elif tag == _W_INSTR:
            if stack:
                stack[-1][0] += node.text or ""
                if not stack[-1][1] and stack[-1][0].lstrip().upper().startswith("TOC"):
                    stack[-1][1] = True
                    found.add(number)
        else:
            kind = node.get(_W_FLD_TYPE)
            if kind == "begin":
                stack.append(["", False])
            elif kind == "end" and stack:
                stack.pop()
    return found


__all__ = ["PAGE_NUMBER_END", "TOC_STYLE", "TOC_TITLE", "is_toc_style", "toc_paragraphs"]
