"""Content controls (``w:sdt``): finding docplan-tagged items and reading their text.

Shared by the insert engine, the checker and the add-in server; nothing else walks ``w:sdt``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterator

from lxml import etree

from docplan.ooxml import qn
from docplan.tags import Tag, parse_tag

_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_BR = qn("w:br")
_W_P = qn("w:p")


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


def sdt_text(sdt: etree._Element) -> str:
    """Return the text inside a content control."""
    content = sdt_content(sdt)
    return element_text(content) if content is not None else ""


def text_hash(text: str) -> str:
    """Return the fingerprint used to notice manual edits: sha256 of whitespace-normalised text, 16 hex."""
    normal = re.sub(r"\s+", " ", text).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]
