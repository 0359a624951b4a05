"""One walk over a document body that collects what every reader of it needs.

Each ``root.iter(tag)`` is a walk over the whole tree; a 100-page plan has some 20 000 nodes, and the
readers (texts, tables, content controls, headings, images) each used to walk it on their own. `scan`
walks once and sorts what it meets. The lists are in document order and hold the body's own elements:
they stay valid until the body changes (`docplan.document.PlanDocument` drops its scan then).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element

_W_P, _W_T, _W_TAB, _W_BR, _W_CR = qn("w:p"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_W_TBL, _W_TAG, _W_PSTYLE, _W_OUTLINE = qn("w:tbl"), qn("w:tag"), qn("w:pStyle"), qn("w:outlineLvl")
_W_TXBX, _WP_DOC_PR, _W_PPR, _W_VAL = qn("w:txbxContent"), qn("wp:docPr"), qn("w:pPr"), qn("w:val")


@dataclass
class BodyScan:
    """What one walk over a body found."""

    #: every ``w:p``, in order (its position is the paragraph's number)
    paragraphs: list[Element] = field(default_factory=list)
    #: each paragraph's text (as `docplan.ooxml.text.element_text`), or None where paragraphs nest
    texts: list[str] | None = None
    #: whether a paragraph lies inside another (a text box: ``w:txbxContent``)
    nested: bool = False
    #: every ``w:tbl`` (nested ones too)
    tables: list[Element] = field(default_factory=list)
    #: every ``w:tag`` (content-control tags)
    tags: list[Element] = field(default_factory=list)
    #: every ``w:pStyle`` (paragraph styles; a heading can come from one)
    styles: list[Element] = field(default_factory=list)
    #: each paragraph's style id (its first ``w:pPr``'s first ``w:pStyle``; None without one), by number
    style_ids: list[str | None] = field(default_factory=list)
    #: every ``w:outlineLvl`` (direct outline levels; a heading can come from one)
    outlines: list[Element] = field(default_factory=list)
    #: every drawing's ``wp:docPr`` (its alternative text)
    drawings: list[Element] = field(default_factory=list)


def scan(root: Element) -> BodyScan:
    """Return what ``root`` holds, found in one walk (see `BodyScan`).

    Texts are read as `docplan.ooxml.text.element_text` reads them, each text node given to the last
    paragraph met before it, which holds only where no paragraph lies inside another; when a text box
    is met, ``texts`` is None and the caller reads paragraph texts one by one.
    """
    out = BodyScan()
    paragraphs, tables, tags, styles, drawings = out.paragraphs, out.tables, out.tags, out.styles, out.drawings
    style_ids = out.style_ids
    last = -1  # the number of the last paragraph met
    styled = -1  # the number of the last paragraph whose style was found
    texts: list[list[str]] = []
    parts: list[str] = []
    for node in root.iter(_W_P, _W_T, _W_TAB, _W_BR, _W_CR, _W_TBL, _W_TAG, _W_PSTYLE, _W_OUTLINE, _W_TXBX,
                          _WP_DOC_PR):
        tag = node.tag  # the branches in order of how often a plan has each
        if tag == _W_T:
            parts.append(node.text or "")
        elif tag == _W_P:
            paragraphs.append(node)
            style_ids.append(None)
            last += 1
            parts = []
            texts.append(parts)
        elif tag == _W_PSTYLE:
            styles.append(node)
            # a paragraph's properties come first in it, so its w:pStyle follows it directly in the walk
            ppr = node.getparent()
            if styled < last and ppr.tag == _W_PPR and ppr.getparent() is paragraphs[-1] and \
                    (ppr.getprevious() is None or ppr is next(paragraphs[-1].iterchildren(_W_PPR))):
                style_ids[-1] = node.get(_W_VAL)
                styled = last
        elif tag == _W_TAG:
            tags.append(node)
        elif tag == _W_TAB:
            parts.append("\t")
        elif tag == _W_BR or tag == _W_CR:
            parts.append("\n")
        elif tag == _W_OUTLINE:
            out.outlines.append(node)
        elif tag == _W_TBL:
            tables.append(node)
        elif tag == _WP_DOC_PR:
            drawings.append(node)
        else:
            out.nested = True
    if not out.nested:
        out.texts = ["".join(p) for p in texts]
    return out


__all__ = ["BodyScan", "scan"]
