"""The parts of a template that may hold template code, read through `docplan.document.PlanDocument`.

A template is opened like any document docplan reads (`docplan.package.Package.open`: not a docx,
macro-enabled, DOCTYPE … are refused with a `DocumentError`). Its rendered parts (body, headers,
footers, footnotes) and the parts that are never rendered (endnotes, comments) are handed out
with their paragraphs, numbered 1, 2, … over every ``w:p`` of the part in document order, with the
table, row and cell a paragraph is in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docplan.document import PlanDocument
from docplan.errors import DocumentError, Location
from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element
from docplan.ooxml.props import CORE_PART, CUSTOM_PART, core_properties, custom_properties, template_identity
from docplan.ooxml.styles import StyleSheet
from docplan.package import CONTENT_TYPES, Package
from docplan.i18n import _

_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
#: Parts that are rendered (and so may hold template code), by content type → short kind.
RENDERED_PARTS = {
    _CT + "document.main+xml": "document",
    _CT + "header+xml": "header",
    _CT + "footer+xml": "footer",
    _CT + "footnotes+xml": "footnotes",
}
#: Parts that are NOT rendered: template code there would be printed as-is.
UNRENDERED_PARTS = {
    _CT + "endnotes+xml": "endnotes",
    _CT + "comments+xml": "comments",
}

W_P, W_T, W_R, W_TBL, W_TR, W_TC = (qn(t) for t in ("w:p", "w:t", "w:r", "w:tbl", "w:tr", "w:tc"))
_CT_OVERRIDE = qn("ct:Override")


@dataclass
class Para:
    """A paragraph of a part: its 1-based index, visible text and table position (table, row, cell)."""

    part: str
    kind: str
    index: int
    text: str
    element: Element
    table: tuple[int, int, int] | None = None

    def where(self) -> str:
        if not self.table:
            return ""
        return f" (tabell {self.table[0]}, rad {self.table[1]}, celle {self.table[2]})"


def _nearest(el: Element, tag: str) -> Element | None:
    return next(el.iterancestors(tag), None)


def text_segments(p: Element) -> list[Element]:
    """Return the ``w:t`` elements that belong to paragraph ``p`` itself (not to nested text boxes)."""
    return [t for t in p.iter(W_T) if _nearest(t, W_P) is p]


def paragraphs(root: Element, part: str, kind: str) -> list[Para]:
    """Return every paragraph of a part in document order, with table positions."""
    tables = {tbl: i for i, tbl in enumerate(root.iter(W_TBL), start=1)}
    out = []
    for i, p in enumerate(root.iter(W_P), start=1):
        text = "".join(t.text or "" for t in text_segments(p))
        pos = None
        tc = _nearest(p, W_TC)
        if tc is not None:
            tr = _nearest(tc, W_TR)
            tbl = _nearest(tr, W_TBL) if tr is not None else None
            if tbl is not None:
                rows = [r for r in tbl.iter(W_TR) if _nearest(r, W_TBL) is tbl]
                cells = [c for c in tr.iter(W_TC) if _nearest(c, W_TR) is tr]
                pos = (tables[tbl], rows.index(tr) + 1, cells.index(tc) + 1)
        out.append(Para(part, kind, i, text, p, pos))
    return out


@dataclass
class TemplateParts:
    """A template opened as a `PlanDocument`, with its parsed parts that may hold template code."""

    name: str
    doc: PlanDocument
    parts: dict[str, tuple[str, Element]]  # part name → (kind, root); the main part first
    styles: StyleSheet
    identity: tuple[str, str, str] | None
    core: dict[str, str]

    @property
    def data(self) -> bytes:
        """The template package's bytes as given."""
        return self.doc.package.data


def _xml(doc: PlanDocument, label: str, part: str) -> Element:
    try:
        return doc.xml(part)
    except DocumentError as exc:
        raise DocumentError(_("malen er skadet: ugyldig XML"), Location(file=label, part=part),
                            code="invalid_xml") from exc


def read_parts(source, *, name: str | None = None) -> TemplateParts:
    """Check a template package and parse its rendered and unrendered text parts and its properties.

    A part with broken XML (the body, a header, the styles, the document properties …) is a
    `DocumentError` with code ``invalid_xml`` naming the part.
    """
    doc = PlanDocument(Package.open(source, name=name))
    label = Path(doc.name).name
    overrides = {el.get("PartName", "").lstrip("/"): el.get("ContentType", "")
                 for el in _xml(doc, label, CONTENT_TYPES).iter(_CT_OVERRIDE)}
    overrides.setdefault(doc.main_part, _CT + "document.main+xml")
    parts: dict[str, tuple[str, Element]] = {}
    for part, ctype in sorted(overrides.items(), key=lambda kv: (kv[0] != doc.main_part, kv[0])):
        kind = RENDERED_PARTS.get(ctype) or UNRENDERED_PARTS.get(ctype)
        if kind is None or not doc.has_part(part):
            continue
        parts[part] = (kind, _xml(doc, label, part))
    if doc.styles_part and doc.has_part(doc.styles_part):
        _xml(doc, label, doc.styles_part)  # parsed here, so broken styles name the template's part
    custom = custom_properties(_xml(doc, label, CUSTOM_PART)) if doc.has_part(CUSTOM_PART) else {}
    core = core_properties(_xml(doc, label, CORE_PART)) if doc.has_part(CORE_PART) else {}
    return TemplateParts(label, doc, parts, doc.styles, template_identity(custom), core)
