"""Small docxtpl templates built with python-docx for the template tool tests (no binary fixtures).

    t = TemplateFactory()
    t.heading("1 Tiltaksplan")
    t.para("Ansvarlig: ", "{{ m.resp", "onsible }}")     # each argument is one run: a split tag
    t.table([["{%tr for m in measures %}"], ["{{ m.id }}"], ["{%tr endfor %}"]])
    path = t.save(tmp_path / "mal.docx")
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NOTES = {
    "footnotes": ("application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml", RT.FOOTNOTES,
                  "footnote"),
    "endnotes": ("application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml", RT.ENDNOTES,
                 "endnote"),
}


class TemplateFactory:
    """Builds a .docx template paragraph by paragraph; every run is given explicitly."""

    def __init__(self, lang: str | None = "nb-NO", identity: tuple[str, str, str] | None = ("testmal", "1.0.0", "nb")):
        self.doc = docx.Document()
        self.identity = identity
        self._notes: dict[str, list[str]] = {}
        if lang:
            rpr = self.doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
            el = rpr.find(qn("w:lang"))
            if el is None:
                el = etree.SubElement(rpr, qn("w:lang"))
            el.set(qn("w:val"), lang)
        else:
            rpr = self.doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
            for el in rpr.findall(qn("w:lang")):
                rpr.remove(el)

    # -- content -----------------------------------------------------------------------------
    def heading(self, text: str, level: int = 1):
        return self.doc.add_heading(text, level=level)

    def para(self, *runs: str, style: str | None = None, bold: tuple[int, ...] = ()):
        """Add a paragraph with one run per argument (split a tag by passing its pieces)."""
        p = self.doc.add_paragraph(style=style)
        for i, text in enumerate(runs):
            r = p.add_run(text)
            if i in bold:
                r.bold = True
        return p

    def table(self, rows: list[list[str | tuple[str, ...]]], style: str | None = "Table Grid"):
        """Add a table; a cell given as a tuple gets one run per item (a split tag)."""
        cols = max(len(r) for r in rows)
        tbl = self.doc.add_table(rows=len(rows), cols=cols)
        if style:
            tbl.style = self.doc.styles[style]
        for row, texts in zip(tbl.rows, rows):
            for cell, text in zip(row.cells, texts):
                for piece in (text if isinstance(text, tuple) else (text,)):
                    cell.paragraphs[0].add_run(piece)
        return tbl

    def header(self, text: str) -> None:
        self.doc.sections[0].header.paragraphs[0].add_run(text)

    def footer(self, text: str) -> None:
        self.doc.sections[0].footer.paragraphs[0].add_run(text)

    def note(self, kind: str, text: str) -> None:
        """Add a footnote or endnote (``kind`` "footnotes" / "endnotes") holding ``text``."""
        self._notes.setdefault(kind, []).append(text)

    def drop_styles(self, *names: str) -> None:
        """Remove styles (by name, e.g. "heading 2") from styles.xml."""
        root = self.doc.styles.element
        for st in list(root.findall(qn("w:style"))):
            name = st.find(qn("w:name"))
            if name is not None and name.get(qn("w:val")).lower() in {n.lower() for n in names}:
                root.remove(st)

    # -- output ------------------------------------------------------------------------------
    def _add_notes(self) -> None:
        for kind, texts in self._notes.items():
            ctype, reltype, tag = _NOTES[kind]
            root = etree.Element(f"{{{W}}}{kind}", nsmap={"w": W})
            for i, text in enumerate(texts, start=1):
                note = etree.SubElement(root, f"{{{W}}}{tag}", {f"{{{W}}}id": str(i)})
                p = etree.SubElement(note, f"{{{W}}}p")
                r = etree.SubElement(p, f"{{{W}}}r")
                t = etree.SubElement(r, f"{{{W}}}t")
                t.text = text
            blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            part = Part(PackURI(f"/word/{kind}.xml"), ctype, blob, self.doc.part.package)
            self.doc.part.relate_to(part, reltype)

    def to_bytes(self) -> bytes:
        self._add_notes()
        buf = io.BytesIO()
        self.doc.save(buf)
        data = buf.getvalue()
        if self.identity:
            from docplan.templating import stamp_identity

            data = stamp_identity(data, *self.identity)
        return data

    def save(self, path: Path) -> Path:
        path.write_bytes(self.to_bytes())
        return path


def good_template() -> TemplateFactory:
    """A small template that lints clean: title, chapters, a measures table with {%tr %}, a {%p %} loop."""
    t = TemplateFactory()
    t.para("{{ plan.title }}", style="Title")
    t.heading("1 Mål")
    t.para("{%p for goal in goals %}")
    t.heading("{{ goal.id }} {{ goal.title }}", level=2)
    t.para("{%p endfor %}")
    t.heading("2 Tiltaksplan")
    t.table([["Nr.", "Tiltak", "Ansvarlig"], ["{%tr for m in measures %}"],
             ["{{ m.id }}", "{{ m.title }}", "{{ m.responsible }}"], ["{%tr endfor %}"]])
    t.para("Samlet kostnad: {{ totals.cost_nok | nok }}.")
    return t


def zip_replace(data: bytes, name: str, transform) -> bytes:
    """Return the package with one entry's bytes passed through ``transform`` (other entries copied)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            dst.writestr(info.filename, transform(blob) if info.filename == name else blob)
    return out.getvalue()
