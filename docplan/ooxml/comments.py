"""Word comments (``word/comments.xml``) anchored at paragraphs, and removing docplan's own comments.

docplan marks the comments it writes: author «docplan» and a text that starts with `MARKER` (the
add-in cannot set the author, which Word takes from the signed-in user, so the text carries the mark
on both paths). Removing them leaves every other comment — the planner's — as it was.
"""

from __future__ import annotations

from docplan.ooxml.ns import NSMAP, XML_SPACE, qn
from docplan.ooxml.parser import Element, make_element, sub_element
from docplan.ooxml.text import element_text

COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
#: Relationships to the parts Word 2013+ keeps beside the comments part (keyed by paragraph id).
EXTENDED_RELS = (
    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
    "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
    "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
)
MARKER = "docplan:"
AUTHOR = "docplan"
_W_COMMENT, _W_ID, _W_AUTHOR = qn("w:comment"), qn("w:id"), qn("w:author")
_RANGE_TAGS = (qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:commentReference"))
_W14_PARA_ID = f"{{{NSMAP['w14']}}}paraId"


def new_comments_part() -> Element:
    return make_element(qn("w:comments"), nsmap={"w": NSMAP["w"]})


def next_comment_id(comments: Element, main: Element) -> int:
    """Return an id no comment (nor any range in the main part) uses yet."""
    ids = [c.get(_W_ID) for c in comments.iterchildren(_W_COMMENT)]
    ids += [el.get(_W_ID) for el in main.iter(*_RANGE_TAGS)]
    return max((int(i) for i in ids if (i or "").lstrip("-").isdigit()), default=-1) + 1


def _xml_safe(text: str) -> str:
    return "".join(c for c in text if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))


def comment_element(cid: int, text: str, date: str, *, author: str = AUTHOR, initials: str = "dp") -> Element:
    """Return a ``w:comment`` holding ``text`` (each line a paragraph)."""
    comment = make_element(_W_COMMENT)
    comment.set(_W_ID, str(cid))
    comment.set(_W_AUTHOR, author)
    comment.set(qn("w:date"), date)
    comment.set(qn("w:initials"), initials)
    for line in text.split("\n"):
        p = sub_element(comment, qn("w:p"))
        t = sub_element(sub_element(p, qn("w:r")), qn("w:t"))
        t.text = _xml_safe(line)
        t.set(XML_SPACE, "preserve")
    return comment


def anchor(p: Element, cid: int) -> None:
    """Put commentRangeStart/End around a paragraph's content and a reference run after it.

    ``w:pPr`` must stay the first child, so the range starts right after it.
    """
    start = make_element(qn("w:commentRangeStart"))
    start.set(_W_ID, str(cid))
    ppr = p.find(qn("w:pPr"))
    p.insert(1 if ppr is not None and p.index(ppr) == 0 else 0, start)
    sub_element(p, qn("w:commentRangeEnd")).set(_W_ID, str(cid))
    sub_element(sub_element(p, qn("w:r")), qn("w:commentReference")).set(_W_ID, str(cid))


def is_docplan_comment(comment: Element) -> bool:
    """Whether a ``w:comment`` is one docplan wrote (its text starts with `MARKER`)."""
    return element_text(comment).lstrip().startswith(MARKER)


def remove_docplan_comments(comments: Element, main: Element) -> set[str]:
    """Remove docplan's comments and their ranges from the main part; return the removed comments'
    paragraph ids (``w14:paraId``), which the extended comment parts refer to."""
    gone: set[str] = set()
    para_ids: set[str] = set()
    for comment in list(comments.iterchildren(_W_COMMENT)):
        if is_docplan_comment(comment):
            gone.add(comment.get(_W_ID) or "")
            para_ids.update(p.get(_W14_PARA_ID) for p in comment.iter(qn("w:p")) if p.get(_W14_PARA_ID))
            comments.remove(comment)
    if gone:
        for el in list(main.iter(*_RANGE_TAGS)):
            if el.get(_W_ID) in gone:
                parent = el.getparent()
                if el.tag == _RANGE_TAGS[2] and parent is not None and parent.tag == qn("w:r") \
                        and len([c for c in parent if c.tag != qn("w:rPr")]) == 1:
                    parent.getparent().remove(parent)  # the run held only the reference
                else:
                    parent.remove(el)
    return para_ids


def remove_by_para_id(root: Element, para_ids: set[str]) -> bool:
    """Remove the children of an extended comments part that refer to one of ``para_ids``."""
    removed = False
    for child in list(root):
        if any(v in para_ids for k, v in child.attrib.items() if k.endswith("}paraId")):
            root.remove(child)
            removed = True
    return removed
