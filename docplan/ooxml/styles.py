"""The styles part (``word/styles.xml``): style facts, the one heading rule, and styles by role.

`StyleSheet.heading_level` is the only definition of a heading style in docplan: insert, refresh,
check, template lint, extract and kommuneplan import all ask it (through
`docplan.document.PlanDocument.headings`). A paragraph style is a heading of level N when, walking the
style and the styles it is ``w:basedOn``, the first one that says anything says so:

- its paragraph properties have ``w:outlineLvl`` 0–8 (level N = value + 1); value 9 means body text
  and ends the walk (Word's «TOC Heading» is based on Heading 1 but has outline level 9);
- its name or id is a heading name in one of the languages real documents use: «heading N»,
  «Overskrift N», «Titre N», «Überschrift N», «Rubrik N», «Otsikko N», «Kop N», «Titolo N»,
  «Encabezado N», «Título N», «Nagłówek N».

A paragraph's own ``w:outlineLvl`` wins over its style's (9 makes it body text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element

_W_STYLE, _W_NAME, _W_BASED, _W_PPR, _W_OUTLINE, _W_NUMPR = (
    qn(t) for t in ("w:style", "w:name", "w:basedOn", "w:pPr", "w:outlineLvl", "w:numPr"))
_W_VAL, _W_TYPE, _W_STYLE_ID, _W_DEFAULT = qn("w:val"), qn("w:type"), qn("w:styleId"), qn("w:default")
_W_NUMID, _W_ILVL, _W_LANG = qn("w:numId"), qn("w:ilvl"), qn("w:lang")
HEADING_NAME = re.compile(
    r"^(?:heading|overskrift|titre|überschrift|rubrik|otsikko|kop|titolo|encabezado|título|nagłówek)\s*([1-9])$",
    re.IGNORECASE)

#: Roles docplan writes content in, mapped to the document's own styles by `StyleSheet.roles`.
ROLES = ("heading1", "heading2", "heading3", "normal", "table", "table_text", "quote", "list")
_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "heading1": ("heading 1", "overskrift 1"),
    "heading2": ("heading 2", "overskrift 2"),
    "heading3": ("heading 3", "overskrift 3"),
    "normal": ("normal", "standard", "vanlig"),
    "table": ("table grid", "tabellrutenett", "tabell - rutenett", "tabell – rutenett", "grid table 1 light",
              "rutenettabell 1 lys"),
    "table_text": ("tabelltekst", "table text", "tabellinnhold", "table contents"),
    "quote": ("quote", "sitat", "intense quote", "sterkt sitat"),
    "list": ("list paragraph", "listeavsnitt"),
}


def int_value(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Style:
    """One ``w:style``: id, type, name, the style it is based on, outline level and numbering."""

    id: str
    type: str
    name: str
    based_on: str | None
    outline: int | None
    num_id: str | None
    ilvl: int | None
    is_default: bool


def _style(el: Element) -> Style | None:
    sid = el.get(_W_STYLE_ID)
    if not sid:
        return None
    name = next(el.iterchildren(_W_NAME), None)
    based = next(el.iterchildren(_W_BASED), None)
    ppr = next(el.iterchildren(_W_PPR), None)
    outline = num_id = ilvl = None
    if ppr is not None:
        lvl = next(ppr.iterchildren(_W_OUTLINE), None)
        outline = int_value(lvl.get(_W_VAL)) if lvl is not None else None
        num_pr = next(ppr.iterchildren(_W_NUMPR), None)
        if num_pr is not None:
            nid = next(num_pr.iterchildren(_W_NUMID), None)
            lv = next(num_pr.iterchildren(_W_ILVL), None)
            num_id = nid.get(_W_VAL) if nid is not None else None
            ilvl = int_value(lv.get(_W_VAL)) if lv is not None else None
    return Style(sid, el.get(_W_TYPE) or "paragraph", (name.get(_W_VAL) or "") if name is not None else "",
                 based.get(_W_VAL) if based is not None else None, outline, num_id, ilvl,
                 el.get(_W_DEFAULT) in ("1", "true", "on"))


class StyleSheet:
    """The facts of a styles part (an empty sheet when the document has none)."""

    def __init__(self, root: Element | None):
        self.root = root
        self.styles: dict[str, Style] = {}
        if root is not None:
            for el in root.iterchildren(_W_STYLE):
                st = _style(el)
                if st is not None and st.id not in self.styles:
                    self.styles[st.id] = st
        self._levels: dict[str | None, int | None] = {}

    def _chain(self, style_id: str | None):
        seen = set()
        sid = style_id
        while sid and sid not in seen:
            seen.add(sid)
            st = self.styles.get(sid)
            yield sid, st
            sid = st.based_on if st is not None else None

    def heading_level(self, style_id: str | None) -> int | None:
        """Return the heading level (1–9) a paragraph style gives, or None (the one heading rule)."""
        if style_id in self._levels:
            return self._levels[style_id]
        level = None
        for sid, st in self._chain(style_id):
            if st is not None and st.type != "paragraph":
                break
            if st is not None and st.outline is not None:
                level = st.outline + 1 if 0 <= st.outline < 9 else None
                break
            named = heading_name_level(st.name if st is not None else "") or heading_name_level(sid)
            if named:
                level = named
                break
        self._levels[style_id] = level
        return level

    def name(self, style_id: str | None) -> str:
        st = self.styles.get(style_id or "")
        return st.name if st is not None else (style_id or "")

    def numbering(self, style_id: str | None) -> tuple[str, int | None] | None:
        """Return (numId, ilvl) a paragraph style gives through its ``w:basedOn`` chain, or None."""
        found = self.numbering_source(style_id)
        return (found[0], found[1]) if found is not None else None

    def numbering_source(self, style_id: str | None) -> tuple[str, int | None, str] | None:
        """Return (numId, ilvl, id of the style that names the list) through the ``w:basedOn`` chain, or None.

        The first style in the chain with a ``w:numId`` names the list; its level is the nearest
        ``w:ilvl`` from the paragraph's style up to that style (a derived style may set only the level).
        """
        ilvl = None
        for sid, st in self._chain(style_id):
            if st is None:
                continue
            if ilvl is None:
                ilvl = st.ilvl
            if st.num_id is not None:
                return st.num_id, ilvl, sid
        return None

    def chain(self, style_id: str | None) -> list[str]:
        """Return the style and the styles it is ``w:basedOn``, nearest first."""
        return [sid for sid, _st in self._chain(style_id)]

    def default_paragraph_style(self) -> str | None:
        return next((s.id for s in self.styles.values() if s.type == "paragraph" and s.is_default), None)

    def language(self) -> str | None:
        """Return the language most of the document's text is in: ``w:docDefaults``' ``w:lang``, else that
        of the default paragraph style (``w:default="1"``, else the style named Normal), as Word applies
        it to every paragraph that does not set its own; None when neither sets one."""
        if self.root is None:
            return None
        defaults = self.root.find(qn("w:docDefaults"))
        for lang in (defaults.iter(_W_LANG) if defaults is not None else ()):
            if lang.get(_W_VAL):
                return lang.get(_W_VAL)
        normal = self.default_paragraph_style() or next(
            (s.id for s in self.styles.values() if s.type == "paragraph" and (s.name or "").lower() == "normal"), None)
        element = next((el for el in self.root.iterchildren(qn("w:style")) if el.get(_W_STYLE_ID) == normal),
                       None) if normal is not None else None
        rpr = element.find(qn("w:rPr")) if element is not None else None
        lang = rpr.find(_W_LANG) if rpr is not None else None
        return lang.get(_W_VAL) or None if lang is not None else None

    def roles(self) -> dict[str, str | None]:
        """Map each of `ROLES` to the document's own style id (None when it has no such style).

        A role is found by English or Norwegian name, then by id, and a heading role by outline level;
        "normal" falls back to the default paragraph style. Without a styles part every role is None.
        """
        out: dict[str, str | None] = {role: None for role in ROLES}
        if self.root is None:
            return out
        styles = list(self.styles.values())
        for role, names in _ROLE_NAMES.items():
            kind = "table" if role == "table" else "paragraph"
            ids = {re.sub(r"[\s\-–]", "", n) for n in names}
            for wanted in names:  # the order of _ROLE_NAMES is the preference order
                hit = next((s for s in styles if s.type == kind and s.name.strip().lower() == wanted), None)
                if hit:
                    out[role] = hit.id
                    break
            if out[role] is None:
                hit = next((s for s in styles if s.type == kind and s.id.lower() in ids), None)
                if hit:
                    out[role] = hit.id
        for n in (1, 2, 3):
            role = f"heading{n}"
            if out[role] is None:
                hit = next((s for s in styles if s.type == "paragraph" and s.outline == n - 1), None)
                out[role] = hit.id if hit else None
        if out["normal"] is None:
            out["normal"] = self.default_paragraph_style()
        return out


def heading_name_level(name: str | None) -> int | None:
    """Return N for a heading style name or id in any of the known languages («Overskrift 2», «Heading2»)."""
    m = HEADING_NAME.match(re.sub(r"(\D)\s*(\d)$", r"\1 \2", (name or "").strip()))
    return int(m.group(1)) if m else None


def paragraph_style(p: Element) -> str | None:
    """Return a paragraph's style id (its first ``w:pPr``'s ``w:pStyle``), or None."""
    ppr = next(p.iterchildren(_W_PPR), None)
    st = next(ppr.iterchildren(qn("w:pStyle")), None) if ppr is not None else None
    return st.get(_W_VAL) if st is not None else None


def paragraph_outline(p: Element) -> int | None:
    """Return a paragraph's own ``w:outlineLvl`` value, or None."""
    ppr = next(p.iterchildren(_W_PPR), None)
    lvl = next(ppr.iterchildren(_W_OUTLINE), None) if ppr is not None else None
    return int_value(lvl.get(_W_VAL)) if lvl is not None else None


def paragraph_level(p: Element, sheet: StyleSheet) -> int | None:
    """Return the heading level of a paragraph (its own outline level, else its style's), or None."""
    own = paragraph_outline(p)
    if own is not None:
        return own + 1 if 0 <= own < 9 else None
    return sheet.heading_level(paragraph_style(p))
