"""Import a kommuneplan (samfunnsdel / handlingsdel) document into a KP catalogue (`MasterPlan`).

The document is read as an outline: headings (Word's automatic numbers, typed numbers «3.2», «III»,
«Kapittel 3»), bold paragraphs standing as headings, goals labelled «Hovedmål 2:» / «Delmål 1.3 –» (also
after a theme word: «Livskvalitet Hovedmål 1: …»), lists after «Mål:», «Vi vil:», «Strategiar:», «Slik vil vi
ha det:», «Dette må gjøres:», numbered lists, typed «1.1 …» lines and «Mål | Strategi» tables (merged cells
too). The table of contents, the title page and chapters that hold no goals (forord, innledning, status,
visjon, arealstrategi, rullering, vedlegg …) give no items, unless they hold goals.

Ids (the catalogue's rule, docs/import.md): a numbered item is ``KP-`` plus the number the document shows
(«Mål %1.%2» → ``KP-2.1``; a list's «a)» under «III» → ``KP-III.a``); an unnumbered one is its parent's id
plus a letter for its place among the parent's unnumbered items (``KP-3.a``, ``KP-3.a.b``; ``KP-a`` at the
top) and is marked ``numbered: false``. The same document gives the same ids every time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from docplan.document import PlanDocument
from docplan.errors import DocumentError, InputError, Location
from docplan.files import write_atomic
from docplan.model import KpItem, MasterPlan
from docplan.municipalities import lookup_municipality
from docplan.ooxml import tables as ooxml_tables
from docplan.ooxml.parser import Element
from docplan.package import Source
from docplan.reading import (PERIOD, TYPED_BULLET, clean, find_adoption, find_municipality, header_footer_texts,
                             is_bold, outline_paragraphs, parse_date)
from docplan.i18n import _

#: A typed number at the start of a line: «3.2 », «3.2. », «1) », «1.0 » (at most two digits a level).
TYPED = re.compile(r"^\s*(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})(?:[.)])?\s+(?P<rest>[^\W\d_].*)$")
#: A typed letter item: «a) Trygge oppvekstmiljø», «b. …».
TYPED_LETTER = re.compile(r"^\s*(?P<num>[a-h])[).]\s+(?P<rest>[^\W\d_].*)$")
#: «Kapittel 3 Oppvekst», «KAPITTEL 2 –», «Del 1: …», «Delplan 1 - Forebyggende arbeid».
WORD_NUMBER = re.compile(r"^\s*(?P<word>kapittel|kap\.|del|delplan)\s+(?P<num>\d{1,2}|[IVX]{1,4})\s*[.:)–—-]?\s*"
                         r"(?P<rest>[^\W\d_].*)$", re.IGNORECASE)
#: A typed roman numeral or capital letter: «III Oppvekst», «B. Helse» (only when the level has a sequence).
ROMAN_OR_LETTER = re.compile(r"^\s*(?P<num>[IVXL]{1,5}|[A-H])(?:[.)])?\s+(?P<rest>[^\W\d_].*)$")
_LABEL_WORDS = (r"hovedmål|hovudmål|delmål|mål|målsetting|målsetjing|målsetning|samfunnsmål|effektmål|resultatmål|"
                r"strategi|satsingsområde|innsatsområde|fokusområde|strategiområde")
#: «Mål 2.1: …», «Hovedmål 2 – …», «Delmål 1.3. …», «Strategi 4.2: …», «Livskvalitet Hovedmål 1: …».
LABELLED = re.compile(rf"^(?P<pre>[^\W\d_][\w\- ]{{0,38}}?\s+)?(?P<label>{_LABEL_WORDS})\s+(?P<num>\d{{1,2}}"
                      rf"(?:\.\d{{1,2}}){{0,3}})(?![\d.]\d)\.?\s*(?P<sep>[:.)–—-])?\s*(?P<rest>\S.*)?$", re.IGNORECASE)
VERSION = re.compile(r"\bversjon\s+([\w.\-]+)", re.IGNORECASE)
_APPENDIX = re.compile(r"^\s*vedlegg\b", re.IGNORECASE)

_GOAL_LABELS = {"mål", "våre mål", "hovedmål", "hovudmål", "delmål", "målsetting", "målsettinger", "målsetjing",
                "målsetjingar", "målsetninger", "samfunnsmål", "slik vil vi ha det", "dette vil vi", "vi skal",
                "mål for perioden", "kommunens mål", "kommunen sine mål", "effektmål", "resultatmål",
                "hvor vil vi", "kvar vil vi", "dette skal vi oppnå"}
_STRATEGY_LABELS = {"vi vil", "strategier", "strategiar", "strategi", "slik gjør vi det", "slik gjer vi det",
                    "dette må gjøres", "dette må gjerast", "dette gjør vi", "dette gjer vi", "hovedstrategier",
                    "hovudstrategiar", "våre strategier", "våre strategiar", "slik når vi målet", "slik når vi måla",
                    "vi skal jobbe for", "vi vil jobbe for"}
#: «Mål: Alle barn skal …», «Strategi: Styrke …» (a label and the goal on one line, without a number).
INLINE = re.compile(r"^\s*(?P<label>mål|hovedmål|hovudmål|delmål|målsetting|målsetjing|målsetning|samfunnsmål|"
                    r"effektmål|strategi|vi vil)\s*:\s*(?P<rest>[^\W\d_].{2,})$", re.IGNORECASE)
_CONTAINER = re.compile(r"^(?:visjon,?\s+(?:og\s+)?)?(?:(?:våre|kommunens|kommunen sine|overordnede|overordna|lokale)\s+)?"
                        r"(?:mål|målsetting\w*|"
                        r"målsetjing\w*|målsetning\w*|hovedmål|hovudmål|delmål|samfunnsmål|strateg\w*|"
                        r"satsingsområd\w*|satsningsområd\w*|innsatsområd\w*|fokusområd\w*|kritiske suksessfaktor\w*|"
                        r"målbilde\w*)"
                        r"(?:,?\s+(?:og\s+)?(?:mål|hovedmål|hovudmål|delmål|strateg\w*|satsingsområd\w*|"
                        r"innsatsområd\w*|tiltak\w*|handling\w*|målbilde\w*))*$")
_STOP_WORDS = ("forord", "føreord", "innledning", "innleiing", "innhold", "innhald", "sammendrag", "samandrag",
               "visjon", "arealstrateg", "arealdel", "bakgrunn", "planprosess", "prosess", "medvirkning",
               "medverknad", "utgangspunkt", "status", "utfordring", "kunnskapsgrunnlag", "oppfølging",
               "oppfølgjing", "rullering", "gjennomføring", "evaluering", "vedlegg", "kilde", "kjelde", "litteratur",
               "referanse", "ordliste", "definisjon", "hilsen", "helsing", "lovgrunnlag", "føring", "planstrategi",
               "leseveiledning", "lesarrettleiing", "kart", "handlingsprogram", "økonomi", "hvorfor", "kvifor",
               "fakta", "statistikk", "kommunen i tal", "kommunen i tall", "figur", "tabell", "foto", "bilde",
               "illustrasjon", "kilder", "noter", "merknad")
_STOP_PHRASES = ("dagens situasjon", "kommunen i dag", "hvor står vi", "kvar står vi", "planens oppbygging",
                 "planens oppbygning", "planen si oppbygging", "om planen", "slik leser du planen",
                 "sammenheng med andre planer", "samanheng med andre planar", "nasjonale og regionale",
                 "nasjonale forventninger", "regionale forventninger", "hilsen fra ordføreren")
_PARTS = ("handlingsdel", "økonomiplan", "samfunnsdel")
_THEME_HEADER = re.compile(r"^(?:hovud)?(?:satsingsområd|satsningsområd|innsatsområd|fokusområd|strategiområd|"
                           r"tema\b|temaområd)\w*$")
_TITLE_STYLES = ("title", "tittel")


@dataclass
class KpImport:
    """The catalogue found in one document, the municipality it is about, and what was not recognised."""

    master_plan: MasterPlan
    unrecognised: list[str] = field(default_factory=list)
    source: str = ""
    municipality: tuple[str, str] | None = None
    #: why no municipality was found (Norwegian), when none was
    municipality_reason: str = ""


@dataclass(eq=False)
class _Node:
    kind: str  # root | heading | pseudo | labelled | typed | list | cell
    title: str
    level: int
    index: int
    number: str | None = None
    label: str | None = None
    role: str | None = None  # goal | strategy
    explicit: bool = False
    stop: bool = False
    container: bool = False
    parent: "_Node | None" = None
    children: list["_Node"] = field(default_factory=list)
    text: str | None = None
    item: bool = False
    inferred: bool = False
    typed: bool = False  # a heading typed as a numbered paragraph
    id: str | None = None

    def add(self, child: "_Node") -> "_Node":
        child.parent = self
        self.children.append(child)
        return child


def _norm_title(text: str) -> str:
    text = re.sub(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.?|kapittel\s+\d+\.?)\s+", "", text, flags=re.IGNORECASE)
    return " ".join(text.strip().rstrip(":").split()).casefold()


def is_stop_chapter(title: str) -> bool:
    """Whether a heading names a chapter that is not about goals (forord, innledning, visjon, arealstrategi …)."""
    norm = _norm_title(title)
    first = norm.split(" ", 1)[0] if norm else ""
    return any(first.startswith(w) for w in _STOP_WORDS) or any(p in norm for p in _STOP_PHRASES)


def _label_role(text: str) -> str | None:
    """Return "goal"/"strategy" for a paragraph that only introduces a list («Vi vil:», «Mål:»), else None."""
    norm = " ".join(text.strip().split()).casefold()
    if len(norm) > 60 or (not norm.endswith(":") and norm not in _GOAL_LABELS | _STRATEGY_LABELS):
        return None
    norm = norm.rstrip(":").strip()
    if norm in _STRATEGY_LABELS or norm.endswith(("vi vil", "vil vi", "gjør vi det", "gjer vi det")):
        return "strategy"
    if norm in _GOAL_LABELS or norm.endswith(("vil vi ha det", "vi skal oppnå")):
        return "goal"
    return None


_HOW = re.compile(r"\b(?:hvordan|korleis|hva gjør|kva gjer|gjør vi|gjer vi|når vi|kommer vi dit|kjem vi dit)\b")
_WHERE = re.compile(r"\b(?:hvor vil vi|kvar vil vi|hva vil vi|kva vil vi|hvor er vi i|kvar er vi i|hva skal vi oppnå|"
                    r"kva skal vi oppnå|ønsker vi)\b")


def container_role(title: str) -> str | None:
    """Return "goal"/"strategy" for a heading that only names what follows («Mål og strategier», «Strategiar»,
    «Hvor vil vi?», «Hvordan kommer vi dit?»), else None."""
    norm = _norm_title(title)
    if norm in _STRATEGY_LABELS or norm.startswith("strateg"):
        return "strategy"
    if norm in _GOAL_LABELS or _CONTAINER.match(norm):
        return "goal"
    if norm.endswith("?") and len(norm.split()) <= 8:
        if _HOW.search(norm):
            return "strategy"
        if _WHERE.search(norm):
            return "goal"
    return None


def parse_labelled(text: str) -> tuple[str, str, str | None] | None:
    """Return (label word, number, title) of «Hovedmål 2: Trygg oppvekst» (also after a theme word), else None.

    A label after other words, or in lower case, counts only when a colon or dash follows the number, so
    prose such as «… i tråd med mål 3 i folkehelseplanen» is not a goal.
    """
    if len(text) > 400:
        return None
    m = LABELLED.match(text)
    if not m:
        return None
    pre, label, sep, rest = m.group("pre"), m.group("label"), m.group("sep"), (m.group("rest") or "").strip()
    if pre and (not sep or sep in ".)" or len(pre.split()) > 3 or not pre[0].isupper()):
        return None
    if not pre and not label[0].isupper() and not sep:
        return None
    if rest and not sep and not rest[0].isupper():
        return None
    return label, m.group("num"), rest or None


def _label_word(label: str | None, number: str | None) -> str | None:
    """Return the words of an automatic label («Samfunnsmål 3:» → «Samfunnsmål»), or None when it has none."""
    if not label:
        return None
    words = re.sub(r"[\d.:)(\-–—]+", " ", label.replace(number or "", " ")).split()
    words = [w for w in words if not re.fullmatch(r"[ivxlcdmIVXLCDM]+|[a-zA-Z]", w)]
    return " ".join(words) or None


def letters(n: int) -> str:
    """Return the letter id of the n-th unnumbered item (a, b, …, z, aa, bb, …)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def import_kommuneplan(source: Source, *, part: str | None = None, name: str | None = None,
                       municipality: str | None = None, prefix: str = "KP-") -> KpImport:
    """Read a kommuneplan .docx and return its catalogue (numbered and unnumbered items) plus a report.

    ``municipality`` (kommunenummer) names the municipality; without it the document's «<navn> kommune»
    decides. ``prefix`` starts every id (``KP-`` as in plan data and content-control tags).
    """
    doc = PlanDocument.open(source, name=name)
    return catalogue_from_document(doc, part=part, municipality=municipality, prefix=prefix)


class _Reader:
    """One walk through a document's body building the outline `_Node` tree."""

    def __init__(self, doc: PlanDocument):
        self.doc = doc
        self.root = _Node("root", "", 0, -1)
        self.stack: list[_Node] = [self.root]  # open headings and bold pseudo-headings, outermost first
        self.current: _Node = self.root  # what list items and labelled goals attach to
        self.role: str | None = None
        self.role_from_label = False
        self.items_since_label = 0
        self.wants_text: _Node | None = None
        self.report: list[str] = []
        self.labelled: list[_Node] = []
        self.seen_heading = False
        self.has_headings = bool(doc.headings())
        self.intro: str | None = None  # a paragraph ending in «:» that introduces the next list
        self.bold_list = False  # the last list item was a bold line
        self.intro_reported = False
        self.roman_levels = self._roman_levels()

    # -- headings ----------------------------------------------------------------------------------
    def _roman_levels(self) -> set[int]:
        """Return the heading levels where typed roman numerals or capital letters run in a sequence."""
        seen: dict[int, set[str]] = {}
        for h in self.doc.headings():
            if h.number is None:
                m = ROMAN_OR_LETTER.match(h.text)
                if m:
                    seen.setdefault(h.level, set()).add(m.group("num"))
        return {lv for lv, nums in seen.items() if {"I", "II"} <= nums or {"A", "B"} <= nums}

    def heading(self, h, index: int) -> None:
        self.seen_heading = True
        text = clean(h.text)
        number, title, label, explicit = h.number, h.title, None, False
        if h.label is not None:  # Word's number; a label may carry words («Kapittel 3», «Vedlegg 1»)
            label = _label_word(h.label, h.number)
            title = text
        elif number is None:
            m = WORD_NUMBER.match(text)
            lab = parse_labelled(text)
            rl = ROMAN_OR_LETTER.match(text) if h.level in self.roman_levels else None
            if lab is not None and lab[2]:
                label, number, title = lab[0], lab[1], lab[2]
                explicit = True
            elif m:
                label, number, title = m.group("word").capitalize(), m.group("num"), m.group("rest")
            elif rl:
                number, title = rl.group("num"), rl.group("rest")
        else:
            lab = parse_labelled(text)
            if lab is not None and lab[2]:
                label, number, title, explicit = lab[0], lab[1], lab[2], True
        while len(self.stack) > 1 and self.stack[-1].level >= h.level:
            self.stack.pop()
        parent = self.stack[-1]
        appendix = _APPENDIX.match(text) is not None or (label or "").lower().startswith("vedlegg")
        node = parent.add(_Node("labelled" if explicit else "heading", title.rstrip(":").strip(), h.level, index,
                                number, label, "goal" if explicit else None, explicit))
        node.stop = (parent.stop and not parent.container) or appendix or (not explicit and is_stop_chapter(title))
        node.container = not explicit and container_role(title) is not None
        if explicit:
            self.labelled.append(node)
        self.stack.append(node)
        self._open(node, container_role(title) if node.container else None)

    def _open(self, node: _Node, role: str | None) -> None:
        self.current = node
        self.role, self.role_from_label, self.items_since_label = role, False, 0
        self.wants_text = node if not node.container else None
        self.intro = None

    def typed_heading(self, number: str, title: str, index: int) -> bool:
        """Take «3.1 Trygge oppvekstmiljø» typed in a paragraph as a heading when it fits the outline (under the
        heading it extends, next to one typed the same way, under an unnumbered heading, or as a chapter of a
        document without heading styles); return whether it did."""
        depth = number.count(".") + 1
        parent_no = number.rsplit(".", 1)[0] if depth > 1 else None
        level = None
        for n in reversed(self.stack):
            if n.kind != "heading" or not n.number:
                continue
            if parent_no is not None and n.number == parent_no:
                level = n.level + 1
                break
            if n.typed and n.number.count(".") + 1 == depth and \
                    (parent_no is None or n.number.rsplit(".", 1)[0] == parent_no):
                level = n.level  # the next one typed the same way: «3.2» after «3.1», «4» after «3»
                break
        if level is None:
            top = next((n for n in reversed(self.stack) if n.kind == "heading"), self.root)
            if top is self.root and not self.has_headings:
                level = depth
            elif top is not self.root and not top.number and depth > 1:
                level = top.level + depth - 1
            else:
                return False
        self.seen_heading = True
        while len(self.stack) > 1 and self.stack[-1].level >= level:
            self.stack.pop()
        parent = self.stack[-1]
        node = parent.add(_Node("heading", title.rstrip(":").strip(), level, index, number, typed=True))
        node.stop = (parent.stop and not parent.container) or is_stop_chapter(title)
        node.container = container_role(title) is not None
        self.stack.append(node)
        self._open(node, container_role(title) if node.container else None)
        return True

    def inline_item(self, label: str, title: str, index: int) -> None:
        """Take «Mål: Alle barn skal …» as a goal (or strategy) without a number, under the current heading."""
        role = "strategy" if label.lower() in ("strategi", "vi vil") else "goal"
        parent = self.current if role == "strategy" and self.current is not self.root else self.stack[-1]
        if parent is self.root and not self.seen_heading:
            return
        node = parent.add(_Node("labelled", title.rstrip(":").strip(), parent.level + 1, index, None,
                                label.capitalize(), role, True))
        if role == "goal":
            self._open(node, None)

    def pseudo(self, text: str, index: int) -> None:
        while len(self.stack) > 1 and self.stack[-1].kind == "pseudo":
            self.stack.pop()
        parent = self.stack[-1]
        node = parent.add(_Node("pseudo", text.rstrip(":").strip(), parent.level + 1, index))
        node.stop = (parent.stop and not parent.container) or is_stop_chapter(text)
        node.container = container_role(text) is not None
        self.stack.append(node)
        self._open(node, container_role(text) if node.container else None)

    # -- items -------------------------------------------------------------------------------------
    def labelled_item(self, label: str, number: str, title: str, index: int) -> _Node:
        parent = next((n for n in reversed(self.labelled) if number.startswith(n.number + ".")), None)
        if parent is None:
            parent = self.stack[-1]
        node = parent.add(_Node("labelled", title, parent.level + 1, index, number, label.capitalize(),
                                "strategy" if label.lower().startswith("strateg") else "goal", True))
        self.labelled.append(node)
        self._open(node, None)
        return node

    def list_item(self, text: str, index: int, number: str | None, *, kind: str = "list") -> None:
        container = self.current
        if container is self.root:
            return
        role = self.role
        if role is None and container.stop:
            return
        if number is None and self.intro is not None and not self.role_from_label:
            # «Planen bygger på:», «Kommunen har i dag:»: a list of something else
            if not self.intro_reported:
                self.report.append(f"avsnitt {index}: punktlisten etter «{self.intro[:50]}» er ikke tatt med som "
                                   f"mål («{text[:60]}» …); sett «Mål:» eller «Vi vil:» foran om den er det")
                self.intro_reported = True
            return
        if role is None and number is None:
            # a list right under a theme holds its goals, under a goal its strategies
            role = "strategy" if container.kind in ("labelled", "typed", "pseudo") or container.level >= 2 else "goal"
        if kind == "typed" and self.items_since_label:
            role = None  # «1.2 …» after the strategies of «1.1 …» is the next goal, not another strategy
        node = container.add(_Node(kind, text.rstrip(":").strip(), container.level + 1, index, number,
                                   role=role or "goal", explicit=True))
        self.items_since_label += 1
        self.bold_list = False
        if kind == "typed":
            self._open(node, None)

    def prose(self, text: str) -> None:
        if self.wants_text is not None and self.wants_text.text is None:
            self.wants_text.text = text
            self.wants_text = None
        if self.role_from_label and self.items_since_label:
            self.role, self.role_from_label = None, False
        self.intro = text if text.endswith(":") else None
        self.intro_reported = False

    def label(self, role: str) -> None:
        # «Mål:» after a bold «Utfordringer» ends that aside: the goals belong to the heading above it
        while self.stack[-1].kind == "pseudo" and self.stack[-1].stop and len(self.stack) > 1:
            self.stack.pop()
            self.current = self.stack[-1]
        self.role, self.role_from_label, self.items_since_label = role, True, 0
        self.wants_text = None
        self.intro = None

    # -- tables ------------------------------------------------------------------------------------
    def table(self, tbl: Element, info) -> None:
        rows = grid(tbl, info)
        if not rows:
            return
        header = [_norm_title(" ".join(c[1])) for c in rows[0]]
        theme_col = next((i for i, h in enumerate(header) if _THEME_HEADER.match(h)), None)
        goal_col = next((i for i, h in enumerate(header) if i != theme_col and (
            container_role(h) == "goal" or h in _GOAL_LABELS)), None)
        sub_col = next((i for i, h in enumerate(header) if i not in (goal_col, theme_col) and (
            container_role(h) == "goal" or h in _GOAL_LABELS)), None)
        strat_col = next((i for i, h in enumerate(header) if i not in (goal_col, theme_col, sub_col) and (
            container_role(h) == "strategy" or h in _STRATEGY_LABELS)), None)
        if goal_col is None and theme_col is not None and strat_col is not None:
            goal_col, theme_col = theme_col, None  # «Satsingsområde | Strategiar»: the areas are what the strategies serve
        container = self.stack[-1]
        if goal_col is None and strat_col is None:
            for row in rows:
                for cell_id, paras, first in row:
                    for k, text in enumerate(paras):
                        lab = parse_labelled(text)
                        if lab is not None and lab[2]:
                            self.labelled_item(lab[0], lab[1], lab[2], first + k)
            return
        if container.stop:
            return
        goals: dict[Element, _Node] = {}
        themes: dict[Element, _Node] = {}
        for row in rows[1:]:
            goal, parent = None, container
            if theme_col is not None and theme_col < len(row):
                cell_id, paras, first = row[theme_col]
                parent = themes.get(cell_id) or parent
                if cell_id not in themes and paras:
                    parent = themes[cell_id] = self._cell_item(container, paras[0], first, "goal")
            if goal_col is not None and goal_col < len(row):
                cell_id, paras, first = row[goal_col]
                goal = goals.get(cell_id)
                if goal is None and paras:
                    goal = self._cell_item(parent, paras[0], first, "goal")
                    goals[cell_id] = goal
            if sub_col is not None and sub_col < len(row):  # «Hovedmål | Delmål | Strategier»
                cell_id, paras, first = row[sub_col]
                sub = goals.get(cell_id)
                if sub is None and paras:
                    sub = goals[cell_id] = self._cell_item(goal or parent, paras[0], first, "goal")
                goal = sub or goal
            if strat_col is not None and strat_col < len(row):
                _cell_id, paras, first = row[strat_col]
                for k, text in enumerate(paras):
                    self._cell_item(goal or container, text, first + k, "strategy")

    def _cell_item(self, parent: _Node, text: str, index: int, role: str) -> _Node:
        m = TYPED_BULLET.match(text)
        text = m.group("rest") if m else text
        lab = parse_labelled(text)
        typed = TYPED.match(text)
        number, label = None, None
        if lab is not None and lab[2]:
            label, number, text = lab[0].capitalize(), lab[1], lab[2]
        elif typed:
            number, text = typed.group("num"), typed.group("rest")
        return parent.add(_Node("cell", text.rstrip(":").strip(), parent.level + 1, index, number, label, role, True))


def grid(tbl: Element, info) -> list[list[tuple[Element, list[str], int]]]:
    """Return a table's rows as (cell, its paragraphs' texts, its first paragraph number) per grid column.

    ``info(p)`` gives a ``w:p``'s (text, number). A cell merged down (``w:vMerge``) repeats the id and text
    of the cell it continues (the cell element is the key: equal cells are one cell); a cell spanning
    columns (``w:gridSpan``) fills each of them.
    """
    out: list[list[tuple[Element, list[str], int]]] = []
    above: dict[int, tuple[Element, list[str], int]] = {}
    for tr in ooxml_tables.rows(tbl):
        row: list[tuple[Element, list[str], int]] = []
        col = 0
        for tc in ooxml_tables.cells(tr):
            span = ooxml_tables.grid_span(tc)
            found = [info(p) for p in ooxml_tables.cell_paragraphs(tc)]
            entry = (tc, [t for t, _unused in found if t], found[0][1] if found else -1)
            if ooxml_tables.vertical_merge(tc) == "continue" and col in above:
                entry = above[col]
            for k in range(span):
                row.append(entry)
                above[col + k] = entry
            col += span
        out.append(row)
    return out


def catalogue_from_document(doc: PlanDocument, *, part: str | None = None, municipality: str | None = None,
                            prefix: str = "KP-") -> KpImport:
    """Return the catalogue of an open document (see `import_kommuneplan`)."""
    r = _Reader(doc)
    heads = {h.index: h for h in doc.headings()}
    labels = doc.numbering_labels()
    title_parts: list[str] = []
    cover: list[str] = []

    for para, text in outline_paragraphs(doc, r.table):
        i = para.index
        style = (para.style_id or "").lower()
        if style in _TITLE_STYLES or doc.styles.name(para.style_id).strip().lower() in _TITLE_STYLES:
            if not r.seen_heading:
                title_parts.append(text)
            continue
        if i in heads:
            r.heading(heads[i], i)
            continue
        if not r.seen_heading and len(cover) < 30:
            cover.append(text)
        _paragraph(r, doc, para, text, labels.get(i))
    _decide(r.root)
    items, report = _assign_ids(r.root, prefix)
    report = r.report + report
    plan_name = " ".join(title_parts) or _core_title(doc) or _cover_title(cover) or Path(doc.name).stem
    if not items:
        raise DocumentError(_("fant ingen mål eller strategier i kommuneplanen; nummerer overskriftene (f.eks. «3.2 "
                              "Folkehelse»), merk målene (f.eks. «Mål 2.1: …») eller sett «Mål:» / «Vi vil:» foran "
                              "punktlistene"), Location(file=doc.name), code="no_kp_items")
    header_footer = header_footer_texts(doc)
    facts = cover + header_footer
    lowered = (plan_name + " " + " ".join(cover)).lower()
    guess = part or next((p for p in _PARTS if p in plan_name.lower()), None) or \
        next((p for p in _PARTS if p in lowered), "samfunnsdel")
    adopted, _case = find_adoption(facts)
    version = VERSION.search(" ".join(cover))
    mp = MasterPlan(plan_name=plan_name, part=guess, adopted=adopted, version=version.group(1) if version else None,
                    items=items)
    if part is None and not any(p in plan_name.lower() for p in _PARTS):
        report.append(f"delen av kommuneplanen står ikke i tittelen «{plan_name}»; satt til «{guess}» "
                      "(bruk --part for å velge)")
    result = KpImport(mp, report, doc.name)
    if municipality is not None:
        known = lookup_municipality(municipality)
        if known is None:
            raise InputError(_("kommunenummer {municipality} finnes ikke i kommunelisten for 2024").format(
                                 municipality=municipality),
                             Location(file=doc.name), code="unknown_municipality")
        result.municipality = (known.number, known.name)
    else:
        found = find_municipality([plan_name, _core_title(doc) or "", *cover, *header_footer, *doc.texts()[:80]])
        result.municipality = (found.number, found.name) if found.number else None
        result.municipality_reason = found.reason
    return result


def _paragraph(r: _Reader, doc: PlanDocument, para, text: str, label) -> None:
    """Sort one body paragraph that is not a heading: label, labelled goal, list item, bold heading or prose."""
    i = para.index
    role = _label_role(text)
    if role is not None:
        r.label(role)
        return
    lab = parse_labelled(text)
    if lab is not None:
        if lab[2]:
            r.labelled_item(lab[0], lab[1], lab[2], i)
        else:
            r.report.append(f"avsnitt {i}: «{text[:80]}» ser ut som et mål, men mangler tekst etter nummeret")
        return
    inline = INLINE.match(text)
    if inline and len(text) <= 300 and not r.current.stop:
        r.inline_item(inline.group("label"), inline.group("rest").strip().strip("«»\"“”").strip(), i)
        return
    if label is not None and label.bullet:
        r.list_item(text, i, None)
        return
    if label is not None and label.number:
        r.list_item(text, i, label.number)
        return
    bullet = TYPED_BULLET.match(text)
    if bullet:
        r.list_item(bullet.group("rest"), i, None)
        return
    letter = TYPED_LETTER.match(text)
    if letter and len(text) <= 250 and not r.current.stop:
        r.list_item(letter.group("rest"), i, letter.group("num"))
        return
    typed = TYPED.match(text)
    words = len(text.split())
    bold = words <= 15 and len(text) <= 150 and is_bold(doc, para.element, para.style_id)
    if typed and (bold or (words <= 12 and not text.endswith("."))) and \
            r.typed_heading(typed.group("num"), typed.group("rest"), i):
        return
    if typed and len(text) <= 250 and not r.current.stop:
        number = typed.group("num")
        head = r.stack[-1]
        if head.number and not number.startswith(head.number + ".") and "." in number:
            r.prose(text)
            return
        r.list_item(typed.group("rest"), i, number, kind="typed")
        return
    if (r.seen_heading or not r.has_headings) and bold and not text.endswith(":") and \
            (not text.endswith(".") or words <= 8):
        if r.role is not None and r.role_from_label and (r.items_since_label == 0 or r.bold_list):
            r.list_item(text, i, None)  # the list after «Mål:» written as bold lines
            r.bold_list = True
        else:
            r.pseudo(text, i)
        return
    r.prose(text)


def _decide(root: _Node) -> None:
    """Mark the nodes that are catalogue items (see the module docstring)."""

    # bold lines standing as headings count as goals when there are several under one heading about goals
    for node in _walk(root):
        if node.kind != "heading" or node.stop or node.container:
            continue
        bold = [c for c in node.children if c.kind == "pseudo" and not c.stop and not c.container]
        if len(bold) >= 2:
            for c in bold:
                c.explicit = True

    def up(node: _Node) -> bool:
        below = False
        for c in node.children:
            below = up(c) or below
        if node.kind in ("list", "labelled", "typed", "cell"):
            node.item = node.explicit
            return node.item or below
        if node.kind in ("heading", "pseudo"):
            node.item = (below or node.explicit) and not node.container
            return node.item or below
        return below

    explicit = up(root)
    if not explicit:  # nothing marked as a goal anywhere: the numbered chapters that are not prose are the items
        for node in _walk(root):
            if node.kind == "heading" and node.number and not node.stop and not node.container:
                node.item = True
    # a heading beside item headings, under an item, is one too («3.2 Gode levekår» next to «3.1 …» with bullets)
    for node in _walk(root):
        if node.kind != "heading" or node.item or node.stop or node.container or node.parent is None:
            continue
        parent = node.parent
        if (parent.item or parent.kind == "root" or parent.container) and \
                any(s.item and s.kind == "heading" and s.level == node.level for s in parent.children):
            node.item = True


def _walk(node: _Node):
    yield node
    for c in node.children:
        yield from _walk(c)


def _items_below(node: _Node):
    """Yield the items directly below ``node``: its item children, and the items under children that are
    not items themselves (containers such as «Mål og strategier», and chapters without a goal of their own)."""
    for c in node.children:
        if c.item:
            yield c
        else:
            yield from _items_below(c)


def _item_parent(node: _Node) -> _Node | None:
    """Return the nearest item above ``node`` (None at the top)."""
    up = node.parent
    while up is not None and not up.item:
        up = up.parent
    return up


def _assign_ids(root: _Node, prefix: str) -> tuple[list[KpItem], list[str]]:
    out: list[KpItem] = []
    report: list[str] = []
    used: dict[str, _Node] = {}

    # «Mål 1», «Mål 2» starting again under each theme: those labels count within their theme (KP-3.1)
    seen_under: dict[str, set[int]] = {}
    for node in _walk(root):
        if node.item and node.kind == "labelled" and node.number and "." not in node.number:
            seen_under.setdefault(node.number, set()).add(id(_item_parent(node)))
    restarting = any(len(parents) > 1 for parents in seen_under.values())

    def number_of(node: _Node, parent: _Node | None) -> str | None:
        if not node.number:
            return None
        kinds = ("list", "typed", "cell", "heading", "labelled") if restarting else ("list", "typed", "cell", "heading")
        relative = "." not in node.number and node.kind in kinds and \
            parent is not None and parent.kind != "root" and (node.kind != "heading" or node.level > 1)
        if relative and parent.id is not None:
            return f"{parent.id[len(prefix):]}.{node.number}"
        return node.number

    def infer(node: _Node, below: list[_Node]) -> str | None:
        """An unnumbered theme whose items are «1.1», «1.2» … is number 1 (not shown: numbered false)."""
        nums = [c.number for c in below if c.number and "." in c.number and c.kind in ("heading", "typed", "pseudo")]
        firsts = {n.split(".", 1)[0] for n in nums}
        if nums and len(firsts) == 1 and len(nums) == len([c for c in below if c.kind != "list"]):
            return firsts.pop()
        return None

    def visit(parent: _Node) -> None:
        below = list(_items_below(parent))
        k = 0
        for node in below:
            number = number_of(node, parent if parent.item else None)
            numbered = number is not None
            if number is None:
                number = infer(node, list(_items_below(node)))
                node.inferred = number is not None and f"{prefix}{number}" not in used
                if not node.inferred:
                    number = None
            if number is None:
                k += 1
                base = parent.id if parent.item else None
                ident = f"{base}.{letters(k)}" if base else f"{prefix}{letters(k)}"
            else:
                ident = f"{prefix}{number}"
            if ident in used:
                n = 2
                while f"{ident}-{n}" in used:
                    n += 1
                report.append(f"avsnitt {node.index}: nummeret {number} finnes fra før (avsnitt {used[ident].index}); "
                              f"«{node.title[:60]}» har fått id {ident}-{n}")
                ident = f"{ident}-{n}"
            used[ident] = node
            node.id = ident
            children = list(_items_below(node))
            kind = "strategi" if node.role == "strategy" else \
                "satsingsområde" if node.kind in ("heading", "pseudo", "cell") and \
                any(c.role != "strategy" for c in children) else "mål"
            out.append(KpItem(id=ident, title=node.title or ident, text=node.text, numbered=numbered,
                              number=number if numbered else None, label=node.label, kind=kind))
            visit(node)

    visit(root)
    return out, report


def _core_title(doc: PlanDocument) -> str | None:
    return clean(doc.core_properties.get("title", "")) or None


def _cover_title(cover: list[str]) -> str | None:
    hit = next((t for t in cover if re.search(r"kommuneplan|samfunnsdel|handlingsdel", t, re.IGNORECASE)), None)
    return hit[:200] if hit else None


def catalogue_dict(result: KpImport) -> dict:
    """Return the catalogue in its one schema (docs/import.md): ``municipalities[]`` with number, name and
    ``master_plans[]``, as plan data holds it and ``docplan check --kp`` reads it."""
    if result.municipality is None:
        raise InputError(_("fant ikke hvilken kommune kommuneplanen gjelder ({municipality_reason}); oppgi "
                           "kommunenummeret med --kommune NNNN").format(
                             municipality_reason=result.municipality_reason), Location(file=result.source),
                         code="no_municipality")
    plan = result.master_plan.model_dump(mode="json", exclude_none=True)
    for item in plan.get("items", []):
        if item.get("numbered", True):
            item.pop("numbered", None)
    number, name = result.municipality
    return {"municipalities": [{"number": number, "name": name, "master_plans": [plan]}]}


def write_catalogue(result: KpImport, path: str | Path) -> Path:
    """Write the catalogue as YAML (atomically), with a header saying where it came from."""
    data = catalogue_dict(result)
    header = (f"# Kommuneplankatalog lest fra {Path(result.source).name} av «docplan kp import».\n"
              "# Bruk fila med «docplan check --kp», eller lim inn master_plans under kommunen i plandataene.\n"
              "# Punkter med «numbered: false» har ikke nummer i dokumentet; id-en er laget av docplan.\n")
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return write_atomic(path, text.encode("utf-8"))


__all__ = ["KpImport", "PERIOD", "catalogue_dict", "container_role", "catalogue_from_document", "import_kommuneplan", "is_stop_chapter",
           "letters", "parse_date", "parse_labelled", "write_catalogue"]
