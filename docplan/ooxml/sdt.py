"""Content controls (``w:sdt``): docplan's tagged items, their shape, text and locks.

A docplan item is a ``w:sdt`` whose ``w:sdtPr/w:tag`` is ``docplan:<kind>:<id>`` (`docplan.tags`).
Items nest: a measure table holds a row control per measure, a goal holds inline kommuneplan
references. An item's *own text* leaves out the items inside it, so a change in one row is not a
change of the table around it.
"""

from __future__ import annotations

import enum
from typing import Iterable, Iterator

from docplan.ooxml.ns import NSMAP, qn
from docplan.ooxml.parser import Element, make_element, sub_element
from docplan.ooxml.text import element_text
from docplan.tags import Tag, parse_tag

W_SDT, W_SDT_PR, W_SDT_CONTENT, W_TAG, W_VAL = (qn(t) for t in ("w:sdt", "w:sdtPr", "w:sdtContent", "w:tag", "w:val"))
W_ALIAS, W_LOCK, W_ID = qn("w:alias"), qn("w:lock"), qn("w:id")
W_P, W_TBL, W_TR, W_TC, W_R = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:r"))
_INLINE = {qn(t) for t in ("w:r", "w:hyperlink", "w:fldSimple", "w:ins", "w:del", "w:smartTag", "w:bookmarkStart",
                           "w:bookmarkEnd", "w:commentRangeStart", "w:commentRangeEnd", "w:proofErr",
                           "w:permStart", "w:permEnd")}
_BLOCK_PARENTS = {qn("w:body"), W_TC, qn("w:txbxContent"), qn("w:hdr"), qn("w:ftr"), qn("w:footnote"),
                  qn("w:endnote"), qn("w:comment")}


class Shape(str, enum.Enum):
    """What a content control wraps, as Word's ``ContentControl.subtype`` tells it.

    ``block``: paragraphs and/or tables (RichTextParagraphs, RichTextTable); ``row``: table rows
    (RichTextTableRow); ``cell``: table cells (RichTextTableCell); ``inline``: runs inside a paragraph
    (RichTextInline). A replacement must have the shape of the control it replaces.
    """

    BLOCK = "block"
    ROW = "row"
    CELL = "cell"
    INLINE = "inline"


#: A control's shape from the element around it (a paragraph or an inline element: inline) …
_SHAPE_BY_PARENT = {W_P: Shape.INLINE, W_TBL: Shape.ROW, W_TR: Shape.CELL,
                    **{tag: Shape.BLOCK for tag in _BLOCK_PARENTS}}
#: … else from what it holds first (a row, a cell, a run).
_SHAPE_BY_CONTENT = {W_TR: Shape.ROW, W_TC: Shape.CELL}


def sdt_tag(sdt: Element) -> str | None:
    """Return the ``w:tag`` value of a content control, or None."""
    pr = next(sdt.iterchildren(W_SDT_PR), None)
    tag = next(pr.iterchildren(W_TAG), None) if pr is not None else None
    return tag.get(W_VAL) if tag is not None else None


def docplan_tag(el: Element) -> Tag | None:
    """Return the parsed docplan tag of ``el`` when it is a docplan content control, else None."""
    return parse_tag(sdt_tag(el)) if el.tag == W_SDT else None


def is_docplan_sdt(el: Element) -> bool:
    return el.tag == W_SDT and docplan_tag(el) is not None


def sdt_content(sdt: Element) -> Element | None:
    """Return the ``w:sdtContent`` child of a content control."""
    return next(sdt.iterchildren(W_SDT_CONTENT), None)


def iter_tagged(root: Element) -> Iterator[tuple[Tag, Element]]:
    """Yield (tag, ``w:sdt``) for every docplan content control under ``root`` (itself included), in order."""
    return tagged_of(root.iter(W_TAG))


def tagged_of(tag_elements: Iterable[Element]) -> Iterator[tuple[Tag, Element]]:
    """Yield (tag, ``w:sdt``) for the docplan content controls among the ``w:tag`` elements given."""
    for tag_el in tag_elements:
        value = tag_el.get(W_VAL)
        if not value or not value.startswith("docplan:"):
            continue
        pr = tag_el.getparent()
        sdt = pr.getparent() if pr is not None and pr.tag == W_SDT_PR else None
        if sdt is None or sdt.tag != W_SDT:
            continue
        tag = parse_tag(value)
        if tag is not None:
            yield tag, sdt


def docplan_ancestor(el: Element) -> Element | None:
    """Return the nearest docplan content control around ``el`` (not ``el`` itself), or None."""
    for anc in el.iterancestors(W_SDT):
        if docplan_tag(anc) is not None:
            return anc
    return None


def outermost_item(el: Element) -> Element:
    """Return the outermost docplan control around ``el``, or ``el`` when it is in none."""
    anchor = el
    for anc in el.iterancestors(W_SDT):
        if docplan_tag(anc) is not None:
            anchor = anc
    return anchor


def shape(sdt: Element) -> Shape:
    """Return what the control wraps, from its place (a control in a paragraph is inline) and content."""
    parent = sdt.getparent()
    found = _by_tag(parent.tag, _SHAPE_BY_PARENT) if parent is not None else None
    if found is None:
        first = _first_content(sdt)
        found = _by_tag(first.tag, _SHAPE_BY_CONTENT) if first is not None else None
    return found or Shape.BLOCK


def _by_tag(tag: str, table: dict) -> Shape | None:
    if tag in _INLINE:
        return Shape.INLINE
    return table.get(tag)


def _first_content(sdt: Element) -> Element | None:
    content = sdt_content(sdt)
    while content is not None:
        first = next((c for c in content if isinstance(c.tag, str)), None)
        if first is None or first.tag != W_SDT:
            return first
        content = sdt_content(first)
    return None


def sdt_text(sdt: Element) -> str:
    """Return the text inside a content control (nested controls included)."""
    content = sdt_content(sdt)
    return element_text(content) if content is not None else ""


def own_text(sdt: Element) -> str:
    """Return the text inside a content control without the docplan controls nested in it."""
    content = sdt_content(sdt)
    return element_text(content, skip=is_docplan_sdt) if content is not None else ""


def make_sdt(tag: str, alias: str, children: list[Element] = (), *, lock: str | None = "sdtLocked") -> Element:
    """Return a ``w:sdt`` content control wrapping ``children`` (paragraphs, tables, rows or runs).

    ``lock="sdtLocked"`` keeps the control from being deleted while its text stays editable.
    """
    sdt = make_element(W_SDT, nsmap={"w": NSMAP["w"]})
    pr = sub_element(sdt, W_SDT_PR)
    sub_element(pr, W_ALIAS).set(W_VAL, alias)
    sub_element(pr, W_TAG).set(W_VAL, tag)
    if lock:
        sub_element(pr, W_LOCK).set(W_VAL, lock)
    content = sub_element(sdt, W_SDT_CONTENT)
    for child in children:
        content.append(child)
    return sdt


def wrap_in_sdt(first: Element, last: Element, tag: str, alias: str, **kw) -> Element:
    """Move the sibling range ``first..last`` into a new ``w:sdt`` at the same place; return it."""
    parent = first.getparent()
    moved = [first]
    node = first
    while node is not last:
        node = node.getnext()
        if node is None:
            raise ValueError("last is not a following sibling of first")
        moved.append(node)
    sdt = make_sdt(tag, alias, [], **kw)
    first.addprevious(sdt)
    content = sdt_content(sdt)
    for el in moved:
        content.append(el)
    return sdt
