"""Pure builders of the OOXML docplan puts into a planner's document.

Each builder returns fresh lxml elements (``w:sdt`` content controls tagged ``docplan:<kind>:<id>``)
and reads nothing but the plan. The insert engine places them with lxml; the add-in server sends
them to Word's ``insertOoxml`` wrapped by `flat_opc`.

Styles: ``styles`` maps a logical role to the target document's own style id; `resolve_styles`
finds them in ``word/styles.xml`` (by id, English or Norwegian name, or outline level). A role
that maps to None is formatted directly instead, so no style definition is ever added.

    ROLES = heading1 heading2 heading3 normal table table_text quote list
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Mapping
from xml.sax.saxutils import escape

from lxml import etree

from docplan.model import Goal, Measure, Plan, SubGoal
from docplan.ooxml import NSMAP, make_sdt, parse_xml, qn
from docplan.render import format_date, format_funding, format_nok, format_with_year, format_years, kp_short_text
from docplan.tags import format_tag

ROLES = ("heading1", "heading2", "heading3", "normal", "table", "table_text", "quote", "list")
Styles = Mapping[str, "str | None"]

#: Style ids of a default Word document, used when no styles part is given.
DEFAULT_STYLES: dict[str, str | None] = {
    "heading1": "Heading1", "heading2": "Heading2", "heading3": "Heading3", "normal": None,
    "table": "TableGrid", "table_text": None, "quote": "Quote", "list": None,
}

_NAMES: dict[str, tuple[str, ...]] = {
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
_TYPE = {"table": "table"}

T = {
    "nb": {
        "goal_alias": "Mål", "measure_alias": "Tiltak", "table_alias": "Tiltaksplan", "kp_alias": "Kommuneplan",
        "quote_alias": "Kommuneplan – sitat", "indicator": "Indikator", "from": "fra", "to": "til",
        "kp_link": "Kobling til kommuneplanen: ", "applies_to": "Gjelder", "deadline": "Frist", "sum": "Sum",
        "responsible": "Ansvarlig", "partners": "Samarbeidspartnere", "years": "År", "cost": "Kostnad",
        "funding": "Finansiering", "status": "Status", "goals": "Delmål", "missing": "finnes ikke i kommuneplanen",
        "measure_head": ["Nr.", "Tiltak", "Delmål", "Ansvarlig", "Samarbeidspartnere", "År og frist",
                         "Kostnad og finansiering", "Status", "Kommuneplan"],
    },
    "nn": {
        "goal_alias": "Mål", "measure_alias": "Tiltak", "table_alias": "Tiltaksplan", "kp_alias": "Kommuneplan",
        "quote_alias": "Kommuneplan – sitat", "indicator": "Indikator", "from": "frå", "to": "til",
        "kp_link": "Kopling til kommuneplanen: ", "applies_to": "Gjeld", "deadline": "Frist", "sum": "Sum",
        "responsible": "Ansvarleg", "partners": "Samarbeidspartnarar", "years": "År", "cost": "Kostnad",
        "funding": "Finansiering", "status": "Status", "goals": "Delmål", "missing": "finst ikkje i kommuneplanen",
        "measure_head": ["Nr.", "Tiltak", "Delmål", "Ansvarleg", "Samarbeidspartnarar", "År og frist",
                         "Kostnad og finansiering", "Status", "Kommuneplan"],
    },
}
#: Relative column widths of the measure table (as in the standard template).
_COLUMNS = (1.4, 6.0, 1.8, 3.2, 3.4, 2.4, 3.6, 2.0, 2.9)
_TABLE_TWIPS = 9638  # A4 portrait with 2 cm margins; the table itself is 100 % wide
_HEADING_SIZE = {1: 32, 2: 28, 3: 24}  # half-points, only when the document has no heading style


# -- styles ---------------------------------------------------------------------------------------
def resolve_styles(styles_part_root: etree._Element | None) -> dict[str, str | None]:
    """Map each role to the document's own style id (None when it has no such style).

    Looks for each role by style id, by English or Norwegian name ("Heading 1", "Overskrift 1"),
    and for headings by outline level; the default paragraph style is "normal". A document without a
    styles part gets None for every role (builders then format directly). Builders called with
    ``styles=None`` use `DEFAULT_STYLES`, Word's built-in ids, which suit ``insertOoxml`` into Word.
    """
    if styles_part_root is None:  # a document without a styles part: direct formatting only
        return {role: None for role in ROLES}
    out: dict[str, str | None] = {role: None for role in ROLES}
    styles = []
    for st in styles_part_root.iter(qn("w:style")):
        sid = st.get(qn("w:styleId"))
        if not sid:
            continue
        name_el = st.find(qn("w:name"))
        name = (name_el.get(qn("w:val")) if name_el is not None else sid) or sid
        lvl = st.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        styles.append((sid, name.strip().lower(), st.get(qn("w:type"), "paragraph"),
                       st.get(qn("w:default")) in ("1", "true", "on"),
                       lvl.get(qn("w:val")) if lvl is not None else None))
    for role, names in _NAMES.items():
        kind = _TYPE.get(role, "paragraph")
        ids = {re.sub(r"[\s\-–]", "", n) for n in names}
        for wanted in names:  # the order of _NAMES is the preference order
            hit = next((s for s in styles if s[2] == kind and (s[1] == wanted)), None)
            if hit:
                out[role] = hit[0]
                break
        if out[role] is None:
            hit = next((s for s in styles if s[2] == kind and s[0].lower() in ids), None)
            if hit:
                out[role] = hit[0]
    for n in (1, 2, 3):
        role = f"heading{n}"
        if out[role] is None:
            hit = next((s for s in styles if s[2] == "paragraph" and s[4] == str(n - 1)), None)
            out[role] = hit[0] if hit else None
    if out["normal"] is None:
        hit = next((s for s in styles if s[2] == "paragraph" and s[3]), None)
        out["normal"] = hit[0] if hit else None
    return out


def _styles(styles: Styles | None) -> Mapping[str, str | None]:
    return DEFAULT_STYLES if styles is None else styles


def _lang(plan: Plan, lang: str | None) -> str:
    return lang or plan.language or "nb"


# -- small builders: XML fragments as text, parsed once per public call --------------------------------
# Building a 20-row table element by element costs more than the rest of an insertion; the pieces are
# therefore written as escaped XML text and parsed once with the one docplan parser. Content controls
# still come from `make_sdt`, so their structure is defined in one place.
_W_DECL = f'xmlns:w="{NSMAP["w"]}"'
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR = {'"': "&quot;"}


def _esc(text: str) -> str:
    return escape(_BAD_XML_CHARS.sub("", text))


def _attr(text: str) -> str:
    return escape(_BAD_XML_CHARS.sub("", text), _ATTR)


def _parse(fragment: str) -> list[etree._Element]:
    """Parse XML fragments (``w:`` prefixed, no declaration) into detached elements."""
    holder = parse_xml(f"<w:holder {_W_DECL}>{fragment}</w:holder>")
    out = list(holder)
    for el in out:
        holder.remove(el)
    return out


@lru_cache(maxsize=1)
def _sdt_shell() -> tuple[str, str]:
    # An immutable value built once: a lazily filled module list raced under concurrent requests
    # (two threads extending it gave four pieces).
    shell = etree.tostring(make_sdt("docplan:goal:X", "A", []), encoding="unicode")
    head, tail = shell.replace(f" {_W_DECL}", "").split("<w:sdtContent/>")
    return head, tail


def _sdt(tag: str, alias: str, inner: str) -> str:
    """Return a content control around ``inner`` as XML text (structure from `make_sdt`)."""
    head, tail = _sdt_shell()
    head = head.replace('w:val="A"', f'w:val={_quoted(alias)}', 1).replace('w:val="docplan:goal:X"',
                                                                          f"w:val={_quoted(tag)}", 1)
    return f"{head}<w:sdtContent>{inner}</w:sdtContent>{tail}"


def _quoted(value: str) -> str:
    return f'"{_attr(value)}"'


def _run(text: str, *, bold: bool = False, italic: bool = False, size: int | None = None) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + (f'<w:sz w:val="{size}"/>' if size else "")
    out = ["<w:r>", f"<w:rPr>{props}</w:rPr>" if props else ""]
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<w:br/>")
        space = ' xml:space="preserve"' if line != line.strip() else ""
        out.append(f"<w:t{space}>{_esc(line)}</w:t>")
    out.append("</w:r>")
    return "".join(out)


def _para(style: str | None = None, runs: Iterable[str] = (), *, outline: int | None = None,
          indent: int | None = None) -> str:
    ppr = ""
    if style or outline is not None or indent:
        ppr = ("<w:pPr>" + (f"<w:pStyle w:val={_quoted(style)}/>" if style else "")
               + ("<w:keepNext/>" if outline is not None else "")
               + (f'<w:ind w:left="{indent}"/>' if indent else "")
               + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "") + "</w:pPr>")
    return f"<w:p>{ppr}{''.join(runs)}</w:p>"


def _heading(level: int, text: str, styles: Mapping[str, str | None]) -> str:
    style = styles.get(f"heading{level}")
    if style:
        return _para(style, [_run(text)])
    return _para(None, [_run(text, bold=True, size=_HEADING_SIZE[level])], outline=level - 1)


def _text_para(text: str, styles: Mapping[str, str | None], role: str = "normal", **run_kw) -> str:
    return _para(styles.get(role), [_run(text, **run_kw)])


# -- KP references ---------------------------------------------------------------------------------
def _kp_ref(plan: Plan, ref: str, lg: str) -> str:
    return _sdt(format_tag("kp-ref", ref), f"{T[lg]['kp_alias']} {ref}", _run(kp_short_text(plan, ref, lg)))


def kp_ref_run(plan: Plan, ref: str, styles: Styles | None = None, lang: str | None = None) -> etree._Element:
    """Return an inline ``w:sdt`` tagged ``docplan:kp-ref:<ref>`` holding the short form.

    The short form is `docplan.render.kp_short_text`, e.g. «jf. kommuneplanens samfunnsdel, KP-3.2 Folkehelse».
    """
    return _parse(_kp_ref(plan, ref, _lang(plan, lang)))[0]


def kp_quote_text(plan: Plan, ref: str, lang: str | None = None) -> str:
    """Return the text of a KP quote block: the item's id, title and text, or a «missing» note."""
    lg = _lang(plan, lang)
    resolved = plan.resolve_kp_ref(ref)
    if resolved is None:
        return f"{ref} ({T[lg]['missing']})"
    item = resolved.item
    return f"{item.id} {item.title}" + (f": {item.text}" if item.text else "")


def kp_quote_block(plan: Plan, ref: str, styles: Styles | None = None, lang: str | None = None) -> etree._Element:
    """Return a block ``w:sdt`` tagged ``docplan:kp-quote:<ref>``: the KP item's text, then its source."""
    lg = _lang(plan, lang)
    st = _styles(styles)
    resolved = plan.resolve_kp_ref(ref)
    quote_style = st.get("quote")
    indent = None if quote_style else 567
    paras = [_para(quote_style, [_run(kp_quote_text(plan, ref, lg), italic=not quote_style)], indent=indent)]
    if resolved is not None:
        mp = resolved.master_plan
        source = mp.plan_name + (f" ({format_date(mp.adopted)})" if mp.adopted else "")
        paras.append(_para(quote_style, [_run("– " + source, italic=not quote_style)], indent=indent))
    return _parse(_sdt(format_tag("kp-quote", ref), f"{T[lg]['quote_alias']} {ref}", "".join(paras)))[0]


def _kp_runs(plan: Plan, refs: list[str], lg: str) -> list[str]:
    out: list[str] = []
    for i, ref in enumerate(refs):
        if i:
            out.append(_run("; "))
        out.append(_kp_ref(plan, ref, lg))
    return out


def _kp_link_para(plan: Plan, refs: list[str], st: Mapping[str, str | None], lg: str) -> str:
    return _para(st.get("normal"), [_run(T[lg]["kp_link"]), *_kp_runs(plan, refs, lg)])


# -- goals -----------------------------------------------------------------------------------------
def _goal_sdt(plan: Plan, goal: Goal | SubGoal, level: int, st: Mapping[str, str | None], lg: str) -> str:
    t = T[lg]
    paras = [_heading(level, f"{goal.id} {goal.title}", st)]
    if goal.text:
        paras.append(_text_para(goal.text, st))
    ind = goal.indicator
    if ind is not None:
        line = f"{t['indicator']}: {ind.name}"
        if ind.baseline or ind.target:
            line += (f", {t['from']} {format_with_year(ind.baseline, ind.baseline_year)}"
                     f" {t['to']} {format_with_year(ind.target, ind.target_year)}")
        paras.append(_text_para(line + ".", st))
    if goal.kp_refs:
        paras.append(_kp_link_para(plan, goal.kp_refs, st, lg))
    return _sdt(format_tag("goal", goal.id), f"{t['goal_alias']} {goal.id}", "".join(paras))


def goal_block(plan: Plan, goal_id: str, styles: Styles | None = None, lang: str | None = None, *,
               sub_goals: bool = True, level: int | None = None) -> list[etree._Element]:
    """Return block ``w:sdt`` controls tagged ``docplan:goal:<id>``: the goal, then each sub-goal's own.

    A main goal (hovedmål) gets a level-2 heading, a sub-goal (delmål) level 3. Raises KeyError for an
    unknown id.
    """
    goal = plan.goal(goal_id)
    if goal is None:
        raise KeyError(goal_id)
    lg, st = _lang(plan, lang), _styles(styles)
    main_level = level or (2 if isinstance(goal, Goal) else 3)
    out = [_goal_sdt(plan, goal, main_level, st, lg)]
    if sub_goals and isinstance(goal, Goal):
        out += [_goal_sdt(plan, sub, min(main_level + 1, 3), st, lg) for sub in goal.sub_goals]
    return _parse("".join(out))


# -- measures --------------------------------------------------------------------------------------
def _measure(plan: Plan, measure_id: str) -> Measure:
    m = next((m for m in plan.measures if m.id == measure_id), None)
    if m is None:
        raise KeyError(measure_id)
    return m


def _names(plan: Plan, numbers: list[str]) -> str:
    return ", ".join((m.name if (m := plan.municipality(n)) else n) for n in numbers)


def _years(m: Measure) -> str:
    return format_years(m.years)


def _cost(m: Measure) -> str:
    return " ".join(x for x in (format_nok(m.cost_nok), m.cost_basis or "") if x)


def measure_block(plan: Plan, measure_id: str, styles: Styles | None = None, lang: str | None = None, *,
                  level: int = 3) -> list[etree._Element]:
    """Return ``[w:sdt]`` tagged ``docplan:measure:<id>``: a heading, the text and the measure's facts."""
    m = _measure(plan, measure_id)
    lg, st = _lang(plan, lang), _styles(styles)
    t = T[lg]
    paras = [_heading(level, f"{m.id} {m.title}", st)]
    if m.text:
        paras.append(_text_para(m.text, st))
    facts = [
        (t["applies_to"], _names(plan, m.municipalities) if m.scope == "lokal" else ""),
        (t["goals"], ", ".join(m.goal_ids)),
        (t["responsible"], m.responsible or ""),
        (t["partners"], ", ".join(m.partners)),
        (t["years"], _years(m)),
        (t["deadline"], format_date(m.deadline)),
        (t["cost"], _cost(m)),
        (t["funding"], format_funding(m.funding)),
        (t["status"], m.status or ""),
    ]
    for label, value in facts:
        if value:
            paras.append(_para(st.get("normal"), [_run(f"{label}: ", bold=True), _run(value)]))
    if m.kp_refs:
        paras.append(_kp_link_para(plan, m.kp_refs, st, lg))
    return _parse(_sdt(format_tag("measure", m.id), f"{t['measure_alias']} {m.id}", "".join(paras)))


def _cell(width: int, paras: list[str]) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{"".join(paras or [_para()])}</w:tc>'


def _row(cells: list[str], *, header: bool = False) -> str:
    props = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else ""
    return f"<w:tr>{props}{''.join(cells)}</w:tr>"


def _widths() -> list[int]:
    total = sum(_COLUMNS)
    return [int(_TABLE_TWIPS * c / total) for c in _COLUMNS]


def _measure_row(plan: Plan, m: Measure, st: Mapping[str, str | None], lg: str) -> str:
    t = T[lg]
    ts = st.get("table_text") or st.get("normal")

    def p(text: str, **kw) -> str:
        return _para(ts, [_run(text, **kw)] if text else [])

    title = [p(m.title, bold=True)]
    if m.text:
        title.append(p(m.text))
    if m.scope == "lokal":
        title.append(p(f"{t['applies_to']}: {_names(plan, m.municipalities)}", italic=True))
    years = [p(_years(m))] + ([p(f"{t['deadline']} {format_date(m.deadline)}")] if m.deadline else [])
    cost = [p(_cost(m))] + ([p(format_funding(m.funding))] if m.funding else [])
    kp = _para(ts, _kp_runs(plan, m.kp_refs, lg))
    columns = [[p(m.id)], title, [p(", ".join(m.goal_ids))], [p(m.responsible or "")],
               [p(", ".join(m.partners))], years, cost, [p(m.status or "")], [kp]]
    row = _row([_cell(w, c) for w, c in zip(_widths(), columns)])
    return _sdt(format_tag("measure", m.id), f"{t['measure_alias']} {m.id}", row)


def measure_row(plan: Plan, measure: Measure | str, styles: Styles | None = None,
                lang: str | None = None) -> etree._Element:
    """Return the row-level ``w:sdt`` tagged ``docplan:measure:<id>`` wrapping one ``w:tr``."""
    m = _measure(plan, measure) if isinstance(measure, str) else measure
    return _parse(_measure_row(plan, m, _styles(styles), _lang(plan, lang)))[0]


def measure_table(plan: Plan, measures: Iterable[Measure | str] | None = None, styles: Styles | None = None,
                  lang: str | None = None, *, scope: str = "all") -> etree._Element:
    """Return a ``w:sdt`` tagged ``docplan:measure-table:<scope>`` wrapping the measures table.

    The header row repeats on each page (``w:tblHeader``); each measure is a row-level control
    ``docplan:measure:<id>``; a last row gives the total cost.
    """
    lg, st = _lang(plan, lang), _styles(styles)
    t = T[lg]
    items = [(_measure(plan, m) if isinstance(m, str) else m) for m in (plan.measures if measures is None
                                                                       else measures)]
    table_style = st.get("table")
    borders = "" if table_style else ("<w:tblBorders>" + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>")
    tbl_pr = ("<w:tblPr>" + (f"<w:tblStyle w:val={_quoted(table_style)}/>" if table_style else "")
              + '<w:tblW w:w="5000" w:type="pct"/>' + borders + '<w:tblLayout w:type="autofit"/>'
              + '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
                'w:noHBand="0" w:noVBand="1"/></w:tblPr>')
    widths = _widths()
    grid = "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
    ts = st.get("table_text") or st.get("normal")
    head = _row([_cell(w, [_para(ts, [_run(h, bold=True)])]) for w, h in zip(widths, t["measure_head"])],
                header=True)
    rows = "".join(_measure_row(plan, m, st, lg) for m in items)
    sums = [[_para(ts)] for _ in widths]
    sums[1] = [_para(ts, [_run(t["sum"], bold=True)])]
    sums[6] = [_para(ts, [_run(format_nok(sum(m.cost_nok or 0 for m in items)), bold=True)])]
    total = _row([_cell(w, c) for w, c in zip(widths, sums)])
    table = f"<w:tbl>{tbl_pr}{grid}{head}{rows}{total}</w:tbl>"
    return _parse(_sdt(format_tag("measure-table", scope), t["table_alias"], table))[0]


# -- Word's insertOoxml ----------------------------------------------------------------------------
PKG_NS = "http://schemas.microsoft.com/office/2006/xmlPackage"
_REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
_CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CT_STYLES = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"


def _is_inline(el: etree._Element) -> bool:
    if el.tag in (qn("w:r"), qn("w:hyperlink")):
        return True
    if el.tag == qn("w:sdt"):
        content = el.find(qn("w:sdtContent"))
        return content is not None and len(content) > 0 and content[0].tag in (qn("w:r"), qn("w:hyperlink"))
    return False


def flat_opc(elements: Iterable[etree._Element], styles_xml: str | bytes | None = None) -> str:
    """Return a flat-OPC ``pkg:package`` string for Word's ``Range.insertOoxml``.

    Block elements go into the body as they are; inline ones (runs, inline controls) are wrapped in
    one paragraph. ``styles_xml`` (a ``w:styles`` document) is included as the styles part when given.
    """
    import copy

    pkg = etree.Element(f"{{{PKG_NS}}}package", nsmap={"pkg": PKG_NS})

    def part(name: str, ctype: str, xml: etree._Element, padding: str | None = None) -> None:
        p = etree.SubElement(pkg, f"{{{PKG_NS}}}part")
        p.set(f"{{{PKG_NS}}}name", name)
        p.set(f"{{{PKG_NS}}}contentType", ctype)
        if padding:
            p.set(f"{{{PKG_NS}}}padding", padding)
        etree.SubElement(p, f"{{{PKG_NS}}}xmlData").append(xml)

    def rels(targets: list[tuple[str, str]]) -> etree._Element:
        root = etree.Element(f"{{{NSMAP['pr']}}}Relationships", nsmap={None: NSMAP["pr"]})
        for i, (rtype, target) in enumerate(targets, 1):
            etree.SubElement(root, f"{{{NSMAP['pr']}}}Relationship", Id=f"rId{i}", Type=rtype, Target=target)
        return root

    part("/_rels/.rels", _CT_RELS, rels([(_REL_DOC, "word/document.xml")]), padding="512")
    if styles_xml is not None:
        from docplan.ooxml import parse_xml

        part("/word/_rels/document.xml.rels", _CT_RELS, rels([(_REL_STYLES, "styles.xml")]), padding="256")
    document = etree.Element(qn("w:document"), nsmap={"w": NSMAP["w"], "r": NSMAP["r"]})
    body = etree.SubElement(document, qn("w:body"))
    pending: etree._Element | None = None
    for el in elements:
        el = copy.deepcopy(el)
        if _is_inline(el):
            if pending is None:
                pending = etree.SubElement(body, qn("w:p"))
            pending.append(el)
        else:
            pending = None
            body.append(el)
    part("/word/document.xml", _CT_MAIN, document)
    if styles_xml is not None:
        part("/word/styles.xml", _CT_STYLES, parse_xml(styles_xml))
    return etree.tostring(pkg, encoding="unicode")
