"""The checker's read-only view of a document, made from `docplan.document.PlanDocument`.

The rules read paragraphs (number, text, heading level, chapter), tables (rows of cells), docplan
items, images and the document's properties from here; all of it comes from the one document model,
so a paragraph number, a heading or an item means what it means to insert, refresh and the add-in.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from docplan.document import Control, PlanDocument
from docplan.errors import Location
from docplan.ooxml import tables as ooxml_tables
from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element, xpath
from docplan.tags import Tag

_W_P, _W_TBL, _W_TR, _W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_COUNT_P = xpath("count(.//w:p)")


@dataclass(slots=True)
class Paragraph:
    """One ``w:p``: its number, text (stripped), heading level (1–9 or None), whether in a table, chapter."""

    index: int
    text: str
    level: int | None
    in_table: bool
    chapter: str | None = None
    element: Element | None = field(default=None, repr=False, compare=False)

    @property
    def style(self) -> str | None:
        """The paragraph style id (``w:pPr/w:pStyle``), or None."""
        from docplan.ooxml.styles import paragraph_style

        return paragraph_style(self.element) if self.element is not None else None


@dataclass(slots=True)
class Cell:
    text: str
    paragraphs: list[str]
    first_paragraph: int


@dataclass
class Table:
    """A ``w:tbl``: rows of cells (rows inside row-level content controls included)."""

    first_paragraph: int
    rows: list[list[Cell]]
    has_header_row: bool


class Paragraphs(Sequence):
    """A document's paragraphs in order; each `Paragraph` object is made when first asked for."""

    def __init__(self, texts: list[str], elements: list[Element] | None, levels: dict[int, int], in_table: list[bool]):
        self.texts, self._elements, self._levels, self._in_table = texts, elements, levels, in_table
        self._chapters = [i for i in sorted(levels) if levels[i] == 1]  # paragraphs opening a chapter
        self._made: list[Paragraph | None] = [None] * len(texts)

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self.texts)))]
        i = range(len(self.texts))[i]  # a negative index counts from the end, as for a list
        made = self._made[i]
        if made is None:
            made = self._made[i] = Paragraph(i, self.texts[i], self._levels.get(i), self._in_table[i], self.chapter(i),
                                             self._elements[i] if self._elements is not None else None)
        return made

    def in_table(self, i: int) -> bool:
        return self._in_table[i]

    def chapter(self, i: int) -> str | None:
        """The text of the level-1 heading paragraph ``i`` is under (None before the first one)."""
        k = bisect_right(self._chapters, i)
        return self.texts[self._chapters[k - 1]] if k else None

    def headings(self) -> list[Paragraph]:
        return [self[i] for i in sorted(self._levels)]


class TaggedItem:
    """A docplan content control as the rules see it: tag, first paragraph, texts and the control."""

    __slots__ = ("control", "paragraph")

    def __init__(self, control: Control, paragraph: int):
        self.control, self.paragraph = control, paragraph

    @property
    def tag(self) -> Tag:
        return self.control.tag

    @property
    def name(self) -> str:
        return self.control.name

    @property
    def sdt(self) -> Element:
        return self.control.element

    @property
    def text(self) -> str:
        """The control's text (nested controls included), stripped."""
        return self.control.text.strip()

    @property
    def hash_text(self) -> str:
        return self.control.text

    def __repr__(self) -> str:
        return f"TaggedItem({self.name!r}, paragraph={self.paragraph})"


@dataclass
class Image:
    alt: str
    paragraph: int


@dataclass
class DocumentView:
    """Everything the rules need from one document."""

    name: str
    data: bytes
    main_part: str
    paragraphs: Paragraphs
    tables: list[Table]
    tagged: list[TaggedItem]
    images: list[Image]
    language: str | None
    template: tuple[str, str, str] | None
    core: dict[str, str] = field(default_factory=dict)
    #: docplan's record of what it inserted: tag → recorded text hashes ({} when there is none)
    state: dict[str, str] = field(default_factory=dict, repr=False)
    #: the municipality of an edition made with --kommune (from docplan's record), else None
    edition: str | None = None
    document: PlanDocument | None = field(default=None, repr=False)

    @property
    def headings(self) -> list[Paragraph]:
        return self.paragraphs.headings()

    def location(self, paragraph: int | None) -> Location:
        return Location(file=self.name, part=self.main_part, paragraph=paragraph)

    def chapter_of(self, paragraph: int | None) -> str | None:
        if paragraph is None or not 0 <= paragraph < len(self.paragraphs):
            return None
        return self.paragraphs.chapter(paragraph)

    @cached_property
    def _joined(self) -> str:
        return "\0".join(self.paragraphs.texts)

    @cached_property
    def _lowered(self) -> str | None:
        """The joined text lower-cased, or None when it holds a letter whose case ``re.IGNORECASE`` folds
        differently from ``str.lower`` (dotless ı, İ, long ſ, the Kelvin and Ångström signs)."""
        text = self._joined
        return None if any(c in text for c in "\u0131\u0130\u017f\u212a\u212b") else text.lower()

    def indexes_containing(self, *words: str) -> list[int]:
        """Return, in order, the numbers of the paragraphs whose text contains one of ``words`` (lower-case
        literals), compared as ``re.IGNORECASE`` compares.

        A cheap filter over the whole text at once: a rule passes the words its regexes cannot match
        without, then runs those regexes on the paragraphs found only.
        """
        lowered = self._lowered
        if lowered is None or any(w != w.lower() for w in words):
            pattern = re.compile("|".join(map(re.escape, words)), re.IGNORECASE)
            return [i for i, text in enumerate(self.paragraphs.texts) if pattern.search(text)]
        hits = set()
        for word in words:
            at = lowered.find(word)
            while at >= 0:
                hits.add(at)
                at = lowered.find(word, at + 1)
        found: list[int] = []
        count, last = 0, 0
        for at in sorted(hits):
            count += lowered.count("\0", last, at)
            last = at
            if not found or found[-1] != count:
                found.append(count)
        return found

    def paragraphs_containing(self, *words: str) -> list[Paragraph]:
        return [self.paragraphs[i] for i in self.indexes_containing(*words)]


def read_document(source, name: str | None = None) -> DocumentView:
    """Return the view of a .docx (bytes, path or an open `PlanDocument`) after the package checks."""
    doc = source if isinstance(source, PlanDocument) else PlanDocument.open(source, name=name)
    return view_of(doc)


def view_of(doc: PlanDocument) -> DocumentView:
    texts = doc.texts()  # first: where paragraphs do not nest, one walk also lists their elements
    elements = doc.paragraph_elements()
    index = doc.paragraph_numbers()
    in_table = [False] * len(elements)
    body = doc.body_scan()
    all_tables = body.tables
    for tbl in all_tables:  # a table's paragraphs are a range of numbers
        first_p = next(tbl.iter(_W_P), None)
        if first_p is not None and not in_table[index[first_p]]:
            start = index[first_p]
            end = start + int(_COUNT_P(tbl))
            in_table[start:end] = [True] * (end - start)
    levels = doc.heading_levels()

    def first(el: Element) -> int:
        """The number of the first paragraph in ``el``, else of the paragraph around it, else 0."""
        p = el if el.tag == _W_P else next(el.iter(_W_P), None)
        if p is None:
            p = next(el.iterancestors(_W_P), None)
        return index.get(p, 0) if p is not None else 0

    def cell(paras, tc: Element) -> Cell:
        if isinstance(paras, range):
            own = texts[paras.start:paras.stop]
        else:
            own = [texts[i] for i in paras]
        text = own[0] if len(own) == 1 else " ".join([t for t in own if t])
        return Cell(text, own, paras[0] if paras else first(tc))

    flat = not doc.has_nested_paragraphs and len(all_tables) == sum(1 for t in all_tables if _top_level(t))
    tables = []
    for tbl in all_tables:
        rows = _flat_rows(tbl, index, cell) if flat else [
            [cell([index[p] for p in ooxml_tables.cell_paragraphs(tc)], tc) for tc in ooxml_tables.cells(tr)]
            for tr in ooxml_tables.rows(tbl)]
        first_row = next(tbl.iter(_W_TR), None)
        tables.append(Table(first(tbl), rows, first_row is not None and ooxml_tables.is_header_row(first_row)))
    tagged = [TaggedItem(c, first(c.element)) for c in doc.all_controls()]
    images = []
    for doc_pr in body.drawings:
        if not _decorative(doc_pr):
            images.append(Image((doc_pr.get("descr") or doc_pr.get("title") or "").strip(), first(doc_pr)))
    state, edition = doc.read_state()
    return DocumentView(doc.name, doc.package.data, doc.main_part, Paragraphs(texts, elements, levels, in_table),
                        tables, tagged, images, doc.language, doc.template_identity, doc.core_properties, state,
                        edition, doc)


def _top_level(tbl: Element) -> bool:
    return next(tbl.iterancestors(_W_TBL), None) is None


def _flat_rows(tbl: Element, index: dict, cell) -> list[list[Cell]]:
    """Return a table's rows where neither tables nor paragraphs nest: one pass over its rows, cells and
    paragraphs in document order (rows and cells inside content controls included, as Word shows them).
    The paragraphs met are numbered one after another from the table's first."""
    rows: list[list[Cell]] = []
    row: list[Cell] | None = None
    first_p = next(tbl.iter(_W_P), None)
    number = index[first_p] - 1 if first_p is not None else -1  # the last paragraph number met
    start = 0
    tc: Element | None = None
    for el in tbl.iter(_W_TR, _W_TC, _W_P):
        tag = el.tag
        if tag == _W_P:
            number += 1
            continue
        if tc is not None:
            row.append(cell(range(start, number + 1), tc))
            tc = None
        if tag == _W_TR:
            row = []
            rows.append(row)
        elif row is not None:
            tc, start = el, number + 1
    if tc is not None:
        row.append(cell(range(start, number + 1), tc))
    return rows


def _decorative(doc_pr: Element) -> bool:
    """Whether an element in ``doc_pr`` named ``decorative`` (in any namespace) says ``val="1"``/``"true"``."""
    return any(isinstance(el.tag, str) and el.tag.endswith("}decorative") and el.get("val") in ("1", "true")
               for el in doc_pr.iter())


__all__ = ["Cell", "DocumentView", "Image", "Paragraph", "Paragraphs", "Table", "TaggedItem", "read_document",
           "view_of"]
