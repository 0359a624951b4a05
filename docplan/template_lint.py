"""Template lint: what a KoRus maintainer must fix before publishing a docxtpl template.

`lint_template` reads a template (after `docplan.package.inspect_package`: not a docx, macro-enabled,
DOCTYPE … are refused with a `DocumentError`) and returns a `LintReport` of `Finding`s, each with a
Norwegian message and the part + paragraph (1-based, counted over every ``w:p`` of the part in
document order; table cells are named in the message) where the problem is:

* tags Word has split across runs (``split_tag``, fixable with `fix_split_tags`) and broken tags
  (``broken_tag``: ``{{`` without ``}}``);
* Jinja syntax errors (``syntax``), unknown filters (``unknown_filter``);
* variables and attribute paths that are not in the template context schema
  (`docplan.template_tools.context_schema`, generated from the plan model): ``unknown_variable``,
  ``unknown_field`` with a difflib suggestion (``m.ansvalig`` → ``responsible``);
* constructs the sandbox forbids (``forbidden``: ``__class__``, ``{% import %}``, ``{% include %}`` …);
* loops in tables without ``{%tr %}`` (``table_block_without_tr``), blocks across paragraphs
  without ``{%p %}`` (``block_without_p``), two structural tags in one paragraph (``structural_twice``),
  text lost beside a structural tag (``structural_extra_text``);
* required chapters missing (``missing_chapter``), styles missing (``missing_style``,
  ``table_style``), language not set (``language_not_set``);
* variables in headers/footers/footnotes (rendered as separate parts: no loop variables from the
  body, no ``{%p %}`` across parts) and in parts that are never rendered (endnotes, comments).
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import jinja2
from jinja2 import nodes
from lxml import etree

from docplan.errors import DocumentError, Location
from docplan.ooxml import NSMAP, parse_xml, qn, serialize
from docplan.package import inspect_package, read_part

SEVERITIES = ("error", "warning", "info")

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

_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_STMT_RE = re.compile(r"^\{%-?\s*(?:(p|tr|tc|r)\s+)?(\w+)?")
_W_P, _W_T, _W_R, _W_TBL, _W_TR, _W_TC = (qn(t) for t in ("w:p", "w:t", "w:r", "w:tbl", "w:tr", "w:tc"))

#: Statement keywords that need an end tag, and their end tag.
_BLOCKS = {"for": "endfor", "if": "endif", "with": "endwith", "filter": "endfilter", "call": "endcall",
           "macro": "endmacro", "autoescape": "endautoescape", "raw": "endraw"}
_FORBIDDEN_STMTS = {"import", "from", "include", "extends", "macro", "call"}
#: Attribute names the sandbox refuses or that lead out of the data (besides every ``_name``).
_FORBIDDEN_ATTRS = {"mro", "format", "format_map", "func_globals", "func_code", "gi_frame", "gi_code",
                    "cr_frame", "cr_code", "ag_frame", "ag_code", "f_globals", "f_locals", "f_builtins",
                    "tb_frame", "im_class", "im_func", "im_self"}

_LOOP = {"type": "object", "description": "Jinja's loop variable", "properties": {
    k: {"type": t} for k, t in (("index", "integer"), ("index0", "integer"), ("revindex", "integer"),
                                ("revindex0", "integer"), ("first", "boolean"), ("last", "boolean"),
                                ("length", "integer"), ("depth", "integer"), ("depth0", "integer"),
                                ("cycle", "object"), ("changed", "object"), ("previtem", "object"),
                                ("nextitem", "object"))}}
_ANY: dict = {}

#: Norwegian words maintainers write for English field names (bokmål and nynorsk), for suggestions.
NORWEGIAN_FIELDS = {
    "tiltak": "measures", "tiltaka": "measures", "mal": "goals", "mål": "goals", "maal": "goals",
    "hovedmal": "goals", "delmal": "sub_goals", "delmål": "sub_goals", "kommuner": "municipalities",
    "kommunar": "municipalities", "kommune": "municipality", "ansvarlig": "responsible",
    "ansvarleg": "responsible", "frist": "deadline", "kostnad": "cost_nok", "kostnader": "cost_nok",
    "finansiering": "funding", "samarbeidspartnere": "partners", "samarbeidspartnarar": "partners",
    "partnere": "partners", "aar": "years", "år": "years", "malgruppe": "target_group",
    "målgruppe": "target_group", "tittel": "title", "titel": "title", "tekst": "text", "indikator": "indicator",
    "kilde": "source", "kjelde": "source", "visjon": "vision", "vedtak": "adoption", "kommuneplan": "master_plans",
    "planperiode": "period", "periode": "period", "navn": "name", "namn": "name", "nummer": "number",
    "kommunenummer": "number", "belop": "amount_nok", "beløp": "amount_nok", "sum": "totals", "summer": "totals",
    "status": "status", "sprak": "lang", "språk": "lang", "malform": "lang", "målform": "lang",
    "lovgrunnlag": "legal_basis", "undertittel": "subtitle", "vertskommune": "host_municipality",
    "saksnummer": "case_no", "dato": "date", "utgangsverdi": "baseline", "malverdi": "target",
    "målverdi": "target", "omfang": "scope",
}


def suggest(name: str, options: list[str]) -> str | None:
    """Return the option a misspelt (or Norwegian) name most likely meant: ``ansvalig`` → ``responsible``."""
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    if close:
        return close[0]
    for word in difflib.get_close_matches(name.lower(), list(NORWEGIAN_FIELDS), n=3, cutoff=0.75):
        if NORWEGIAN_FIELDS[word] in options:
            return NORWEGIAN_FIELDS[word]
    return None


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One problem in a template: a code, a severity, a Norwegian message and where it is."""

    code: str
    severity: str
    message: str
    location: Location
    suggestion: str | None = None
    fixable: bool = False

    def format(self) -> str:
        label = {"error": "FEIL", "warning": "ADVARSEL", "info": "INFO"}[self.severity]
        where = self.location.format()
        text = f"{label} [{self.code}] {where}: {self.message}" if where else f"{label} [{self.code}] {self.message}"
        if self.suggestion:
            text += f" Mente du «{self.suggestion}»?"
        return text

    def to_dict(self) -> dict:
        out = {"code": self.code, "severity": self.severity, "message": self.message,
               "location": self.location.to_dict(), "fixable": self.fixable}
        if self.suggestion:
            out["suggestion"] = self.suggestion
        return out


@dataclass
class LintReport:
    """Everything `lint_template` found in one template."""

    template: str
    identity: tuple[str, str, str] | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self, severity: str | None = None) -> set[str]:
        return {f.code for f in self.findings if severity is None or f.severity == severity}

    def to_dict(self) -> dict:
        return {"template": self.template,
                "identity": dict(zip(("id", "version", "language"), self.identity)) if self.identity else None,
                "ok": self.ok, "errors": len(self.errors), "warnings": len(self.warnings),
                "findings": [f.to_dict() for f in self.findings]}


# -- the template's paragraphs ---------------------------------------------------------------------


@dataclass
class Para:
    """A paragraph of a part: its 1-based index, visible text and table position (table, row, cell)."""

    part: str
    kind: str
    index: int
    text: str
    element: etree._Element
    table: tuple[int, int, int] | None = None

    def where(self) -> str:
        if not self.table:
            return ""
        return f" (tabell {self.table[0]}, rad {self.table[1]}, celle {self.table[2]})"


def _nearest(el: etree._Element, tag: str) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def text_segments(p: etree._Element) -> list[etree._Element]:
    """Return the ``w:t`` elements that belong to paragraph ``p`` itself (not to nested text boxes)."""
    return [t for t in p.iter(_W_T) if _nearest(t, _W_P) is p]


def paragraphs(root: etree._Element, part: str, kind: str) -> list[Para]:
    """Return every paragraph of a part in document order, with table positions."""
    tables = {tbl: i for i, tbl in enumerate(root.iter(_W_TBL), start=1)}
    out = []
    for i, p in enumerate(root.iter(_W_P), start=1):
        text = "".join(t.text or "" for t in text_segments(p))
        pos = None
        tc = _nearest(p, _W_TC)
        if tc is not None:
            tr = _nearest(tc, _W_TR)
            tbl = _nearest(tr, _W_TBL) if tr is not None else None
            if tbl is not None:
                rows = [r for r in tbl.iter(_W_TR) if _nearest(r, _W_TBL) is tbl]
                cells = [c for c in tr.iter(_W_TC) if _nearest(c, _W_TR) is tr]
                pos = (tables[tbl], rows.index(tr) + 1, cells.index(tc) + 1)
        out.append(Para(part, kind, i, text, p, pos))
    return out


@dataclass
class TemplateParts:
    """The parsed XML parts of a template package that may hold template code."""

    name: str
    data: bytes
    parts: dict[str, tuple[str, etree._Element]]  # part name → (kind, root)
    styles: etree._Element | None
    identity: tuple[str, str, str] | None


def read_parts(source, *, name: str | None = None) -> TemplateParts:
    """Check a template package and parse its rendered and unrendered text parts."""
    from docplan.ooxml.props import CUSTOM_PART, template_identity

    info = inspect_package(source, name=name)
    label = Path(info.name).name
    with zipfile.ZipFile(io.BytesIO(info.data)) as zf:
        types = parse_xml(read_part(zf, "[Content_Types].xml", label))
        overrides = {el.get("PartName", "").lstrip("/"): el.get("ContentType", "")
                     for el in types.iter(f"{{{NSMAP['ct']}}}Override")}
        if info.main_part:
            overrides.setdefault(info.main_part, _CT + "document.main+xml")
        parts: dict[str, tuple[str, etree._Element]] = {}
        for part, ctype in sorted(overrides.items(), key=lambda kv: (kv[0] != info.main_part, kv[0])):
            kind = RENDERED_PARTS.get(ctype) or UNRENDERED_PARTS.get(ctype)
            if kind is None or part not in info.entries:
                continue
            try:
                parts[part] = (kind, parse_xml(read_part(zf, part, label)))
            except etree.XMLSyntaxError as exc:
                raise DocumentError("malen er skadet: ugyldig XML", Location(file=label, part=part),
                                    code="invalid_xml") from exc
        styles = None
        if "word/styles.xml" in info.entries:
            try:
                styles = parse_xml(read_part(zf, "word/styles.xml", label))
            except etree.XMLSyntaxError as exc:
                raise DocumentError("malen er skadet: ugyldig XML", Location(file=label, part="word/styles.xml"),
                                    code="invalid_xml") from exc
        try:
            identity = template_identity(zf)
        except etree.XMLSyntaxError as exc:
            raise DocumentError("malen er skadet: ugyldig XML", Location(file=label, part=CUSTOM_PART),
                                code="invalid_xml") from exc
        except Exception as exc:  # a damaged entry (bad checksum, broken stream)
            raise DocumentError("malen er skadet: en del kan ikke pakkes ut", Location(file=label, part=CUSTOM_PART),
                                code="bad_zip") from exc
    return TemplateParts(label, info.data, parts, styles, identity)


# -- Jinja helpers -------------------------------------------------------------------------------


def _clean(tag: str) -> str:
    """Return a tag as docxtpl hands it to Jinja: no p/tr/tc/r prefix, straight quotes."""
    tag = re.sub(r"^(\{[{%#])(p|tr|tc|r)\s", r"\1 ", tag)
    for a, b in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("«", '"'), ("»", '"')):
        tag = tag.replace(a, b)
    return tag


def _statement(tag: str) -> tuple[str | None, str | None]:
    """Return (structural prefix, keyword) of a ``{% … %}`` tag, e.g. ``("p", "for")``."""
    m = _STMT_RE.match(tag)
    return (m.group(1), m.group(2)) if m else (None, None)


def syntax_reason(exc: jinja2.TemplateSyntaxError) -> str:
    """Return a Norwegian reason for a Jinja syntax error (shared wording with the renderer)."""
    from docplan.render import _syntax_reason

    return _syntax_reason(exc)


def _tag_syntax_error(env: jinja2.Environment, tag: str) -> str | None:
    """Return why one tag on its own does not parse, or None (block openers are closed for the test)."""
    clean = _clean(tag)
    if clean.startswith("{#"):
        return None
    if clean.startswith("{%"):
        kw = _statement(clean)[1]
        if kw in _BLOCKS:
            clean += "{% " + _BLOCKS[kw] + " %}"
        elif kw in ("elif", "else"):
            clean = "{% if true %}" + clean + "{% endif %}"
        elif kw and (kw.startswith("end") or kw in ("break", "continue")):
            return None
        elif kw == "set" and "=" not in clean:
            clean += "{% endset %}"
    try:
        env.parse(clean)
    except jinja2.TemplateSyntaxError as exc:
        return syntax_reason(exc)
    return None


# -- the linter ----------------------------------------------------------------------------------


class _Linter:
    def __init__(self, tp: TemplateParts, required_chapters: list[str] | None):
        from docplan.render import make_environment
        from docplan.template_tools import context_schema

        self.tp = tp
        self.env = make_environment()
        self.schema = context_schema()
        self.defs = self.schema["$defs"]
        self.required = required_chapters
        self.findings: list[Finding] = []
        self.fields: list[dict] = []

    def add(self, code: str, severity: str, message: str, para: Para | None = None, *, part: str | None = None,
            suggestion: str | None = None, fixable: bool = False) -> None:
        if para is not None:
            loc = Location(file=self.tp.name, part=para.part, paragraph=para.index)
            message += para.where()
        else:
            loc = Location(file=self.tp.name, part=part)
        f = Finding(code, severity, message, loc, suggestion, fixable)
        if f not in self.findings:
            self.findings.append(f)

    # -- per paragraph --------------------------------------------------------------------------
    def paragraph_checks(self, paras: list[Para], kind: str) -> None:
        rendered = kind in RENDERED_PARTS.values()
        for para in paras:
            text = para.text
            if not any(d in text for d in ("{{", "{%", "{#", "}}", "%}", "#}")):
                continue
            if not rendered:
                self.add("not_rendered_part", "error",
                         f"malkode i {kind_name(kind)} blir ikke fylt ut, men skrevet ut som den står", para)
                continue
            for open_, close in (("{{", "}}"), ("{%", "%}"), ("{#", "#}")):
                if text.count(open_) != text.count(close):
                    self.add("broken_tag", "error",
                             f"ødelagt malkode: «{open_}» og «{close}» står ikke parvis i avsnittet "
                             f"«{_short(text)}»", para)
            segs = text_segments(para.element)
            bounds, pos = [], 0
            for s in segs:
                bounds.append((pos, pos + len(s.text or "")))
                pos += len(s.text or "")
            structural: dict[str, int] = {}
            depth = 0
            tags = list(_TAG_RE.finditer(text))
            for m in tags:
                tag = m.group(0)
                touched = [i for i, (a, b) in enumerate(bounds) if a < m.end() and b > m.start()]
                if len(touched) > 1:
                    self.add("split_tag", "warning",
                             f"Word har delt malkoden «{_short(tag)}» i {len(touched)} tekstbiter med ulik "
                             "formatering; kjør «docplan template lint --fix»", para, fixable=True)
                prefix, kw = _statement(tag) if tag.startswith("{%") else (None, None)
                if kw in _FORBIDDEN_STMTS:
                    self.add("forbidden", "error",
                             f"«{_short(tag)}» er ikke tillatt i maler (sikkerhet: maler kan ikke hente "
                             "inn andre filer eller moduler)", para)
                elif reason := _tag_syntax_error(self.env, tag):
                    self.add("syntax", "error", f"syntaksfeil i «{_short(tag)}»: {reason}", para)
                if tag.startswith("{%"):
                    if prefix in ("p", "tr", "tc"):
                        structural[prefix] = structural.get(prefix, 0) + 1
                    elif prefix is None and kw in ("for", "if"):
                        depth += 1
                    elif prefix is None and kw in ("endfor", "endif"):
                        depth -= 1
            for prefix, n in structural.items():
                if n > 1:
                    self.add("structural_twice", "error",
                             f"{{%{prefix} %}} står {n} ganger i samme avsnitt; hver {{%{prefix} %}} må stå i "
                             "sitt eget avsnitt", para)
            if structural:
                rest = _TAG_RE.sub("", text).strip()
                if rest:
                    self.add("structural_extra_text", "warning",
                             f"teksten «{_short(rest)}» står i samme avsnitt som en {{%p %}}/{{%tr %}}-kode "
                             "og forsvinner når malen fylles ut", para)
            if depth != 0:
                if para.table:
                    self.add("table_block_without_tr", "error",
                             "en {% for %}/{% if %} i en tabell blir ikke avsluttet i samme celle; bruk "
                             "{%tr for … %} og {%tr endfor %} i egne rader for å gjenta rader", para)
                else:
                    self.add("block_without_p", "warning",
                             "en {% for %}/{% if %} fortsetter i et annet avsnitt; bruk {%p … %} i egne "
                             "avsnitt når hele avsnitt skal gjentas eller skjules", para)
            if kind in ("header", "footer", "footnotes"):
                if structural or depth or any(t.group(0).startswith("{%") for t in tags):
                    self.add("structure_in_header", "warning",
                             f"{kind_name(kind)} fylles ut for seg: løkker og {{%p %}} kan ikke gå over i "
                             "brødteksten, og løkkevariabler fra brødteksten finnes ikke her", para)
                else:
                    self.add("variables_in_header", "info",
                             f"{kind_name(kind)} inneholder malfelt; de fylles ut for seg (bare felt fra "
                             "toppnivået, f.eks. plan.title, er tilgjengelige)", para)

    # -- per part: Jinja AST against the schema ---------------------------------------------------
    def part_checks(self, part: str, kind: str, root: etree._Element, paras: list[Para]) -> None:
        if kind not in RENDERED_PARTS.values():
            return
        if not any(d in p.text for p in paras for d in ("{{", "{%")):
            return
        source, line_para = _jinja_source(root)
        try:
            ast = self.env.parse(source)
        except jinja2.TemplateSyntaxError:
            # Leave out the paragraphs already reported one by one, so the rest can still be checked.
            bad = {f.location.paragraph for f in self.findings if f.location.part == part
                   and f.code in ("syntax", "broken_tag", "forbidden", "structural_twice")}
            try:
                if not bad:
                    raise
                copy = parse_xml(etree.tostring(root))
                for i, p in enumerate(copy.iter(_W_P), start=1):
                    if i in bad:
                        for t in text_segments(p):
                            t.text = ""
                source, line_para = _jinja_source(copy)
                ast = self.env.parse(source)
            except jinja2.TemplateSyntaxError as last:
                para = self._para_at(paras, line_para, last.lineno, None)
                self.add("syntax", "error", f"malen har en syntaksfeil: {syntax_reason(last)}", para, part=part)
                return
        top = {k: v for k, v in self.schema["properties"].items()}
        walker = _Walker(self, part, kind, paras, line_para)
        walker.visit_list(ast.body, {k: (v, k) for k, v in top.items()})

    def _para_at(self, paras: list[Para], line_para: list[int], lineno: int | None, needle: str | None) -> Para | None:
        approx = line_para[lineno] if lineno and lineno < len(line_para) else 0
        if needle:
            for p in paras[max(approx - 1, 0):] + paras[:max(approx - 1, 0)]:
                if needle in _clean(p.text).replace(" ", ""):
                    return p
        return paras[approx - 1] if 0 < approx <= len(paras) else None

    def core_checks(self) -> None:
        """Check template code in the core properties (title, subject …), which the renderer fills in too."""
        from docplan.ooxml.props import read_core_properties

        part = "docProps/core.xml"
        top = {k: (v, k) for k, v in self.schema["properties"].items()}
        for name, text in read_core_properties(self.tp.data).items():
            if not any(d in text for d in ("{{", "{%", "{#")):
                continue
            try:
                ast = self.env.parse(_clean(text))
            except jinja2.TemplateSyntaxError as exc:
                self.add("syntax", "error", f"syntaksfeil i dokumentegenskapen «{name}»: {syntax_reason(exc)}",
                         part=part)
                continue
            _Walker(self, part, "core", [], [0] * (text.count("\n") + 2)).visit_list(ast.body, dict(top))

    # -- document-wide checks ------------------------------------------------------------------------
    def style_checks(self, body_paras: list[Para]) -> None:
        styles = self.tp.styles
        names: dict[str, tuple[str, str]] = {}  # styleId → (type, name)
        doc_lang = None
        if styles is not None:
            for st in styles.iter(qn("w:style")):
                name_el = st.find(qn("w:name"))
                names[st.get(qn("w:styleId"), "")] = (st.get(qn("w:type"), ""),
                                                     (name_el.get(qn("w:val")) if name_el is not None else "") or "")
            lang = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
            if lang is not None:
                doc_lang = lang.get(qn("w:val"))
        lower = {n.lower() for _, n in names.values()}
        for level in (1, 2, 3):
            if f"heading {level}" not in lower:
                self.add("missing_style", "error",
                         f"stilen «Overskrift {level}» (Heading {level}) mangler; kapitlene må bruke "
                         "overskriftsstilene så innholdsfortegnelse og kontroller finner dem", part="word/styles.xml")
        table_styles = {sid for sid, (t, n) in names.items() if t == "table" and n.lower() != "normal table"}
        body = self.tp.parts[next(iter(self.tp.parts))][1] if self.tp.parts else None
        if body is not None:
            for i, tbl in enumerate(body.iter(_W_TBL), start=1):
                style = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
                sid = style.get(qn("w:val")) if style is not None else None
                if sid is None or sid not in table_styles:
                    what = f"stilen «{sid}», som ikke finnes" if sid else "ingen tabellstil"
                    self.add("table_style", "warning",
                             f"tabell {i} har {what}; bruk en tabellstil (f.eks. «Tabellrutenett») så tabellene "
                             "ser like ut", part=next(iter(self.tp.parts)))
        if not doc_lang:
            self.add("language_not_set", "error",
                     "språket er ikke satt for dokumentet (Se gjennom → Språk → Angi korrekturspråk: norsk "
                     "bokmål eller nynorsk, og «Angi som standard»)", part="word/styles.xml")
        elif doc_lang.lower() not in ("nb-no", "nn-no", "no-no", "nb", "nn", "no"):
            self.add("language_not_set", "warning",
                     f"dokumentspråket er «{doc_lang}», ikke norsk (nb-NO eller nn-NO)", part="word/styles.xml")
        elif self.tp.identity and self.tp.identity[2] and not doc_lang.lower().startswith(self.tp.identity[2]):
            self.add("language_mismatch", "warning",
                     f"malen er merket som «{self.tp.identity[2]}», men dokumentspråket er «{doc_lang}»",
                     part="word/styles.xml")
        if self.required:
            heads = [_chapter_key(p.text) for p in body_paras if _is_heading(p, names)]
            for chapter in self.required:
                key = _chapter_key(chapter)
                if not any(key == h or key in h for h in heads):
                    self.add("missing_chapter", "error",
                             f"kapittelet «{chapter}» mangler (det må finnes som overskrift)",
                             part=next(iter(self.tp.parts), None))
        if self.tp.identity is None:
            self.add("no_identity", "warning",
                     "malen har ingen docplan.template_id/docplan.template_version i dokumentegenskapene; "
                     "«docplan template publish» setter dem", part="docProps/custom.xml")


def _jinja_source(root: etree._Element) -> tuple[str, list[int]]:
    """Return a part's Jinja source as the renderer builds it, and line → paragraph (1-based) numbers.

    Each paragraph gets a marker attribute before docxtpl's ``patch_xml`` and a newline before it
    afterwards (as `docplan.render` does), so a Jinja line number leads back to the paragraph.
    """
    from docxtpl import DocxTemplate

    xml = etree.tostring(root, encoding="unicode")
    counter = iter(range(1, 10_000_000))
    marked = re.sub(r"<w:p([ >/])", lambda m: f'<w:p docplan-p="{next(counter)}"{m.group(1)}', xml)
    source = DocxTemplate.patch_xml(None, marked)  # patch_xml uses no instance state
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
    line_para, current = [0], 0
    for line in source.split("\n"):
        m = re.search(r'docplan-p="(\d+)"', line)
        if m:
            current = int(m.group(1))
        line_para.append(current)
    return source, line_para


def kind_name(kind: str) -> str:
    return {"header": "topptekst", "footer": "bunntekst", "footnotes": "fotnoter", "endnotes": "sluttnoter",
            "comments": "merknader", "document": "brødteksten"}.get(kind, kind)


def _short(text: str, n: int = 60) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def _chapter_key(text: str) -> str:
    text = re.sub(r"^\s*[\d.]+\s*", "", text or "")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _is_heading(para: Para, names: dict[str, tuple[str, str]]) -> bool:
    ppr = para.element.find(qn("w:pPr"))
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    if style is None:
        return False
    name = names.get(style.get(qn("w:val"), ""), ("", style.get(qn("w:val"), "")))[1].lower()
    return name.startswith("heading") or name.startswith("overskrift") or name == "title"


# -- the AST walk: variables and attribute paths against the schema ---------------------------------

_Scope = dict  # name → (schema, canonical path)


class _Walker:
    """Walks a part's Jinja AST with the names in scope, checking names and attribute paths."""

    def __init__(self, linter: _Linter, part: str, kind: str, paras: list[Para], line_para: list[int]):
        self.l = linter
        self.part = part
        self.kind = kind
        self.paras = paras
        self.line_para = line_para

    # schema navigation
    def deref(self, s: dict) -> dict:
        seen = 0
        while isinstance(s, dict) and "$ref" in s and seen < 20:
            s = self.l.defs.get(s["$ref"].rsplit("/", 1)[-1], _ANY)
            seen += 1
        if isinstance(s, dict) and "anyOf" in s:
            options = [self.deref(o) for o in s["anyOf"] if o.get("type") != "null"]
            if len(options) == 1:
                return options[0]
            return _ANY
        return s

    def attr(self, base: dict, name: str) -> dict | None:
        """Return the schema of ``base.name``, ANY for untyped values, None when it does not exist."""
        s = self.deref(base)
        if not s:
            return _ANY
        props = s.get("properties")
        if props is not None:
            return props.get(name)
        t = s.get("type")
        py = {"string": str, "integer": int, "number": float, "boolean": bool, "array": list}.get(t)
        if t == "string" and s.get("format") in ("date", "date-time"):
            import datetime as dt

            py = dt.date if s.get("format") == "date" else dt.datetime
        if py is not None:
            return _ANY if hasattr(py, name) else None
        return _ANY

    def options(self, base: dict) -> list[str]:
        return list((self.deref(base).get("properties") or {}).keys())

    def report(self, node: nodes.Node, code: str, message: str, needle: str | None, suggestion: str | None = None,
               severity: str = "error") -> None:
        para = self.l._para_at(self.paras, self.line_para, getattr(node, "lineno", None), needle)
        self.l.add(code, severity, message, para, part=self.part, suggestion=suggestion)

    # resolving expressions
    def resolve(self, node: nodes.Node, scope: _Scope, record: bool = True) -> tuple[dict, str | None, str | None]:
        """Return (schema, canonical path, written expression) of a Name/Getattr chain."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                schema, path = scope[node.name]
                return schema, path, node.name
            if node.name in self.l.env.globals:
                return _ANY, None, node.name
            candidates = [n for n in scope if n != "data"] + list(self.l.env.globals)
            self.report(node, "unknown_variable", f"variabelen «{node.name}» finnes ikke i malens data",
                        node.name, suggest(node.name, candidates))
            return _ANY, None, node.name
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            name = node.attr if isinstance(node, nodes.Getattr) else (
                node.arg.value if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) else None)
            if isinstance(node, nodes.Getitem) and name is None:
                self.visit(node.arg, scope)
                base, path, expr = self.resolve_any(node.node, scope)
                s = self.deref(base)
                return (s.get("items", _ANY) if s.get("type") == "array" else _ANY), \
                    (path + "[]" if path else None), (expr + "[…]" if expr else None)
            base, path, expr = self.resolve_any(node.node, scope)
            written = f"{expr}.{name}" if expr else name
            needle = written if "[" not in written else name
            if name.startswith("_") or name in _FORBIDDEN_ATTRS:
                if "__" in (expr or "") or any(a in (expr or "").split(".") for a in _FORBIDDEN_ATTRS):
                    return _ANY, None, written  # the inner attribute was reported already
                self.report(node, "forbidden", f"«{written}» er ikke tillatt i maler (sikkerhet)", needle)
                return _ANY, None, written
            sub = self.attr(base, name)
            if sub is None:
                opts = self.options(base)
                self.report(node, "unknown_field",
                            f"feltet «{name}» i «{written}» finnes ikke i plandataene"
                            + (f" (mulige felt: {', '.join(opts[:12])})" if opts else ""), needle,
                            suggest(name, opts))
                return _ANY, None, written
            return sub, (f"{path}.{name}" if path else None), written
        self.visit(node, scope)
        return _ANY, None, None

    def resolve_any(self, node: nodes.Node, scope: _Scope):
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            return self.resolve(node, scope)
        self.visit(node, scope)
        return _ANY, None, None

    def record(self, node: nodes.Node, path: str | None, expr: str | None) -> None:
        if expr is None:
            return
        para = self.l._para_at(self.paras, self.line_para, getattr(node, "lineno", None), expr)
        self.l.fields.append({"path": path, "expression": expr, "part": self.part,
                              "paragraph": para.index if para else None,
                              "table": list(para.table) if para and para.table else None})

    # visiting
    def visit_list(self, body: list[nodes.Node], scope: _Scope) -> None:
        for n in body:
            self.visit(n, scope)

    def visit(self, node: Any, scope: _Scope) -> None:
        if isinstance(node, list):
            return self.visit_list(node, scope)
        if not isinstance(node, nodes.Node):
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Name) and node.ctx != "load":
                scope[node.name] = (_ANY, None)
                return
            _, path, expr = self.resolve(node, scope)
            self.record(node, path, expr)
            return
        if isinstance(node, (nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends)):
            self.report(node, "forbidden", "maler kan ikke hente inn andre filer eller moduler (sikkerhet)",
                        None)
            return
        if isinstance(node, nodes.Filter) or isinstance(node, nodes.Test):
            table = self.l.env.filters if isinstance(node, nodes.Filter) else self.l.env.tests
            if node.name not in table:
                close = difflib.get_close_matches(node.name, list(table), n=1)
                what = "filteret" if isinstance(node, nodes.Filter) else "testen"
                self.report(node, "unknown_filter", f"{what} «{node.name}» finnes ikke", node.name,
                            close[0] if close else None)
        if isinstance(node, nodes.For):
            schema, path, expr = self.resolve_any(node.iter, scope)
            self.record(node.iter, path, expr)
            inner = dict(scope)
            item = self.deref(schema)
            item_schema = item.get("items", _ANY) if item.get("type") == "array" else _ANY
            if isinstance(node.target, nodes.Name):
                inner[node.target.name] = (item_schema, path + "[]" if path else None)
            else:
                for n in node.target.find_all(nodes.Name):
                    inner[n.name] = (_ANY, None)
            inner["loop"] = (_LOOP, "loop")
            if node.test is not None:
                self.visit(node.test, inner)
            self.visit_list(node.body, inner)
            self.visit_list(node.else_, scope)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            for n in node.target.find_all(nodes.Name) if not isinstance(node.target, nodes.Name) else [node.target]:
                scope[n.name] = (_ANY, None)
            return
        if isinstance(node, (nodes.AssignBlock,)):
            self.visit_list(node.body, scope)
            scope[getattr(node.target, "name", "_")] = (_ANY, None)
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for t, v in zip(node.targets, node.values):
                self.visit(v, scope)
                for n in ([t] if isinstance(t, nodes.Name) else t.find_all(nodes.Name)):
                    inner[n.name] = (_ANY, None)
            self.visit_list(node.body, inner)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            self.report(node, "forbidden", "makroer er ikke tillatt i docplan-maler", None)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)


# -- entry point ------------------------------------------------------------------------------------


def _required_from_registry(identity: tuple[str, str, str] | None, registry=None) -> list[str] | None:
    if not identity:
        return None
    from docplan.errors import ConfigError
    from docplan.registry import find, load_registry

    try:
        entry = find(identity[0], identity[1], identity[2] or None, registry)
        if entry is None:
            same = [e for e in load_registry(registry) if e.id == identity[0] and e.language == identity[2]]
            entry = max(same, key=lambda e: e.version_key) if same else None
    except ConfigError:
        return None
    return list(entry.required_chapters) if entry else None


def lint_template(source, *, name: str | None = None, required_chapters: list[str] | None = None,
                  registry: Path | None = None) -> LintReport:
    """Lint a template; refuses (raises `DocumentError`) what `inspect_package` refuses.

    ``required_chapters`` defaults to the registry entry of the template's id and language.
    """
    tp = read_parts(source, name=name)
    return _lint_parts(tp, required_chapters, registry)[0]


def _lint_parts(tp: TemplateParts, required_chapters, registry) -> tuple[LintReport, list[dict]]:
    required = required_chapters if required_chapters is not None else _required_from_registry(tp.identity, registry)
    linter = _Linter(tp, required)
    body_paras: list[Para] = []
    for part, (kind, root) in tp.parts.items():
        paras = paragraphs(root, part, kind)
        if kind == "document":
            body_paras = paras
        linter.paragraph_checks(paras, kind)
        linter.part_checks(part, kind, root, paras)
    linter.core_checks()
    linter.style_checks(body_paras)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings = sorted(linter.findings, key=lambda f: (order[f.severity], f.location.part or "",
                                                      f.location.paragraph or 0))
    return LintReport(tp.name, tp.identity, findings), linter.fields


# -- --fix: join tags Word split across runs ------------------------------------------------------------

_SAFE_BETWEEN = {qn("w:proofErr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:permStart"),
                 qn("w:permEnd")}
_SAFE_IN_RUN = {qn("w:rPr"), _W_T, qn("w:lastRenderedPageBreak")}


def _joinable(segs: list[etree._Element]) -> bool:
    """True when the runs holding ``segs`` are siblings with only text (and proofing marks) between them."""
    runs = [s.getparent() for s in segs]
    if any(r is None or r.tag != _W_R for r in runs):
        return False
    parent = runs[0].getparent()
    if any(r.getparent() is not parent for r in runs):
        return False
    siblings = list(parent)
    start, end = siblings.index(runs[0]), siblings.index(runs[-1])
    for el in siblings[start:end + 1]:
        if el.tag == _W_R:
            if any(child.tag not in _SAFE_IN_RUN for child in el):
                return False
        elif el.tag not in _SAFE_BETWEEN and not isinstance(el, etree._Comment):
            return False
    return True


def fix_paragraph(p: etree._Element) -> tuple[int, int]:
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
        for m in _TAG_RE.finditer(text):
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
        s_first.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        for i in touched[1:-1]:
            segs[i].text = ""
        s_last.text = tail
        s_last.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        for i in touched[1:]:
            run = segs[i].getparent()
            if not "".join(t.text or "" for t in run.iter(_W_T)) and run.getparent() is not None:
                run.getparent().remove(run)
        fixed += 1


def fix_split_tags(source, *, name: str | None = None) -> tuple[bytes, int, int]:
    """Return (fixed package bytes, tags joined, tags that could not be joined safely).

    Only the text of runs that hold part of a split tag changes; the tag takes the formatting of
    its first run. Every other part is copied byte for byte.
    """
    from docplan.ooxml.zipcopy import new_entry, read_raw_entries, write_entries

    tp = read_parts(source, name=name)
    changed: dict[str, bytes] = {}
    fixed = skipped = 0
    for part, (kind, root) in tp.parts.items():
        if kind not in RENDERED_PARTS.values():
            continue
        part_fixed = 0
        for p in list(root.iter(_W_P)):
            f, s = fix_paragraph(p)
            part_fixed += f
            skipped += s
        if part_fixed:
            fixed += part_fixed
            changed[part] = serialize(root)
    entries = read_raw_entries(tp.data)
    out = [new_entry(e.name, changed[e.name], e) if e.name in changed else e for e in entries]
    return write_entries(out), fixed, skipped


def iter_fields(source, *, name: str | None = None) -> Iterator[dict]:
    """Yield every field use of a template: canonical schema path, expression, part, paragraph, table."""
    tp = read_parts(source, name=name)
    _, fields = _lint_parts(tp, [], None)
    yield from fields
