"""SpreadsheetML facts openpyxl's streaming reader does not give: a worksheet's merged cell ranges."""

from __future__ import annotations

import io

from lxml import etree

from docplan.ooxml.parser import XMLSyntaxError

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_MERGE = f"{{{MAIN_NS}}}mergeCell"


def merged_ranges(sheet_xml: bytes) -> list[str]:
    """Return the ``ref`` of every ``mergeCell`` in a worksheet part ("E2:E3", …), in order.

    The sheet is read as a stream and what has been read is dropped, so a large sheet is not held in
    memory (no DTD, no entities, no network, as in the one parser). Raises `XMLSyntaxError` for bad XML.
    """
    refs: list[str] = []
    for _event, el in etree.iterparse(io.BytesIO(sheet_xml), events=("end",), resolve_entities=False,
                                      no_network=True, load_dtd=False, huge_tree=True):
        if el.tag == _MERGE and el.get("ref"):
            refs.append(el.get("ref"))
        el.clear(keep_tail=True)
        parent = el.getparent()
        while parent is not None and el.getprevious() is not None:
            del parent[0]
    return refs


__all__ = ["MAIN_NS", "XMLSyntaxError", "merged_ranges"]
