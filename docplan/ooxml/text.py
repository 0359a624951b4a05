"""Reading the text of WordprocessingML elements, and the text fingerprint docplan records.

The visible text of an element is its runs' ``w:t`` text, ``w:tab`` as a tab, ``w:br``/``w:cr`` as a
line break, and a line break between paragraphs — what Word's ``Range.text`` shows, up to whitespace.
`text_hash` normalises whitespace (and Word's cell marks), so the fingerprint of a text read here and
of the same text read by Word through Office.js are equal.
"""

from __future__ import annotations

import hashlib
from typing import Callable

from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element

W_P, W_T, W_TAB, W_BR, W_CR = qn("w:p"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
W_SDT = qn("w:sdt")
_TEXT_TAGS = (W_T, W_TAB, W_BR, W_CR, W_P)


def element_text(el: Element, skip: Callable[[Element], bool] | None = None) -> str:
    """Return the visible text of ``el``: runs' text, tabs as ``\\t``, breaks and paragraph ends as ``\\n``.

    ``skip`` leaves out the subtrees of the content controls (``w:sdt``) inside ``el`` it returns True
    for (docplan controls nested in an item, when reading the item's own text).
    """
    if skip is None:
        return _join(el.iter(*_TEXT_TAGS))
    return _join(_iter_skipping(el, skip))


def _join(nodes) -> str:
    parts: list[str] = []
    for node in nodes:
        tag = node.tag
        if tag == W_T:
            parts.append(node.text or "")
        elif tag == W_TAB:
            parts.append("\t")
        elif tag == W_P:
            if parts:
                parts.append("\n")
        else:
            parts.append("\n")
    return "".join(parts)


def _iter_skipping(el: Element, skip: Callable[[Element], bool]):
    """Yield the text nodes of ``el`` in document order, leaving out the subtrees ``skip`` picks.

    Only the branches that lead to a skipped element are walked in Python; every other subtree is
    iterated by lxml in C (a measure table's own text is its header and sum rows: the rows inside
    their own controls are passed over without visiting their nodes).
    """
    skipped = [node for node in el.iter(W_SDT) if node is not el and skip(node)]
    if not skipped:
        yield from el.iter(*_TEXT_TAGS)
        return
    outer = [s for s in skipped if not any(a in skipped_set for a in s.iterancestors())] \
        if (skipped_set := set(skipped)) else []
    on_path: set[Element] = {el}
    for s in outer:
        for a in s.iterancestors():
            if a in on_path:
                break
            on_path.add(a)
    yield from _walk(el, on_path, skipped_set)


def _walk(node: Element, on_path: set, skipped: set):
    if node.tag in _TEXT_TAGS:
        yield node
    for child in node:
        if child in skipped:
            continue
        if child in on_path:
            yield from _walk(child, on_path, skipped)
        elif isinstance(child.tag, str):
            yield from child.iter(*_TEXT_TAGS)


def normalise_text(text: str) -> str:
    """Return ``text`` with every run of whitespace (and Word's cell marks) as one space, trimmed.

    Word's ``Range.text`` marks a table cell's end with U+0007 (a row's with CR U+0007): whitespace here.
    """
    if "\x07" in text:
        text = text.replace("\x07", " ")
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    # A text whose only whitespace is single spaces between other characters is normal already:
    # isprintable() is False for every other whitespace character.
    if "  " in text or text[:1] == " " or text[-1:] == " " or not text.isprintable():
        text = " ".join(text.split())
    return text


def text_hash(text: str) -> str:
    """Return the fingerprint used to notice manual edits: sha256 of the normalised text, 16 hex digits."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]
