"""Tables (``w:tbl``): rows and cells as Word shows them, through content controls and custom XML."""

from __future__ import annotations

from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element

W_TBL, W_TR, W_TC, W_P = qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:p")
W_SDT, W_SDT_CONTENT, W_CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
W_TRPR, W_TBL_HEADER, W_VAL = qn("w:trPr"), qn("w:tblHeader"), qn("w:val")
W_TCPR, W_VMERGE, W_GRID_SPAN = qn("w:tcPr"), qn("w:vMerge"), qn("w:gridSpan")


def children(el: Element, tag: str, *, custom_xml: bool = True) -> list[Element]:
    """Return ``./tag | ./w:sdt/w:sdtContent/tag | ./w:customXml/tag`` in document order (at any depth of
    wrapping), as Word shows a row inside a row-level content control as a row of the table."""
    wrappers = (W_SDT, W_CUSTOM_XML) if custom_xml else (W_SDT,)
    if next(el.iterchildren(*wrappers), None) is None:  # the common case: nothing wrapped
        return list(el.iterchildren(tag))
    out = []
    for ch in el.iterchildren(tag, *wrappers):
        if ch.tag == tag:
            out.append(ch)
        elif ch.tag == W_SDT:
            for content in ch.iterchildren(W_SDT_CONTENT):
                out.extend(children(content, tag, custom_xml=custom_xml))
        else:
            out.extend(children(ch, tag, custom_xml=custom_xml))
    return out


def rows(tbl: Element) -> list[Element]:
    return children(tbl, W_TR)


def cells(tr: Element) -> list[Element]:
    return children(tr, W_TC)


def cell_paragraphs(tc: Element) -> list[Element]:
    return children(tc, W_P, custom_xml=False)


def is_header_row(tr: Element) -> bool:
    """Whether a row repeats as a header row on each page (``w:trPr/w:tblHeader``)."""
    trpr = next(tr.iterchildren(W_TRPR), None)
    head = next(trpr.iterchildren(W_TBL_HEADER), None) if trpr is not None else None
    return head is not None and head.get(W_VAL, "true") not in ("0", "false", "off")


def vertical_merge(tc: Element) -> str | None:
    """Return "restart" for the first cell of a vertical merge, "continue" for the cells it covers, else None."""
    tcpr = next(tc.iterchildren(W_TCPR), None)
    vm = next(tcpr.iterchildren(W_VMERGE), None) if tcpr is not None else None
    if vm is None:
        return None
    return "restart" if vm.get(W_VAL) == "restart" else "continue"


def grid_span(tc: Element) -> int:
    tcpr = next(tc.iterchildren(W_TCPR), None)
    span = next(tcpr.iterchildren(W_GRID_SPAN), None) if tcpr is not None else None
    try:
        return max(1, int(span.get(W_VAL))) if span is not None else 1
    except (TypeError, ValueError):
        return 1
