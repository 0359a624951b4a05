"""lxml-level OOXML helpers: namespaces, the one safe parser, and content-control (``w:sdt``) builders.

All XML that docplan itself parses goes through `parse_xml` (no DTDs, no entities, no network);
element names are written with `qn`. Content controls carry ``docplan:<kind>:<id>`` tags, made and
read by `docplan.tags` only.
"""

from __future__ import annotations

import threading

from lxml import etree

NSMAP = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "op": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}

_PARSERS = threading.local()


def _parser() -> etree.XMLParser:
    """Return this thread's parser: lxml serialises threads that share one, so each has its own
    (threads then parse at the same time; lxml parses without holding the GIL)."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                                   huge_tree=False, remove_blank_text=False)
    return parser


def qn(tag: str) -> str:
    """Return the Clark name of a prefixed tag: ``qn("w:p")`` → ``{http://…/main}p``."""
    prefix, local = tag.split(":")
    return f"{{{NSMAP[prefix]}}}{local}"


def parse_xml(data: bytes | str) -> etree._Element:
    """Parse XML with docplan's parser (one per thread): no DTD, no entity expansion, no network."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return etree.fromstring(data, _parser())


def serialize(element: etree._Element) -> bytes:
    """Return a part's bytes with an XML declaration, as Word writes them."""
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def make_sdt(tag: str, alias: str, children: list[etree._Element], *, lock: str | None = "sdtLocked",
             run_level: bool = False) -> etree._Element:
    """Return a ``w:sdt`` content control wrapping ``children`` (paragraphs, rows or runs).

    ``lock="sdtLocked"`` keeps the control from being deleted while its text stays editable.
    """
    sdt = etree.Element(qn("w:sdt"), nsmap={"w": NSMAP["w"]})
    pr = etree.SubElement(sdt, qn("w:sdtPr"))
    etree.SubElement(pr, qn("w:alias")).set(qn("w:val"), alias)
    etree.SubElement(pr, qn("w:tag")).set(qn("w:val"), tag)
    if lock:
        etree.SubElement(pr, qn("w:lock")).set(qn("w:val"), lock)
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    for child in children:
        content.append(child)
    del run_level  # the same structure serves block, row and run level; the parent decides
    return sdt


def wrap_in_sdt(first: etree._Element, last: etree._Element, tag: str, alias: str, **kw) -> etree._Element:
    """Move the sibling range ``first..last`` into a new ``w:sdt`` at the same place; return it."""
    parent = first.getparent()
    siblings = list(parent)
    start, end = siblings.index(first), siblings.index(last)
    moved = siblings[start:end + 1]
    sdt = make_sdt(tag, alias, [], **kw)
    parent.insert(start, sdt)
    content = sdt.find(qn("w:sdtContent"))
    for el in moved:
        content.append(el)
    return sdt
