"""``docplan template lint --fix``: join template tags Word has split across runs.

Word splits a tag such as ``{{ plan.title }}`` over several runs when part of it was typed, pasted
or proofread separately; docxtpl only sees a tag whose text is in one run. The fix moves the whole
tag into its first run (which keeps that run's formatting), leaving the text before and after the
tag where it was. Tags whose runs have other content between them (tabs, fields, images) are left
alone and counted as not fixable.
"""

from __future__ import annotations

from docplan.ooxml.ns import XML_SPACE, qn
from docplan.ooxml.parser import Element, is_element
from docplan.templating.jinja_check import TAG_RE
from docplan.templating.parts import RENDERED_PARTS, W_P, W_R, W_T, read_parts, text_segments

_SAFE_BETWEEN = {qn("w:proofErr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:permStart"),
                 qn("w:permEnd")}
_SAFE_IN_RUN = {qn("w:rPr"), W_T, qn("w:lastRenderedPageBreak")}


def _joinable(segs: list[Element]) -> bool:
    """True when the runs holding ``segs`` are siblings with only text (and proofing marks) between them."""
    runs = [s.getparent() for s in segs]
    if any(r is None or r.tag != W_R for r in runs):
        return False
    parent = runs[0].getparent()
    if any(r.getparent() is not parent for r in runs):
        return False
    siblings = list(parent)
    start, end = siblings.index(runs[0]), siblings.index(runs[-1])
    for el in siblings[start:end + 1]:
        if el.tag == W_R:
            if any(child.tag not in _SAFE_IN_RUN for child in el):
                return False
        elif el.tag not in _SAFE_BETWEEN and is_element(el):  # XML comments hold no text
            return False
    return True


def fix_paragraph(p: Element) -> tuple[int, int]:
    """Join every tag of one paragraph that is split across runs; return (fixed, not fixable)."""
    fixed = skipped = 0
    while True:
        segs = text_segments(p)
        text = "".join(s.text or "" for s in segs)
        bounds, pos = [], 0
        for s in segs:
            bounds.append((pos, pos + len(s.text or "")))
            pos += len(s.text or "")
        target = None
        for m in TAG_RE.finditer(text):
            touched = [i for i, (a, b) in enumerate(bounds) if a < m.end() and b > m.start()]
            if len(touched) > 1 and _joinable([segs[i] for i in touched]):
                target = (m, touched)
                break
            if len(touched) > 1:
                skipped += 1
        if target is None:
            return fixed, skipped
        m, touched = target
        first, last = touched[0], touched[-1]
        a0 = bounds[first][0]
        s_first, s_last = segs[first], segs[last]
        tag = m.group(0)
        for a, b in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
            tag = tag.replace(a, b)
        tail = (s_last.text or "")[m.end() - bounds[last][0]:]
        s_first.text = (s_first.text or "")[: m.start() - a0] + tag
        s_first.set(XML_SPACE, "preserve")
        for i in touched[1:-1]:
            segs[i].text = ""
        s_last.text = tail
        s_last.set(XML_SPACE, "preserve")
        for i in touched[1:]:
            run = segs[i].getparent()
            if not "".join(t.text or "" for t in run.iter(W_T)) and run.getparent() is not None:
                run.getparent().remove(run)
        fixed += 1


def fix_split_tags(source, *, name: str | None = None) -> tuple[bytes, int, int]:
    """Return (fixed package bytes, tags joined, tags that could not be joined safely).

    Only the text of runs that hold part of a split tag changes; the tag takes the formatting of
    its first run. Every other part keeps its bytes.
    """
    tp = read_parts(source, name=name)
    fixed = skipped = 0
    for part, (kind, root) in tp.parts.items():
        if kind not in RENDERED_PARTS.values():
            continue
        part_fixed = 0
        for p in list(root.iter(W_P)):
            f, s = fix_paragraph(p)
            part_fixed += f
            skipped += s
        if part_fixed:
            fixed += part_fixed
            tp.doc.set_part(part, root)
    return tp.doc.to_bytes(), fixed, skipped
