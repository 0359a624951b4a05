"""Builders of WordprocessingML fragments as escaped XML text, parsed once by `parse_fragment`.

Building a table element by element costs more than the rest of an insertion, so content is written
as text here — every text and attribute escaped, characters XML cannot hold refused by the data
validation before (and dropped here as a last resort) — and parsed once with the one parser.
"""

from __future__ import annotations

import re
from typing import Iterable
from xml.sax.saxutils import escape

from docplan.ooxml.parser import Element, parse_element, to_string
from docplan.ooxml.sdt import make_sdt

_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR = {'"': "&quot;"}


def esc(text: str) -> str:
    return escape(_BAD_XML_CHARS.sub("", text))


def quoted(value: str) -> str:
    return '"' + escape(_BAD_XML_CHARS.sub("", value), _ATTR) + '"'


def run(text: str, *, bold: bool = False, italic: bool = False, size: int | None = None) -> str:
    """Return a ``w:r``; newlines (LF, CR LF or CR) in ``text`` become ``w:br``, tabs ``w:tab``."""
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + (f'<w:sz w:val="{size}"/>' if size else "")
    out = ["<w:r>", f"<w:rPr>{props}</w:rPr>" if props else ""]
    for i, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if i:
            out.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if piece:
                space = ' xml:space="preserve"' if piece != piece.strip() else ""
                out.append(f"<w:t{space}>{esc(piece)}</w:t>")
    out.append("</w:r>")
    return "".join(out)


def para(style: str | None = None, runs: Iterable[str] = (), *, outline: int | None = None,
         indent: int | None = None, keep_next: bool = False) -> str:
    """Return a ``w:p`` with the given style (or direct formatting) and runs."""
    ppr = ""
    if style or outline is not None or indent or keep_next:
        ppr = ("<w:pPr>" + (f"<w:pStyle w:val={quoted(style)}/>" if style else "")
               + ("<w:keepNext/>" if outline is not None or keep_next else "")
               + (f'<w:ind w:left="{indent}"/>' if indent else "")
               + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "") + "</w:pPr>")
    return f"<w:p>{ppr}{''.join(runs)}</w:p>"


def cell(width: int, paras: list[str], *, shading: str | None = None) -> str:
    shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{shading}"/>' if shading else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shd}</w:tcPr>{"".join(paras or [para()])}</w:tc>'


def row(cells: list[str], *, header: bool = False, cant_split: bool = True) -> str:
    props = ("<w:cantSplit/>" if cant_split else "") + ("<w:tblHeader/>" if header else "")
    return f"<w:tr>{'<w:trPr>' + props + '</w:trPr>' if props else ''}{''.join(cells)}</w:tr>"


_SHELL: tuple[str, str] | None = None


def sdt(tag: str, alias: str, inner: str) -> str:
    """Return a content control around ``inner`` as XML text (its structure from `make_sdt`)."""
    global _SHELL
    if _SHELL is None:
        shell = to_string(make_sdt("docplan:goal:X", "A", []))
        head, tail = re.sub(r' xmlns:w="[^"]+"', "", shell).split("<w:sdtContent/>")
        _SHELL = (head, tail)
    head, tail = _SHELL
    head = head.replace('w:val="A"', f"w:val={quoted(alias)}", 1).replace(
        'w:val="docplan:goal:X"', f"w:val={quoted(tag)}", 1)
    return f"{head}<w:sdtContent>{inner}</w:sdtContent>{tail}"


def elements(*xml: str) -> list[Element]:
    """Return the elements built here, each given as the text of one element (parsed as its own root)."""
    return [parse_element(x) for x in xml]


def mend_zoom(settings: Element) -> None:
    """Give ``w:zoom`` the ``w:percent`` ECMA-376 Transitional requires; python-docx's default settings lack it."""
    from docplan.ooxml.ns import qn

    zoom = settings.find(qn("w:zoom"))
    if zoom is not None and zoom.get(qn("w:percent")) is None:
        zoom.set(qn("w:percent"), "100")


def table_start(widths: Iterable[int], table_style: str | None) -> str:
    """Return a table's ``w:tblPr`` and ``w:tblGrid`` for fixed column ``widths`` (twips): the document's
    ``table_style``, or single borders on every side when it has none."""
    widths = list(widths)
    borders = "" if table_style else ("<w:tblBorders>" + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>")
    return ("<w:tblPr>" + (f"<w:tblStyle w:val={quoted(table_style)}/>" if table_style else "")
            + f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>' + borders + '<w:tblLayout w:type="fixed"/>'
            + '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
              'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            + "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>")


def set_default_language(styles: Element, tag: str) -> None:
    """Make ``tag`` (``nb-NO``, ``nn-NO``) the language of the document's default run properties."""
    from docplan.ooxml.ns import qn
    from docplan.ooxml.parser import sub_element

    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    if rpr is None:
        return
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    sub_element(rpr, qn("w:lang"), {qn("w:val"): tag})
