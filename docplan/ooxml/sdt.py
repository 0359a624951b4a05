"""Content controls (``w:sdt``): finding docplan-tagged items and reading their text.

Shared by the insert engine, the checker and the add-in server; nothing else walks ``w:sdt``.
"""

from __future__ import annotations

import hashlib
from typing import Iterator

from lxml import etree

from docplan.ooxml import NSMAP, qn
from docplan.tags import Tag, parse_tag

_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_BR = qn("w:br")
_W_P = qn("w:p")
_W_SDT = qn("w:sdt")
_W_SDT_PR = qn("w:sdtPr")
_W_TAG = qn("w:tag")
_W_VAL = qn("w:val")


def sdt_tag(sdt: etree._Element) -> str | None:
    """Return the ``w:tag`` value of a content control, or None."""
    pr = next(sdt.iterchildren(_W_SDT_PR), None)  # = sdt.find(...), without ElementPath
    tag = next(pr.iterchildren(_W_TAG), None) if pr is not None else None
    return tag.get(_W_VAL) if tag is not None else None


def sdt_content(sdt: etree._Element) -> etree._Element | None:
    """Return the ``w:sdtContent`` child of a content control."""
    return sdt.find(qn("w:sdtContent"))


def iter_tagged(root: etree._Element) -> Iterator[tuple[Tag, etree._Element]]:
    """Yield (tag, ``w:sdt``) for every docplan content control under ``root``, in document order."""
    for sdt in root.iter(_W_SDT):
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


def paragraph_texts(root: etree._Element, paragraphs: list[etree._Element] | None = None, *,
                    nested: bool | None = None) -> list[str]:
    """Return ``element_text(p)`` for every ``w:p`` under ``root`` (``paragraphs``: that list, in order).

    Without nested paragraphs this is one walk over the text nodes instead of one per paragraph (about
    twice as fast on a long plan); a run outside any ``w:p`` (not valid WordprocessingML) then counts
    towards the paragraph before it. With nested paragraphs (text boxes) each one is read by
    `element_text`. ``nested`` is `has_nested_paragraphs(root)` when the caller already knows it.
    """
    if nested if nested is not None else has_nested_paragraphs(root):
        return [element_text(p) for p in (paragraphs if paragraphs is not None else root.iter(_W_P))]
    texts: list[list[str]] = []
    parts: list[str] = []
    for node in root.iter(_W_P, _W_T, _W_TAB, _W_BR):
        tag = node.tag
        if tag == _W_T:
            parts.append(node.text or "")
        elif tag == _W_P:
            parts = []
            texts.append(parts)
        else:
            parts.append("\t" if tag == _W_TAB else "\n")
    return ["".join(parts) for parts in texts]


def sdt_text(sdt: etree._Element) -> str:
    """Return the text inside a content control."""
    content = sdt_content(sdt)
    return element_text(content) if content is not None else ""


def text_hash(text: str) -> str:
    """Return the fingerprint used to notice manual edits: sha256 of whitespace-normalised text, 16 hex."""
    # Normalising is " ".join(text.split()) (= re.sub(r"\s+", " ", text).strip()). A text whose only
    # whitespace is single spaces between other characters is normal already: isprintable() is False
    # for every other whitespace character (and some others, which then just take the long way). A
    # no-break space (amounts such as «50 000 kr») is whitespace to split(): it becomes a space first.
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    if "  " in text or text[:1] == " " or text[-1:] == " " or not text.isprintable():
        text = " ".join(text.split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
