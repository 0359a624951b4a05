"""Content controls (``w:sdt``): finding docplan-tagged items and reading their text.

Shared by the insert engine, the checker and the add-in server; nothing else walks ``w:sdt``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterator

from lxml import etree

from docplan.ooxml import NSMAP, qn
from docplan.tags import Tag, parse_tag

_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_BR = qn("w:br")
_W_P = qn("w:p")
_W_PPR = qn("w:pPr")
_W_PSTYLE = qn("w:pStyle")
_W_OUTLINE = qn("w:outlineLvl")
_W_VAL = qn("w:val")


def sdt_tag(sdt: etree._Element) -> str | None:
    """Return the ``w:tag`` value of a content control, or None."""
    pr = sdt.find(qn("w:sdtPr"))
    tag = pr.find(qn("w:tag")) if pr is not None else None
    return tag.get(qn("w:val")) if tag is not None else None


def sdt_content(sdt: etree._Element) -> etree._Element | None:
    """Return the ``w:sdtContent`` child of a content control."""
    return sdt.find(qn("w:sdtContent"))


def iter_tagged(root: etree._Element) -> Iterator[tuple[Tag, etree._Element]]:
    """Yield (tag, ``w:sdt``) for every docplan content control under ``root``, in document order."""
    for sdt in root.iter(qn("w:sdt")):
        tag = parse_tag(sdt_tag(sdt))
        if tag is not None:
            yield tag, sdt


def element_text(el: etree._Element) -> str:
    """Return the visible text of an element: runs' text, tabs as \\t, paragraphs separated by \\n."""
    parts: list[str] = []
    for node in el.iter(_W_T, _W_TAB, _W_BR, _W_P):
        if node.tag == _W_T:
            parts.append(node.text or "")
        elif node.tag == _W_TAB:
            parts.append("\t")
        elif node.tag == _W_BR:
            parts.append("\n")
        elif node.tag == _W_P and parts:
            parts.append("\n")
    return "".join(parts)


_NESTED_P = etree.XPath("boolean(//w:p//w:p)", namespaces={"w": NSMAP["w"]})


def has_nested_paragraphs(root: etree._Element) -> bool:
    """Return True when a ``w:p`` lies inside another (text boxes, shapes) anywhere under ``root``."""
    return bool(_NESTED_P(root))


def read_paragraphs(root: etree._Element, paragraphs: list[etree._Element] | None = None, *,
                    nested: bool | None = None) -> tuple[list[str], dict[int, str], dict[int, str]]:
    """Return (texts, style ids, outline levels) of every ``w:p`` under ``root``, by paragraph index.

    ``texts[i]`` is ``element_text(p)`` of the i-th paragraph (``paragraphs``: that list, in
    document order); the dicts map i to the ``w:val`` of the first ``w:pStyle`` / ``w:outlineLvl``
    child of its first ``w:pPr`` (paragraphs without one, or without ``w:val``, are left out).
    ``nested`` is `has_nested_paragraphs(root)` when the caller already knows it.

    Without nested paragraphs this is one walk over the few element kinds that matter instead of
    several lookups per paragraph (about three times faster on a long plan); a run outside any
    ``w:p`` (not valid WordprocessingML) then counts towards the paragraph before it. With nested
    paragraphs (text boxes) each paragraph is read on its own.
    """
    if nested if nested is not None else has_nested_paragraphs(root):
        texts, styles, outlines = [], {}, {}
        for i, p in enumerate(paragraphs if paragraphs is not None else root.iter(_W_P)):
            texts.append(element_text(p))
            ppr = p.find(_W_PPR)
            if ppr is not None:
                for tag, found in ((_W_PSTYLE, styles), (_W_OUTLINE, outlines)):
                    el = ppr.find(tag)
                    if el is not None and el.get(_W_VAL) is not None:
                        found[i] = el.get(_W_VAL)
        return texts, styles, outlines
    chunks: list[list[str]] = []
    parts: list[str] = []
    props: dict[str, dict[int, str | None]] = {_W_PSTYLE: {}, _W_OUTLINE: {}}
    p = None
    i = -1
    for node in root.iter(_W_P, _W_T, _W_TAB, _W_BR, _W_PSTYLE, _W_OUTLINE):
        tag = node.tag
        if tag == _W_T:
            parts.append(node.text or "")
        elif tag == _W_P:
            parts = []
            chunks.append(parts)
            p = node
            i += 1
        elif tag == _W_TAB:
            parts.append("\t")
        elif tag == _W_BR:
            parts.append("\n")
        elif p is not None and i not in props[tag]:
            ppr = node.getparent()
            if ppr.tag == _W_PPR and ppr.getparent() is p and p.find(_W_PPR) is ppr:
                props[tag][i] = node.get(_W_VAL)
    styles, outlines = ({k: v for k, v in props[t].items() if v is not None} for t in (_W_PSTYLE, _W_OUTLINE))
    return ["".join(parts) for parts in chunks], styles, outlines


def paragraph_texts(root: etree._Element, paragraphs: list[etree._Element] | None = None, *,
                    nested: bool | None = None) -> list[str]:
    """Return ``element_text(p)`` for every ``w:p`` under ``root``, read as in `read_paragraphs`."""
    return read_paragraphs(root, paragraphs, nested=nested)[0]


def sdt_text(sdt: etree._Element) -> str:
    """Return the text inside a content control."""
    content = sdt_content(sdt)
    return element_text(content) if content is not None else ""


def text_hash(text: str) -> str:
    """Return the fingerprint used to notice manual edits: sha256 of whitespace-normalised text, 16 hex."""
    normal = re.sub(r"\s+", " ", text).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]
