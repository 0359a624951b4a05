"""Word comments (``word/comments.xml``) anchored at a paragraph, added without touching any text.

Paragraph numbers are the positions of ``w:p`` elements in document order in the main part, as
returned by `paragraph_elements`; the checker reports findings with the same numbers, so a
comment lands on the exact paragraph the finding names.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from docplan.ooxml import NSMAP, qn

COMMENTS_PART = "word/comments.xml"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_W = NSMAP["w"]


@dataclass(frozen=True)
class Comment:
    """A comment to add: the paragraph it is anchored at and its text (lines become paragraphs)."""

    paragraph: int
    text: str


def paragraph_elements(root: etree._Element) -> list[etree._Element]:
    """Return every ``w:p`` of a part in document order; a paragraph's number is its index here."""
    return list(root.iter(qn("w:p")))


def _next_comment_id(comments: etree._Element) -> int:
    ids = [int(c.get(qn("w:id"))) for c in comments.findall(qn("w:comment"))
           if (c.get(qn("w:id")) or "").lstrip("-").isdigit()]
    return max(ids, default=-1) + 1


def _comment_element(cid: int, text: str, author: str, initials: str, date: str) -> etree._Element:
    comment = etree.Element(qn("w:comment"))
    comment.set(qn("w:id"), str(cid))
    comment.set(qn("w:author"), author)
    comment.set(qn("w:date"), date)
    comment.set(qn("w:initials"), initials)
    for line in text.split("\n") or [""]:
        p = etree.SubElement(comment, qn("w:p"))
        r = etree.SubElement(p, qn("w:r"))
        t = etree.SubElement(r, qn("w:t"))
        t.text = _xml_safe(line)
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return comment


def _xml_safe(text: str) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


def _anchor(p: etree._Element, cid: int) -> None:
    """Put commentRangeStart/End around the paragraph's content and a reference run after it.

    ``w:pPr`` must stay the first child, so the range starts right after it.
    """
    start = etree.Element(qn("w:commentRangeStart"))
    start.set(qn("w:id"), str(cid))
    ppr = p.find(qn("w:pPr"))
    p.insert(1 if ppr is not None and p.index(ppr) == 0 else 0, start)
    end = etree.SubElement(p, qn("w:commentRangeEnd"))
    end.set(qn("w:id"), str(cid))
    run = etree.SubElement(p, qn("w:r"))
    ref = etree.SubElement(run, qn("w:commentReference"))
    ref.set(qn("w:id"), str(cid))


def _new_comments_part() -> etree._Element:
    return etree.Element(qn("w:comments"), nsmap={"w": _W})


def add_comments(package: bytes, comments: list[Comment], *, main_part: str = "word/document.xml",
                 author: str = "docplan", initials: str = "dp", date: dt.datetime | None = None) -> bytes:
    """Return a copy of a .docx with a comment anchored at each given paragraph of the main part.

    Only the main part, its relationships, the comments part and ``[Content_Types].xml`` change;
    every other part is copied byte for byte (`PlanDocument`) and no run text is altered. Paragraph
    numbers outside the document are anchored at the last paragraph, so no comment is lost.
    """
    from docplan.document import PlanDocument

    stamp = (date or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc = PlanDocument.open(package)
    root = doc.xml(main_part)
    paras = paragraph_elements(root)
    if not paras:
        body = root.find(qn("w:body"))
        if body is None:
            raise ValueError("main part has no w:body")
        p = etree.Element(qn("w:p"))
        sect = body.find(qn("w:sectPr"))
        if sect is not None:
            sect.addprevious(p)
        else:
            body.append(p)
        paras = [p]
    existing = doc.related_parts(main_part, COMMENTS_REL)
    comments_part = existing[0] if existing else COMMENTS_PART
    comments_root = doc.xml(comments_part) if doc.has_part(comments_part) else _new_comments_part()
    cid = _next_comment_id(comments_root)
    for c in comments:
        index = min(max(c.paragraph, 0), len(paras) - 1)
        comments_root.append(_comment_element(cid, c.text, author, initials, stamp))
        _anchor(paras[index], cid)
        cid += 1
    doc.mark_changed(main_part)
    doc.set_part(comments_part, comments_root)
    if not existing:
        target = COMMENTS_PART.rpartition("/")[2] if main_part.startswith("word/") else "/" + COMMENTS_PART
        doc.add_relationship(main_part, COMMENTS_REL, target)
        doc.add_override(comments_part, COMMENTS_TYPE)
    return doc.to_bytes()
