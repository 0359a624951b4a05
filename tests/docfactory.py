"""Builders of realistic municipal plan documents for the insert tests.

`municipal_plan()` writes a .docx the way planners' documents look: the municipality's own styles
(Norwegian names such as «Overskrift 1», a body style «Brødtekst»), manually numbered headings
(«3.2 Lokale føringer»), a table, header and footer, a comment, a tracked insertion and deletion,
an image, a footnote, a bookmark, a placeholder paragraph and a landscape section.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.shared import Cm, Pt
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
PLACEHOLDER = "[[tiltaksplan]]"
BOOKMARK = "kp_lenker"

CHAPTERS = [
    ("1 Innledning", ["Planen beskriver kommunens rusmiddelpolitikk for perioden 2024–2028.",
                      "Arbeidet er ledet av ruskonsulenten i samarbeid med en arbeidsgruppe."]),
    ("2 Lovgrunnlag og føringer", ["Planen bygger på alkoholloven § 1-7d og folkehelseloven."]),
    ("2.1 Lokale føringer", ["Kommuneplanens samfunnsdel gir de overordnede målene."]),
    ("3 Mål", ["Målene under er vedtatt av kommunestyret."]),
    ("4 Tiltak", ["Tiltakene følges opp i handlings- og økonomiplanen."]),
    ("5 Oppfølging og rullering", ["Planen rulleres årlig."]),
]


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """Return a small valid PNG (solid colour) without any imaging library."""
    raw = b"".join(b"\x00" + b"\x33\x66\x99" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _tracked(paragraph, inserted: str, deleted: str) -> None:
    """Append a tracked insertion and a tracked deletion (w:ins / w:del) to a paragraph."""
    p = paragraph._p
    ins = etree.SubElement(p, _w("ins"), {_w("id"): "901", _w("author"): "Saksbehandler",
                                           _w("date"): "2025-01-10T10:00:00Z"})
    r = etree.SubElement(ins, _w("r"))
    etree.SubElement(r, _w("t")).text = inserted
    dele = etree.SubElement(p, _w("del"), {_w("id"): "902", _w("author"): "Saksbehandler",
                                            _w("date"): "2025-01-10T10:01:00Z"})
    r = etree.SubElement(dele, _w("r"))
    etree.SubElement(r, _w("delText")).text = deleted


def _bookmark(paragraph, name: str, ident: str = "77") -> None:
    p = paragraph._p
    start = etree.Element(_w("bookmarkStart"), {_w("id"): ident, _w("name"): name})
    end = etree.Element(_w("bookmarkEnd"), {_w("id"): ident})
    ppr = p.find(_w("pPr"))
    (ppr.addnext(start) if ppr is not None else p.insert(0, start))
    p.append(end)


def municipal_plan(path: Path | None = None, *, repeat: int = 1, norwegian_styles: bool = True,
                   footnote: bool = True) -> bytes:
    """Build a realistic municipal plan; write it to ``path`` when given and return its bytes.

    ``repeat`` repeats the body chapters to make a long document (30 repetitions make about 110 pages in LibreOffice).
    """
    doc = docx.Document()
    styles = doc.styles
    heading = {n: styles[f"Heading {n}"] for n in (1, 2, 3)}
    if norwegian_styles:
        for n, style in heading.items():
            style.name = f"Overskrift {n}"
    body_style = styles.add_style("Brødtekst", 1)
    body_style.base_style = styles["Normal"]
    body_style.font.size = Pt(11)
    body_style.font.name = "Calibri"

    section = doc.sections[0]
    section.header.paragraphs[0].text = "Rusmiddelpolitisk handlingsplan – Eksempel kommune"
    section.footer.paragraphs[0].text = "Vedtatt av kommunestyret 12.06.2024, sak 45/24"

    doc.add_paragraph("Rusmiddelpolitisk handlingsplan 2024–2028", style="Title")
    intro = doc.add_paragraph("Forord fra ordføreren. ", style="Brødtekst")
    intro.add_run("Viktig: ").bold = True
    intro.add_run("planen er et levende dokument.")
    _tracked(intro, " Endret etter høring.", " Utkast.")
    doc.add_comment(intro.runs[0], text="Sjekk ordlyden med rådmannen", author="Kari Nordmann", initials="KN")
    doc.add_picture(io.BytesIO(png_bytes()), width=Cm(2))

    for rep in range(repeat):
        suffix = f" (del {rep + 1})" if rep else ""
        for title, paras in CHAPTERS:
            level = title.split(" ", 1)[0].count(".") + 1
            doc.add_paragraph(title + suffix, style=heading[level])
            for text in paras:
                doc.add_paragraph(text, style="Brødtekst")
            if title.startswith("2.1") and rep == 0:
                link = doc.add_paragraph("Kobling til kommuneplanen:", style="Brødtekst")
                _bookmark(link, BOOKMARK)
            if title.startswith("4 ") and rep == 0:
                doc.add_paragraph(PLACEHOLDER, style="Brødtekst")
                table = doc.add_table(rows=3, cols=3)
                table.style = styles["Table Grid"]
                for r, row in enumerate([("Nr.", "Tiltak", "Ansvarlig"), ("1", "Skjenkekontroller", "Bevilling"),
                                         ("2", "Foreldremøter", "Skolene")]):
                    for c, text in enumerate(row):
                        table.cell(r, c).text = text
            for k in range(6):
                doc.add_paragraph(f"Avsnitt {k + 1} i kapittel {title}{suffix}: " + "Tekst om rusarbeid. " * 8,
                                  style="Brødtekst")
    landscape = doc.add_section(WD_SECTION.NEW_PAGE)
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = Cm(29.7), Cm(21.0)
    doc.add_paragraph("Vedlegg 1 Alkoholpolitiske retningslinjer", style=heading[1])
    doc.add_paragraph("Skjenketider følger alkoholloven § 4-4.", style="Brødtekst")

    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    if footnote:
        data = _add_footnote(data)
    if path is not None:
        Path(path).write_bytes(data)
    return data


def _add_footnote(data: bytes) -> bytes:
    """Add a footnotes part and one footnote reference (python-docx has no footnote API)."""
    from docplan.document import PlanDocument

    doc = PlanDocument.open(data, name="fabrikk.docx")
    notes = etree.fromstring(
        f'<w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        '</w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Kilde: Ungdata 2023.'
        '</w:t></w:r></w:p></w:footnote></w:footnotes>')
    doc.set_part("word/footnotes.xml", notes)
    doc.add_relationship(doc.main_part, FOOTNOTES_REL, "footnotes.xml")
    doc.add_override("word/footnotes.xml", FOOTNOTES_CT)
    first = next(p.element for p in doc.paragraphs() if "Planen beskriver" in p.text)
    r = etree.SubElement(first, _w("r"))
    rpr = etree.SubElement(r, _w("rPr"))
    etree.SubElement(rpr, _w("vertAlign"), {_w("val"): "superscript"})
    etree.SubElement(r, _w("footnoteReference"), {_w("id"): "1"})
    doc.mark_changed(doc.main_part)
    return doc.to_bytes()


HEADING_NUMBERING = """<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
  w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2.%3"/></w:lvl>
</w:abstractNum>"""


def add_multilevel_numbering(document) -> str:
    """Add a «1 / 1.1 / 1.1.1» list definition to a python-docx document; return its numId ("90")."""
    from lxml import etree

    numbering = document.part.numbering_part.element
    abstract = etree.fromstring(HEADING_NUMBERING)
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    if first_num is not None:
        first_num.addprevious(abstract)  # schema order: every abstractNum before the nums
    else:
        numbering.append(abstract)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    num = etree.SubElement(numbering, f"{{{w}}}num")
    num.set(f"{{{w}}}numId", "90")
    etree.SubElement(num, f"{{{w}}}abstractNumId").set(f"{{{w}}}val", "90")
    return "90"
