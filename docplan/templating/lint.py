"""Template lint: what a KoRus maintainer must fix before publishing a docxtpl template.

`lint_template` reads a template (`docplan.templating.parts.read_parts`: not a docx, macro-enabled,
DOCTYPE … are refused with a `DocumentError`) and returns a `LintReport` of `Finding`s, each with a
Norwegian message and the part + paragraph (1-based, counted over every ``w:p`` of the part in
document order; table cells are named in the message) where the problem is:

* tags Word has split across runs (``split_tag``, fixable with `docplan.templating.fix.fix_split_tags`)
  and broken tags (``broken_tag``: ``{{`` without ``}}``);
* Jinja syntax errors (``syntax``), unknown filters (``unknown_filter``);
* variables and attribute paths that are not in the template context schema
  (`docplan.templating.schema.context_schema`, generated from the plan model): ``unknown_variable``,
  ``unknown_field`` with a difflib suggestion (``m.ansvalig`` → ``responsible``);
* constructs the sandbox forbids (``forbidden``: ``__class__``, ``{% import %}``, ``{% include %}`` …);
* loops in tables without ``{%tr %}`` (``table_block_without_tr``), blocks across paragraphs
  without ``{%p %}`` (``block_without_p``), two structural tags in one paragraph (``structural_twice``),
  text lost beside a structural tag (``structural_extra_text``);
* required chapters missing (``missing_chapter``: a heading by the one heading rule,
  `docplan.ooxml.styles.paragraph_level`), styles missing (``missing_style``, ``table_style``),
  language not set (``language_not_set``);
* variables in headers/footers/footnotes (rendered as separate parts: no loop variables from the
  body, no ``{%p %}`` across parts) and in parts that are never rendered (endnotes, comments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import jinja2

from docplan.errors import Location
from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element, deep_copy
from docplan.ooxml.styles import paragraph_level
from docplan.templating.jinja_check import (FORBIDDEN_STMTS, TAG_RE, SchemaWalker, clean_tag, jinja_source,
                                            para_at, statement, syntax_reason, tag_syntax_error)
from docplan.templating.parts import (RENDERED_PARTS, W_P, W_TBL, Para, TemplateParts, paragraphs, read_parts,
                                      text_segments)
from docplan.templating.schema import context_schema

SEVERITIES = ("error", "warning", "info")


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


# -- the linter ----------------------------------------------------------------------------------


class _Linter:
    def __init__(self, tp: TemplateParts, required_chapters: list[str] | None):
        from docplan.render import make_environment

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
            tags = list(TAG_RE.finditer(text))
            for m in tags:
                tag = m.group(0)
                touched = [i for i, (a, b) in enumerate(bounds) if a < m.end() and b > m.start()]
                if len(touched) > 1:
                    self.add("split_tag", "warning",
                             f"Word har delt malkoden «{_short(tag)}» i {len(touched)} tekstbiter med ulik "
                             "formatering; kjør «docplan template lint --fix»", para, fixable=True)
                prefix, kw = statement(tag) if tag.startswith("{%") else (None, None)
                if kw in FORBIDDEN_STMTS:
                    self.add("forbidden", "error",
                             f"«{_short(tag)}» er ikke tillatt i maler (sikkerhet: maler kan ikke hente "
                             "inn andre filer eller moduler)", para)
                elif reason := tag_syntax_error(self.env, tag):
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
                rest = TAG_RE.sub("", text).strip()
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
    def part_checks(self, part: str, kind: str, root: Element, paras: list[Para]) -> None:
        if kind not in RENDERED_PARTS.values():
            return
        if not any(d in p.text for p in paras for d in ("{{", "{%")):
            return
        source, line_para = jinja_source(root)
        try:
            ast = self.env.parse(source)
        except jinja2.TemplateSyntaxError:
            # Leave out the paragraphs already reported one by one, so the rest can still be checked.
            bad = {f.location.paragraph for f in self.findings if f.location.part == part
                   and f.code in ("syntax", "broken_tag", "forbidden", "structural_twice")}
            try:
                if not bad:
                    raise
                copy = deep_copy(root)
                for i, p in enumerate(copy.iter(W_P), start=1):
                    if i in bad:
                        for t in text_segments(p):
                            t.text = ""
                source, line_para = jinja_source(copy)
                ast = self.env.parse(source)
            except jinja2.TemplateSyntaxError as last:
                para = para_at(paras, line_para, last.lineno, None)
                self.add("syntax", "error", f"malen har en syntaksfeil: {syntax_reason(last)}", para, part=part)
                return
        self._walker(part, kind, paras, line_para).visit_list(ast.body, self._top_scope())
        self.cost_checks(part, ast, paras, line_para)

    def cost_checks(self, part: str, ast: jinja2.nodes.Template, paras: list[Para], line_para: list[int]) -> None:
        """Warn about code that can make rendering take very long or use very much memory: loops over
        ``range`` inside loops over ``range``, text or lists multiplied, and macros that call themselves.
        (Rendering a user's template is also bounded in time and memory: `docplan.templating.bounded`.)"""
        from jinja2 import nodes

        def over_range(loop: nodes.For) -> bool:
            it = loop.iter
            return isinstance(it, nodes.Call) and isinstance(it.node, nodes.Name) and it.node.name == "range"

        for loop in ast.find_all(nodes.For):
            if over_range(loop) and any(over_range(inner) for inner in loop.find_all(nodes.For) if inner is not loop):
                self.add("nested_range_loops", "warning",
                         "malen har en løkke over range(…) inne i en annen; det kan ta svært lang tid å fylle ut "
                         "(gå heller over dataene, f.eks. for m in measures)",
                         para_at(paras, line_para, loop.lineno, None), part=part)
        for mul in ast.find_all(nodes.Mul):
            if any(isinstance(side, (nodes.Const, nodes.List, nodes.Tuple)) and not isinstance(
                    getattr(side, "value", None), (int, float)) for side in (mul.left, mul.right)):
                self.add("multiplied_text", "warning",
                         "malen ganger opp en tekst eller liste (f.eks. 'a' * n); det kan bruke svært mye minne",
                         para_at(paras, line_para, mul.lineno, None), part=part)
        for macro in ast.find_all(nodes.Macro):
            if any(isinstance(call.node, nodes.Name) and call.node.name == macro.name
                   for call in macro.find_all(nodes.Call)):
                self.add("recursive_macro", "warning",
                         f"makroen «{macro.name}» kaller seg selv; uten en sikker slutt bruker den opp minnet",
                         para_at(paras, line_para, macro.lineno, None), part=part)

    def _top_scope(self) -> dict:
        return {k: (v, k) for k, v in self.schema["properties"].items()}

    def _walker(self, part: str, kind: str, paras: list[Para], line_para: list[int]) -> SchemaWalker:
        return SchemaWalker(self.env, self.defs, self.add, self.fields, part, kind, paras, line_para)

    def core_checks(self) -> None:
        """Check template code in the core properties (title, subject …), which the renderer fills in too."""
        part = "docProps/core.xml"
        for name, text in self.tp.core.items():
            if not any(d in text for d in ("{{", "{%", "{#")):
                continue
            try:
                ast = self.env.parse(clean_tag(text))
            except jinja2.TemplateSyntaxError as exc:
                self.add("syntax", "error", f"syntaksfeil i dokumentegenskapen «{name}»: {syntax_reason(exc)}",
                         part=part)
                continue
            self._walker(part, "core", [], [0] * (text.count("\n") + 2)).visit_list(ast.body, self._top_scope())

    # -- document-wide checks ------------------------------------------------------------------------
    def style_checks(self, body_paras: list[Para]) -> None:
        sheet = self.tp.styles
        doc_lang = sheet.language()
        lower = {st.name.lower() for st in sheet.styles.values()}
        for level in (1, 2, 3):
            if f"heading {level}" not in lower:
                self.add("missing_style", "error",
                         f"stilen «Overskrift {level}» (Heading {level}) mangler; kapitlene må bruke "
                         "overskriftsstilene så innholdsfortegnelse og kontroller finner dem", part="word/styles.xml")
        table_styles = {sid for sid, st in sheet.styles.items() if st.type == "table"
                        and st.name.lower() != "normal table"}
        body = self.tp.parts[next(iter(self.tp.parts))][1] if self.tp.parts else None
        if body is not None:
            for i, tbl in enumerate(body.iter(W_TBL), start=1):
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
            heads = [_chapter_key(p.text) for p in body_paras if paragraph_level(p.element, sheet) is not None]
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


def kind_name(kind: str) -> str:
    return {"header": "topptekst", "footer": "bunntekst", "footnotes": "fotnoter", "endnotes": "sluttnoter",
            "comments": "merknader", "document": "brødteksten"}.get(kind, kind)


def _short(text: str, n: int = 60) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def _chapter_key(text: str) -> str:
    text = re.sub(r"^\s*[\d.]+\s*", "", text or "")
    return re.sub(r"\s+", " ", text).strip().casefold()


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
    """Lint a template; refuses (raises `DocumentError`) what `read_parts` refuses.

    ``required_chapters`` defaults to the registry entry of the template's id and language.
    """
    tp = read_parts(source, name=name)
    return lint_parts(tp, required_chapters, registry)[0]


def lint_parts(tp: TemplateParts, required_chapters: list[str] | None = None,
               registry: Path | None = None) -> tuple[LintReport, list[dict]]:
    """Return the lint report of a template already read, and every field use found on the way."""
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


def iter_fields(source, *, name: str | None = None) -> Iterator[dict]:
    """Yield every field use of a template: canonical schema path, expression, part, paragraph, table."""
    tp = read_parts(source, name=name)
    _, fields = lint_parts(tp, [])
    yield from fields
