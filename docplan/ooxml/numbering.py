"""Word's automatic numbering (``word/numbering.xml``): the number each paragraph shows.

`Numbering.labels` walks paragraphs in document order and returns, for each numbered one, the label
Word shows («2.1», «Samfunnsmål 3:», «b)») and the number behind it («2.1», «3», «b»). The rules
followed (ECMA-376 Part 1, 17.9):

- a paragraph's own ``w:numPr`` wins; else its style's, through ``w:basedOn`` (a style's level is the
  nearest ``w:ilvl`` in the chain, else the level whose ``w:pStyle`` names the style or one it is based
  on, else 0); ``w:numId`` 0, on the paragraph or on any style in the chain before the list, removes it;
- a ``w:num`` points at a ``w:abstractNum`` (through ``w:numStyleLink``/``w:styleLink`` when the
  definition lives in a numbering style); ``w:lvlOverride`` replaces a level or restarts it at
  ``w:startOverride`` the first time that ``w:num`` is used;
- numbers continue across ``w:num``\\ s sharing an abstract definition; a level restarts after a
  higher level is used, unless its ``w:lvlRestart`` says otherwise (0: never);
- ``w:lvlText`` places each level's number («%1.%2»); ``w:isLgl`` shows them all in decimal;
  formats: decimal (and zero-padded), letters, roman numerals, bullet, none.
"""

from __future__ import annotations

from dataclasses import dataclass

from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element
from docplan.ooxml.styles import StyleSheet, int_value, paragraph_style

_W = {t: qn(f"w:{t}") for t in ("abstractNum", "num", "lvl", "start", "numFmt", "lvlText", "lvlRestart", "isLgl",
                                 "pStyle", "abstractNumId", "lvlOverride", "startOverride", "numStyleLink",
                                 "styleLink", "numPr", "numId", "ilvl", "pPr", "val", "abstractNumId")}
_VAL = _W["val"]
_ILVL_ATTR = qn("w:ilvl")
_ABSTRACT_ATTR = qn("w:abstractNumId")
_NUM_ATTR = qn("w:numId")


@dataclass(frozen=True)
class Level:
    """One ``w:lvl``: start value, format, text pattern, restart rule, legal flag and linked style."""

    start: int
    fmt: str
    text: str
    restart: int | None
    legal: bool
    style: str | None


@dataclass(frozen=True)
class Label:
    """What a numbered paragraph shows: the whole label, its number, the list level and whether a bullet."""

    text: str
    number: str
    level: int
    bullet: bool


def _child(el: Element | None, key: str) -> Element | None:
    return next(el.iterchildren(_W[key]), None) if el is not None else None


def _val(el: Element | None, key: str) -> str | None:
    child = _child(el, key)
    return child.get(_VAL) if child is not None else None


def _level(el: Element) -> Level:
    start = int_value(_val(el, "start"))
    restart = _child(el, "lvlRestart")
    return Level(start if start is not None else 0, _val(el, "numFmt") or "decimal", _val(el, "lvlText") or "",
                 int_value(restart.get(_VAL)) if restart is not None else None,
                 _child(el, "isLgl") is not None and _val(el, "isLgl") not in ("0", "false", "off"),
                 _val(el, "pStyle"))


def _roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = []
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    # Word repeats the letter: 27 → aa, 28 → bb
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """Return ``n`` in a numbering format (``lowerLetter`` → «b», ``upperRoman`` → «II» …)."""
    if fmt in ("decimal", "decimalEnclosedFullstop", "decimalEnclosedParen", "decimalHalfWidth",
               "decimalFullWidth", "ordinal", "cardinalText", "ordinalText"):
        return str(n)
    if fmt.startswith("decimalZero"):
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class Numbering:
    """The numbering definitions of a document, with the counters of one walk through it."""

    def __init__(self, root: Element | None, styles: StyleSheet):
        self.styles = styles
        self.abstract: dict[str, dict[int, Level]] = {}
        self.abstract_links: dict[str, str] = {}  # abstractNumId → numbering style it takes its levels from
        self.style_abstract: dict[str, str] = {}  # numbering style id → abstractNumId defining it
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = {}
        self.style_levels: dict[str, tuple[str, int]] = {}  # paragraph style id → (abstractNumId, ilvl)
        if root is not None:
            self._read(root)
        self.reset()

    def _read(self, root: Element) -> None:
        for el in root.iterchildren(_W["abstractNum"]):
            aid = el.get(_ABSTRACT_ATTR)
            if aid is None:
                continue
            levels = {}
            for lvl in el.iterchildren(_W["lvl"]):
                ilvl = int_value(lvl.get(_ILVL_ATTR))
                if ilvl is not None:
                    levels[ilvl] = _level(lvl)
                    if levels[ilvl].style:
                        self.style_levels.setdefault(levels[ilvl].style, (aid, ilvl))
            self.abstract[aid] = levels
            link = _val(el, "numStyleLink")
            if link:
                self.abstract_links[aid] = link
            defines = _val(el, "styleLink")
            if defines:
                self.style_abstract[defines] = aid
        for el in root.iterchildren(_W["num"]):
            nid = el.get(_NUM_ATTR)
            aid = _val(el, "abstractNumId")
            if nid is None or aid is None:
                continue
            starts, overrides = {}, {}
            for ov in el.iterchildren(_W["lvlOverride"]):
                ilvl = int_value(ov.get(_ILVL_ATTR))
                if ilvl is None:
                    continue
                start = int_value(_val(ov, "startOverride"))
                if start is not None:
                    starts[ilvl] = start
                lvl = _child(ov, "lvl")
                if lvl is not None:
                    overrides[ilvl] = _level(lvl)
            self.nums[nid] = (aid, starts, overrides)

    def reset(self) -> None:
        """Start a new walk: every counter unset."""
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()

    def _abstract_of(self, aid: str) -> str:
        link = self.abstract_links.get(aid)
        if link is None:
            return aid
        # a numbering style: its own numPr names the num whose abstract definition holds the levels
        found = self.styles.numbering(link)
        if found is not None and found[0] in self.nums:
            return self.nums[found[0]][0]
        return self.style_abstract.get(link, aid)

    def _levels(self, nid: str) -> tuple[str, dict[int, Level]] | None:
        num = self.nums.get(nid)
        if num is None:
            return None
        aid = self._abstract_of(num[0])
        levels = dict(self.abstract.get(aid, {}))
        levels.update(num[2])
        return aid, levels

    def num_pr(self, p: Element) -> tuple[str, int] | None:
        """Return (numId, ilvl) a paragraph is numbered with (own ``w:numPr``, else its style's), or None.

        A paragraph's own ``w:numId`` wins; without one its style's list applies (through ``w:basedOn``).
        The level is the paragraph's own ``w:ilvl``, else the style's when the list is the style's, else the
        level of the list that names the paragraph's style (or one it is based on) in its ``w:pStyle``, else 0.
        """
        ppr = _child(p, "pPr")
        num_pr = _child(ppr, "numPr")
        style = paragraph_style(p)
        own_id, own_lvl = (_val(num_pr, "numId"), int_value(_val(num_pr, "ilvl"))) if num_pr is not None else (None, None)
        from_style = self.styles.numbering_source(style)
        nid = own_id if own_id is not None else (from_style[0] if from_style else None)
        if nid is None or nid == "0":
            return None
        ilvl = own_lvl
        if ilvl is None and from_style is not None and from_style[0] == nid:
            ilvl = from_style[1]
        if ilvl is None:
            num = self.nums.get(nid)
            aid = self._abstract_of(num[0]) if num is not None else None
            for sid in self.styles.chain(style):
                linked = self.style_levels.get(sid)
                if linked is not None and linked[0] == aid:
                    ilvl = linked[1]
                    break
        return nid, ilvl or 0

    def label(self, p: Element) -> Label | None:
        """Return the label of the next paragraph of a walk in document order (None: not numbered).

        Call it for every paragraph, in order: it advances the counters.
        """
        found = self.num_pr(p)
        if found is None:
            return None
        nid, ilvl = found
        resolved = self._levels(nid)
        if resolved is None:
            return None
        aid, levels = resolved
        lvl = levels.get(ilvl)
        if lvl is None:
            return None
        counters = self._counters.setdefault(aid, {})
        starts = self.nums[nid][1]
        if nid not in self._started:
            self._started.add(nid)
            for k, start in starts.items():
                counters[k] = start - 1
        if ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = starts.get(ilvl, lvl.start)
        for k in list(counters):
            if k > ilvl:
                restart = levels[k].restart if k in levels else None
                if restart is None or (restart != 0 and ilvl <= restart - 1):
                    del counters[k]
        if lvl.fmt == "bullet":
            return Label(lvl.text, "", ilvl, True)
        if lvl.fmt == "none" and "%" not in lvl.text:
            return Label(lvl.text, "", ilvl, False)

        def value(k: int) -> str:
            level = levels.get(k)
            n = counters.get(k, level.start if level is not None else 0)
            fmt = "decimal" if (lvl.legal and level is not None and level.fmt != "none") else \
                (level.fmt if level is not None else "decimal")
            return format_number(n, fmt)

        text = lvl.text
        for k in range(8, -1, -1):
            token = f"%{k + 1}"
            if token in text:
                text = text.replace(token, value(k))
        digits = [value(k) for k in range(ilvl + 1) if f"%{k + 1}" in lvl.text]
        return Label(text, ".".join(d for d in digits if d), ilvl, False)
