"""Flat OPC (``pkg:package``): the single-XML form of a package Word's ``insertOoxml`` takes and
``getOoxml`` returns."""

from __future__ import annotations

import base64
import binascii
from typing import Iterable

from docplan.ooxml.ns import NSMAP, qn
from docplan.ooxml.parser import Element, deep_copy, make_element, parse_xml, serialize, sub_element, to_string

PKG_NS = NSMAP["pkg"]
REL_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
_INLINE = {qn("w:r"), qn("w:hyperlink")}


class FlatOpcError(ValueError):
    """Raised for text that is not a usable flat-OPC package (the message says why, in English)."""


def _is_inline(el: Element) -> bool:
    if el.tag in _INLINE:
        return True
    if el.tag == qn("w:sdt"):
        content = el.find(qn("w:sdtContent"))
        return content is not None and len(content) > 0 and content[0].tag in _INLINE
    return False


def _is_row(el: Element) -> bool:
    if el.tag == qn("w:tr"):
        return True
    content = el.find(qn("w:sdtContent")) if el.tag == qn("w:sdt") else None
    return content is not None and len(content) > 0 and content[0].tag == qn("w:tr")


def _relationships(targets: list[tuple[str, str]]) -> Element:
    root = make_element(f"{{{NSMAP['pr']}}}Relationships", nsmap={None: NSMAP["pr"]})
    for i, (rtype, target) in enumerate(targets, 1):
        sub_element(root, f"{{{NSMAP['pr']}}}Relationship", {"Id": f"rId{i}", "Type": rtype, "Target": target})
    return root


def _row_table(body: Element, first_row: Element) -> Element:
    """Return a new table in ``body`` to carry rows: w:tblPr and w:tblGrid are required before them, and
    the grid takes the first row's cell widths so Word lays the rows out as they were measured."""
    tbl = sub_element(body, qn("w:tbl"))
    sub_element(sub_element(tbl, qn("w:tblPr")), qn("w:tblW"), {qn("w:w"): "0", qn("w:type"): "auto"})
    grid = sub_element(tbl, qn("w:tblGrid"))
    row = first_row if first_row.tag == qn("w:tr") else next(first_row.iter(qn("w:tr")), None)
    widths = [tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}") for tc in (row.findall(qn("w:tc")) if row is not None else [])]
    if widths and all(w is not None and w.get(qn("w:type")) == "dxa" and (w.get(qn("w:w")) or "").isdigit()
                      for w in widths):
        for w in widths:
            sub_element(grid, qn("w:gridCol"), {qn("w:w"): w.get(qn("w:w"))})
    return tbl


def to_flat_opc(elements: Iterable[Element], styles: Element | None = None) -> str:
    """Return a flat-OPC package whose body holds copies of ``elements``, for ``Range.insertOoxml``.

    Block elements go into the body as they are; inline ones (runs, inline controls) are wrapped in one
    paragraph. A body ending in a table gets an empty paragraph after it (Word needs one). ``styles`` (a
    ``w:styles`` root) is included as the styles part: without it Word ignores the style ids in the body.
    """
    pkg = make_element(f"{{{PKG_NS}}}package", nsmap={"pkg": PKG_NS})

    def part(name: str, ctype: str, xml: Element, padding: str | None = None) -> None:
        p = sub_element(pkg, f"{{{PKG_NS}}}part", {f"{{{PKG_NS}}}name": name, f"{{{PKG_NS}}}contentType": ctype})
        if padding:
            p.set(f"{{{PKG_NS}}}padding", padding)
        sub_element(p, f"{{{PKG_NS}}}xmlData").append(xml)

    part("/_rels/.rels", CT_RELS, _relationships([(REL_DOCUMENT, "word/document.xml")]), padding="512")
    if styles is not None:
        part("/word/_rels/document.xml.rels", CT_RELS, _relationships([(REL_STYLES, "styles.xml")]), padding="256")
    document = make_element(qn("w:document"), nsmap={"w": NSMAP["w"], "r": NSMAP["r"]})
    body = sub_element(document, qn("w:body"))
    pending: Element | None = None
    rows: Element | None = None
    for el in elements:
        el = deep_copy(el)
        if _is_inline(el):
            rows = None
            if pending is None:
                pending = sub_element(body, qn("w:p"))
            pending.append(el)
        elif _is_row(el):  # rows (and row controls) only exist inside a table
            pending = None
            if rows is None:
                rows = _row_table(body, el)
            rows.append(el)
        else:
            pending = rows = None
            body.append(el)
    last = body[-1] if len(body) else None
    if last is not None and (last.tag == qn("w:tbl") or (last.tag == qn("w:sdt") and last.find(
            f"{qn('w:sdtContent')}/{qn('w:tbl')}") is not None)):
        sub_element(body, qn("w:p"))
    part("/word/document.xml", CT_MAIN, document)
    if styles is not None:
        part("/word/styles.xml", CT_STYLES, deep_copy(styles))
    return to_string(pkg)


def parts_from_flat_opc(text: str) -> list[tuple[str, str, bytes]]:
    """Return (part name, content type, bytes) of every part of a flat-OPC package.

    Raises `FlatOpcError` for text that is not such a package, and the parser's errors for bad XML.
    """
    root = parse_xml(text)
    if root.tag != f"{{{PKG_NS}}}package":
        raise FlatOpcError("not a flat OPC package (pkg:package)")
    out = []
    for part in root.iter(f"{{{PKG_NS}}}part"):
        name = (part.get(f"{{{PKG_NS}}}name") or "").lstrip("/")
        ctype = part.get(f"{{{PKG_NS}}}contentType") or "application/octet-stream"
        if not name or ".." in name.split("/") or "\\" in name:
            raise FlatOpcError(f"a part has no valid name ({name!r})")
        xml_data = part.find(f"{{{PKG_NS}}}xmlData")
        bin_data = part.find(f"{{{PKG_NS}}}binaryData")
        if xml_data is not None and len(xml_data):
            data = serialize(xml_data[0])
        elif bin_data is not None:
            try:
                data = base64.b64decode(bin_data.text or "", validate=False)
            except (ValueError, binascii.Error) as exc:
                raise FlatOpcError(f"binary part {name} cannot be decoded") from exc
        else:
            continue
        out.append((name, ctype, data))
    return out


def content_types_xml(parts: list[tuple[str, str]]) -> bytes:
    """Return ``[Content_Types].xml`` declaring each (part name, content type), relationships by default."""
    ct = NSMAP["ct"]
    root = make_element(f"{{{ct}}}Types", nsmap={None: ct})
    sub_element(root, f"{{{ct}}}Default", {"Extension": "rels", "ContentType": CT_RELS})
    for name, ctype in parts:
        if not name.endswith(".rels"):
            sub_element(root, f"{{{ct}}}Override", {"PartName": "/" + name, "ContentType": ctype})
    return serialize(root)
