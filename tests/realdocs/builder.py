"""A small writer of Word documents shaped like municipal ones, on top of python-docx and lxml.

`DocBuilder` writes what real plans hold and what trips a reader: a cover or Title, Word's automatic
heading numbering (with word labels, overrides, isLgl, a TOC Heading that Word leaves unnumbered),
typed numbers, tables of contents (field, styles, content control, typed), bullets and numbered lists,
bold pseudo-headings, tables with merged cells, headers and footers, images, tracked changes and
comments. Everything is deterministic: the same calls give the same bytes.
"""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

from tests.docfactory import png_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _sub(parent, tag: str, **attrs):
    el = etree.SubElement(parent, _w(tag))
    for k, v in attrs.items():
        el.set(_w(k), str(v))
    return el


class DocBuilder:
    """Write one document paragraph by paragraph; `save` returns the .docx bytes."""

    def __init__(self, language: str = "nb", *, set_language: bool = True):
        self.d = docx.Document()
        self.language = language
        self._next_num = 50
        self._next_id = 500
        self.heading_num: str | None = None
        if set_language:
            for lang in self.d.styles.element.iter(qn("w:lang")):
                lang.set(qn("w:val"), "nn-NO" if language == "nn" else "nb-NO")
        else:
            for lang in list(self.d.styles.element.iter(qn("w:lang"))):
                lang.getparent().remove(lang)
            for el in list(self.d.settings.element.iter(qn("w:themeFontLang"))):
                el.getparent().remove(el)

    # -- numbering definitions ---------------------------------------------------------------------
    def _numbering(self):
        return self.d.part.numbering_part.element

    def add_list(self, levels: list[tuple[str, str]], *, styles: list[str | None] | None = None,
                 legal: set[int] = frozenset(), restart: dict[int, int] | None = None, start: dict[int, int] | None = None,
                 overrides: dict[int, int] | None = None, abstract_of: str | None = None) -> str:
        """Add a list definition (``(numFmt, lvlText)`` per level) and a ``w:num``; return the numId.

        ``styles`` links levels to paragraph styles (``w:pStyle``); ``overrides`` adds ``w:startOverride``\\ s;
        ``abstract_of`` makes a second ``w:num`` for an existing list's definition instead.
        """
        numbering = self._numbering()
        nid = str(self._next_num)
        self._next_num += 1
        if abstract_of is None:
            aid = nid
            abstract = etree.Element(_w("abstractNum"))
            abstract.set(_w("abstractNumId"), aid)
            _sub(abstract, "multiLevelType", val="multilevel")
            for ilvl, (fmt, text) in enumerate(levels):
                lvl = _sub(abstract, "lvl", ilvl=ilvl)
                _sub(lvl, "start", val=(start or {}).get(ilvl, 1))
                _sub(lvl, "numFmt", val=fmt)
                if restart and ilvl in restart:
                    _sub(lvl, "lvlRestart", val=restart[ilvl])
                if styles and ilvl < len(styles) and styles[ilvl]:
                    _sub(lvl, "pStyle", val=styles[ilvl])
                if ilvl in legal:
                    _sub(lvl, "isLgl")
                _sub(lvl, "lvlText", val=text)
                ppr = _sub(lvl, "pPr")
                _sub(ppr, "ind", left=360 * (ilvl + 1), hanging=360)
            first_num = numbering.find(_w("num"))
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                numbering.append(abstract)
        else:
            aid = self._numbering().find(f"{_w('num')}[@{_w('numId')}='{abstract_of}']/{_w('abstractNumId')}").get(_w("val"))
        num = _sub(numbering, "num", numId=nid)
        _sub(num, "abstractNumId", val=aid)
        for ilvl, value in (overrides or {}).items():
            ov = _sub(num, "lvlOverride", ilvl=ilvl)
            _sub(ov, "startOverride", val=value)
        return nid

    def number_headings(self, levels: list[tuple[str, str]], **kw) -> str:
        """Number Heading 1–N through a list linked to the styles (as Word's multilevel list does)."""
        names = [f"Heading{i + 1}" for i in range(len(levels))]
        nid = self.add_list(levels, styles=names, **kw)
        for ilvl, name in enumerate(names):
            ppr = self.d.styles.element.find(f"{_w('style')}[@{_w('styleId')}='{name}']/{_w('pPr')}")
            num_pr = etree.Element(_w("numPr"))
            if ilvl:
                _sub(num_pr, "ilvl", val=ilvl)
            _sub(num_pr, "numId", val=nid)
            ppr.insert(0, num_pr)
        # Word takes the TOC Heading (based on Heading 1) out of the list
        toc = self.d.styles.element.find(f"{_w('style')}[@{_w('styleId')}='TOCHeading']/{_w('pPr')}")
        if toc is not None:
            num_pr = etree.Element(_w("numPr"))
            _sub(num_pr, "numId", val=0)
            toc.insert(0, num_pr)
        self.heading_num = nid
        return nid

    def style(self, style_id: str, name: str, *, based_on: str | None = "Normal", outline: int | None = None) -> str:
        """Add a paragraph style (a municipality's own names: «INNH1», «Brødtekst» …); return its id."""
        el = _sub(self.d.styles.element, "style", type="paragraph", styleId=style_id)
        _sub(el, "name", val=name)
        if based_on:
            _sub(el, "basedOn", val=based_on)
        if outline is not None:
            _sub(_sub(el, "pPr"), "outlineLvl", val=outline)
        return style_id

    # -- paragraphs --------------------------------------------------------------------------------
    def para(self, text: str = "", *, style: str | None = None, bold: bool = False, size: int | None = None,
             num: tuple[str, int] | None = None):
        p = self.d.add_paragraph()
        if style:
            _set_style(p, style)
        if text:
            run = p.add_run(text)
            run.bold = bold or None
            if size:
                run.font.size = Pt(size)
        if num is not None:
            ppr = p._p.get_or_add_pPr()
            num_pr = etree.SubElement(ppr, _w("numPr"))
            _sub(num_pr, "ilvl", val=num[1])
            _sub(num_pr, "numId", val=num[0])
        return p

    def title(self, text: str):
        return self.para(text, style="Title")

    def heading(self, text: str, level: int = 1, *, style: str | None = None):
        return self.para(text, style=style or f"Heading{level}")

    def bullets(self, items: list[str], *, style: str = "ListBullet", typed: str | None = None) -> list:
        """Add a bullet list: Word's «List Bullet», or typed dashes («– tekst») when ``typed`` is a mark."""
        if typed:
            return [self.para(f"{typed} {t}") for t in items]
        return [self.para(t, style=style) for t in items]

    def numbered(self, items: list[tuple[int, str]], num_id: str) -> list:
        return [self.para(t, style="ListParagraph", num=(num_id, level)) for level, t in items]

    # -- tables of contents --------------------------------------------------------------------------
    def _toc_styles(self) -> tuple[str, str]:
        ids = ("INNH1", "INNH2") if self.language == "nb" else ("TOC1", "TOC2")
        for n, sid in enumerate(ids, 1):
            if self.d.styles.element.find(f"{_w('style')}[@{_w('styleId')}='{sid}']") is None:
                self.style(sid, f"toc {n}")
        return ids

    def toc(self, entries: list[tuple[int, str, int]], *, kind: str = "field", title: str | None = None) -> None:
        """Add a table of contents of (level, text, page): a TOC field, TOC styles only, Word's TOC
        content control, or a typed list after a plain «Innhold» paragraph (``kind``)."""
        head = title or ("Innhold" if self.language == "nb" else "Innhald")
        styles = self._toc_styles()
        if kind == "typed":
            self.para(head, bold=True)
            for level, text, page in entries:
                self.para(f"{text}\t{page}")
            return
        if kind == "sdt":
            body = self.d.element.body
            sdt = etree.SubElement(body, _w("sdt"))
            pr = _sub(sdt, "sdtPr")
            _sub(_sub(pr, "docPartObj"), "docPartGallery", val="Table of Contents")
            content = _sub(sdt, "sdtContent")
            body.remove(sdt)
            self.d.element.body.insert(len(body) - 1, sdt)
            for text, style in [(head, "TOCHeading")] + [(f"{t}\t{pg}", styles[min(lv, 2) - 1]) for lv, t, pg in entries]:
                p = _sub(content, "p")
                _sub(_sub(p, "pPr"), "pStyle", val=style)
                r = _sub(p, "r")
                for i, piece in enumerate(text.split("\t")):
                    if i:
                        _sub(r, "tab")
                    t = _sub(r, "t")
                    t.text = piece
            return
        self.para(head, style="TOCHeading")
        for k, (level, text, page) in enumerate(entries):
            p = self.para(style=styles[min(level, 2) - 1])
            if kind == "field" and k == 0:
                _field_char(p, "begin")
                _instr(p, ' TOC \\o "1-3" \\h \\z \\u ')
                _field_char(p, "separate")
            r = p.add_run(text)
            r.add_tab()
            if kind == "field":
                _field_char(p, "begin")
                _instr(p, f" PAGEREF _Toc{1000 + k} \\h ")
                _field_char(p, "separate")
                p.add_run(str(page))
                _field_char(p, "end")
                if k == len(entries) - 1:
                    _field_char(p, "end")
            else:
                p.add_run(str(page))

    # -- tables ------------------------------------------------------------------------------------
    def table(self, rows: list[list[str | list[str]]], *, header: bool = True, vmerge: list[tuple[int, int, int]] = (),
              span_rows: list[int] = (), bullets_in_cells: bool = False):
        """Add a table; a cell given as a list holds one paragraph per item (bullets with ``bullets_in_cells``).

        ``vmerge`` lists (column, first row, last row) merged vertically (the text of the first row stays);
        ``span_rows`` are rows made of one cell across the whole table (a section row).
        """
        cols = max(len(r) for r in rows)
        t = self.d.add_table(rows=len(rows), cols=cols)
        t.style = self.d.styles["Table Grid"]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                cell = t.cell(r, c)
                items = value if isinstance(value, list) else [value]
                cell.paragraphs[0].text = items[0] if items else ""
                if bullets_in_cells and isinstance(value, list):
                    _set_style(cell.paragraphs[0], "ListBullet")
                for extra in items[1:]:
                    p = cell.add_paragraph(extra)
                    if bullets_in_cells:
                        _set_style(p, "ListBullet")
        for col, first, last in vmerge:
            top = t.cell(first, col)
            for r in range(first + 1, last + 1):
                below = t.cell(r, col)
                for p in below.paragraphs:
                    for run in list(p.runs):
                        run._r.getparent().remove(run._r)
                top.merge(below)
        for r in span_rows:
            t.cell(r, 0).merge(t.cell(r, cols - 1))
        if header:
            tr_pr = t.rows[0]._tr.get_or_add_trPr()
            tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
        return t

    # -- decorations -------------------------------------------------------------------------------
    def header_footer(self, header: str | None = None, footer: str | None = None) -> None:
        section = self.d.sections[0]
        if header:
            section.header.paragraphs[0].text = header
        if footer:
            section.footer.paragraphs[0].text = footer

    def image(self, alt: str | None = "Illustrasjon") -> None:
        self.d.add_picture(io.BytesIO(png_bytes()), width=Cm(3))
        doc_pr = list(self.d.element.body.iter(qn("wp:docPr")))[-1]
        if alt:
            doc_pr.set("descr", alt)

    def tracked(self, paragraph, inserted: str = "", deleted: str = "") -> None:
        """Append a tracked insertion (its text counts) and a tracked deletion (its text does not)."""
        p = paragraph._p
        if inserted:
            ins = _sub(p, "ins", id=self._id(), author="Saksbehandler", date="2025-01-10T10:00:00Z")
            t = _sub(_sub(ins, "r"), "t")
            t.text = inserted
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if deleted:
            dele = _sub(p, "del", id=self._id(), author="Saksbehandler", date="2025-01-10T10:01:00Z")
            t = _sub(_sub(dele, "r"), "delText")
            t.text = deleted
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def comment(self, paragraph, text: str) -> None:
        self.d.add_comment(paragraph.runs[0], text=text, author="Planlegger", initials="PL")

    def core(self, *, title: str | None = None, subject: str | None = None) -> None:
        if title is not None:
            self.d.core_properties.title = title
        if subject is not None:
            self.d.core_properties.subject = subject

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.d.save(buf)
        return buf.getvalue()


def _set_style(p, style_id: str) -> None:
    ppr = p._p.get_or_add_pPr()
    el = ppr.find(qn("w:pStyle"))
    if el is None:
        el = etree.Element(qn("w:pStyle"))
        ppr.insert(0, el)
    el.set(qn("w:val"), style_id)


def _field_char(p, kind: str) -> None:
    r = p.add_run()
    _sub(r._r, "fldChar", fldCharType=kind)


def _instr(p, text: str) -> None:
    r = p.add_run()
    el = _sub(r._r, "instrText")
    el.text = text
    el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
