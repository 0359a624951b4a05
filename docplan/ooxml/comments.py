"""Word comments (``word/comments.xml``) anchored at a paragraph, added without touching any text.

Paragraph numbers are the positions of ``w:p`` elements in document order in the main part, as
returned by `paragraph_elements`; the checker reports findings with the same numbers, so a
comment lands on the exact paragraph the finding names.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from docplan.ooxml import NSMAP, parse_xml, qn, serialize

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


def _rels_path(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


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


def _add_relationship(rels: etree._Element | None, target: str) -> etree._Element:
    pr = NSMAP["pr"]
    if rels is None:
        rels = etree.Element(f"{{{pr}}}Relationships", nsmap={None: pr})
    for rel in rels:
        if rel.get("Type") == COMMENTS_REL:
            return rels
    used = {rel.get("Id") for rel in rels}
    n = 1
    while f"rId{n}" in used:
        n += 1
    rel = etree.SubElement(rels, f"{{{pr}}}Relationship")
    rel.set("Id", f"rId{n}")
    rel.set("Type", COMMENTS_REL)
    rel.set("Target", target)
    return rels


def _add_override(types: etree._Element, part: str) -> None:
    ct = NSMAP["ct"]
    for o in types.findall(f"{{{ct}}}Override"):
        if o.get("PartName") == "/" + part:
            return
    o = etree.SubElement(types, f"{{{ct}}}Override")
    o.set("PartName", "/" + part)
    o.set("ContentType", COMMENTS_TYPE)


def _comments_target(zf: zipfile.ZipFile, main_part: str) -> str | None:
    """Return the package path of the comments part the main part already links to, if any."""
    try:
        rels = parse_xml(zf.read(_rels_path(main_part)))
    except KeyError:
        return None
    for rel in rels:
        if rel.get("Type") == COMMENTS_REL and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            folder = main_part.rpartition("/")[0]
            return target.lstrip("/") if target.startswith("/") else f"{folder}/{target}" if folder else target
    return None


def add_comments(package: bytes, comments: list[Comment], *, main_part: str = "word/document.xml",
                 author: str = "docplan", initials: str = "dp", date: dt.datetime | None = None) -> bytes:
    """Return a copy of a .docx with a comment anchored at each given paragraph of the main part.

    Only the main part, its relationships, the comments part and ``[Content_Types].xml`` change;
    every other part is copied byte for byte and no run text is altered. Paragraph numbers outside
    the document are anchored at the last paragraph, so no comment is lost.
    """
    stamp = (date or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(package))
    names = src.namelist()
    root = parse_xml(src.read(main_part))
    paras = paragraph_elements(root)
    if not paras:
        body = root.find(qn("w:body"))
        p = etree.Element(qn("w:p"))
        sect = body.find(qn("w:sectPr")) if body is not None else None
        if body is None:
            raise ValueError("main part has no w:body")
        if sect is not None:
            sect.addprevious(p)
        else:
            body.append(p)
        paras = [p]
    target = _comments_target(src, main_part)
    comments_part = target or COMMENTS_PART
    comments_root = parse_xml(src.read(comments_part)) if comments_part in names else _new_comments_part()
    cid = _next_comment_id(comments_root)
    for c in comments:
        index = min(max(c.paragraph, 0), len(paras) - 1)
        comments_root.append(_comment_element(cid, c.text, author, initials, stamp))
        _anchor(paras[index], cid)
        cid += 1

    changed: dict[str, bytes] = {main_part: serialize(root), comments_part: serialize(comments_root)}
    if target is None:
        rels_name = _rels_path(main_part)
        rels = parse_xml(src.read(rels_name)) if rels_name in names else None
        rel_target = COMMENTS_PART.rpartition("/")[2] if main_part.startswith("word/") else "/" + COMMENTS_PART
        changed[rels_name] = serialize(_add_relationship(rels, rel_target))
        types = parse_xml(src.read("[Content_Types].xml"))
        _add_override(types, comments_part)
        changed["[Content_Types].xml"] = serialize(types)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        written = set()
        for info in src.infolist():
            if info.filename in written:
                continue
            written.add(info.filename)
            data = changed.pop(info.filename, None)
            dst.writestr(info, data if data is not None else src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
        for name, data in changed.items():
            dst.writestr(name, data)
    return out.getvalue()
