"""What docplan inserted into a document, kept to notice a planner's manual edits.

The record lives in a custom XML part (`docplan.ooxml.customxml`): for each docplan tag, the
fingerprints (`text_hash`) of the text docplan wrote. An item's fingerprint is that of its *own* text
(`docplan.document.Control.own_text`: without the docplan items inside it), so a row edited by hand
does not make the table around it look edited. Records written before that, and the task pane's
record of what Word showed after an insert, hold the fingerprint of the whole text: a record matches
an item when it holds either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docplan.ooxml.customxml import STATE_NS
from docplan.ooxml.parser import Element
from docplan.ooxml.sdt import iter_tagged, own_text, sdt_text
from docplan.ooxml.text import normalise_text, text_hash

if TYPE_CHECKING:
    from docplan.document import Control

__all__ = ["STATE_NS", "edited_controls", "hashes_of", "merge_hashes", "matches_record", "normalise_text", "read_state", "text_hash"]


def hashes_of(root: Element) -> dict[str, str]:
    """Return tag → fingerprint(s) of every docplan control under ``root`` (itself included), as recorded.

    An item is recorded by its own text; an item holding other items also by its whole text, which is
    cheaper to compare (`matches_record` tries it first) and what the task pane reads from Word.
    """
    hashes: dict[str, list[str]] = {}
    for tag, sdt in iter_tagged(root):
        bucket = hashes.setdefault(str(tag), [])
        whole = text_hash(sdt_text(sdt))
        own = text_hash(own_text(sdt))
        for h in (own, whole):
            if h not in bucket:
                bucket.append(h)
    return {tag: " ".join(hs) for tag, hs in hashes.items()}


def merge_hashes(*records: dict[str, str]) -> dict[str, str]:
    """Return the union of records (tag → space-separated fingerprints), each tag's fingerprints sorted."""
    out: dict[str, set[str]] = {}
    for record in records:
        for tag, value in record.items():
            out.setdefault(tag, set()).update(value.split())
    return {tag: " ".join(sorted(hs)) for tag, hs in out.items()}


def matches_record(recorded: str | None, control: "Control") -> bool | None:
    """Return whether an item is as docplan wrote it: None without a record, else True when the record
    holds the fingerprint of its own text or of its whole text."""
    if recorded is None:
        return None
    known = recorded.split()
    if text_hash(control.text) in known:
        return True
    return bool(control.children) and text_hash(control.own_text) in known


def edited_controls(controls: "list[Control]", state: dict[str, str]) -> "list[Control]":
    """Return the controls (at any depth) whose text no longer matches docplan's record, in document order.

    A control whose whole text still matches a whole-text fingerprint in the record holds, by that, only
    unchanged text: the controls inside it are not read one by one (a rendered plan's measure table,
    unchanged, costs one hash instead of one per row).
    """
    out: list = []
    for control in controls:
        recorded = state.get(control.name)
        if recorded is not None and control.children and text_hash(control.text) in recorded.split():
            continue
        if matches_record(recorded, control) is False:
            out.append(control)
        out.extend(edited_controls(control.children, state))
    return out


def read_state(package) -> dict[str, str]:
    """Return tag → recorded fingerprints of a .docx (bytes, path or `PlanDocument`); {} without a record."""
    from docplan.document import PlanDocument

    doc = package if isinstance(package, PlanDocument) else PlanDocument.open(package)
    return doc.read_state()[0]


def element_hash(el: Element) -> str:
    """Return the fingerprint of a control element's whole text (as Word shows it)."""
    return text_hash(sdt_text(el))
