"""Editing the element tree of a part: placing, replacing and removing content without losing any."""

from __future__ import annotations

import copy
from typing import Iterable

from docplan.ooxml.ns import XML_SPACE, qn
from docplan.ooxml.parser import Element, make_element, xpath
from docplan.ooxml.sdt import sdt_content

W_P, W_R, W_T, W_TC, W_TBL, W_BODY, W_SECT = (qn(t) for t in ("w:p", "w:r", "w:t", "w:tc", "w:tbl", "w:body",
                                                               "w:sectPr"))
W_RPR, W_TBLPR, W_TBLGRID = qn("w:rPr"), qn("w:tblPr"), qn("w:tblGrid")
TEXT_CONTAINING = xpath(".//w:t[contains(., $needle)]")


def replace(old: Element, new: Element) -> None:
    """Put ``new`` where ``old`` is (``old`` leaves the tree)."""
    old.getparent().replace(old, new)


def insert_at(parent: Element, index: int, elements: Iterable[Element]) -> int:
    """Insert ``elements`` into ``parent`` from position ``index`` on; return the position after them."""
    for el in elements:
        parent.insert(index, el)
        index += 1
    return index


def remove(el: Element) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)
        if parent.tag == W_TC and (len(parent) == 0 or parent[-1].tag != W_P):
            parent.append(make_element(W_P))  # a cell must end with a paragraph


def body_child(el: Element, body: Element) -> Element:
    """Return the child of ``body`` that holds ``el``."""
    while el.getparent() is not None and el.getparent() is not body:
        el = el.getparent()
    return el


def end_of_body(body: Element) -> int:
    """Return the position before the body's last section properties (the end of the text)."""
    last = body[-1] if len(body) else None
    return len(body) - 1 if last is not None and last.tag == W_SECT else len(body)


def text_nodes_containing(root: Element, needle: str) -> list[Element]:
    return TEXT_CONTAINING(root, needle=needle)


def remove_text(paragraph: Element, text: str) -> None:
    """Remove ``text`` from the paragraph when it sits inside one ``w:t`` (otherwise leave it)."""
    for t in paragraph.iter(W_T):
        if t.text and text in t.text:
            t.text = t.text.replace(text, "", 1)
            return


def keep_look(old: Element, new: Element) -> None:
    """Give rebuilt content the planner's formatting of the content it replaces.

    A measure table keeps its table properties and column widths (when the columns are the same); an
    inline control keeps the run formatting its text had.
    """
    old_content, new_content = sdt_content(old), sdt_content(new)
    if old_content is None or new_content is None:
        return
    old_tbl, new_tbl = old_content.find(W_TBL), new_content.find(W_TBL)
    if old_tbl is not None and new_tbl is not None:
        old_grid, new_grid = old_tbl.find(W_TBLGRID), new_tbl.find(W_TBLGRID)
        if old_grid is not None and new_grid is not None and len(old_grid) == len(new_grid):
            old_pr, new_pr = old_tbl.find(W_TBLPR), new_tbl.find(W_TBLPR)
            if old_pr is not None and new_pr is not None:
                new_tbl.replace(new_pr, copy.deepcopy(old_pr))
            new_tbl.replace(new_grid, copy.deepcopy(old_grid))
        return
    old_run, new_run = old_content.find(W_R), new_content.find(W_R)
    rpr = old_run.find(W_RPR) if old_run is not None else None
    if rpr is not None and new_run is not None and new_run.find(W_RPR) is None:
        new_run.insert(0, copy.deepcopy(rpr))


def split_run(t: Element, pieces: list[str | Element]) -> list[Element]:
    """Replace the run around text node ``t`` by runs holding each text piece and, between them, each
    element piece (an inline control gets the run's formatting); content of the run before and after
    ``t`` stays where it was. Return the element pieces as placed."""
    r = t.getparent()
    rpr = r.find(W_RPR)
    before = [c for c in r if c is not t and c is not rpr and r.index(c) < r.index(t)]
    after = [c for c in r if r.index(c) > r.index(t)]

    def run(children: list[Element]) -> Element:
        new = make_element(W_R)
        if rpr is not None:
            new.append(copy.deepcopy(rpr))
        for c in children:
            new.append(c)
        return new

    nodes: list[Element] = []
    placed: list[Element] = []
    if before:
        nodes.append(run(before))
    for piece in pieces:
        if isinstance(piece, str):
            if piece:
                text = make_element(W_T)
                text.text = piece
                if piece != piece.strip():
                    text.set(XML_SPACE, "preserve")
                nodes.append(run([text]))
        else:
            inner = sdt_content(piece)
            inner_run = inner.find(W_R) if inner is not None else None
            if rpr is not None and inner_run is not None and inner_run.find(W_RPR) is None:
                inner_run.insert(0, copy.deepcopy(rpr))
            nodes.append(piece)
            placed.append(piece)
    if after:
        nodes.append(run(after))
    parent = r.getparent()
    index = parent.index(r)
    parent.remove(r)
    insert_at(parent, index, nodes)
    return placed


def bookmarks(root: Element, name: str) -> list[Element]:
    return [m for m in root.iter(qn("w:bookmarkStart")) if m.get(qn("w:name")) == name]


def enclosing_paragraph(el: Element) -> Element | None:
    return el if el.tag == W_P else next(el.iterancestors(W_P), None)
