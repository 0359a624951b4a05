"""Rendering plan data into docxtpl templates, with the one sandboxed Jinja environment.

A `CompiledTemplate` reads and checks a template once (through `docplan.document.PlanDocument`, so
the same package checks as every other document), lets docxtpl clean its XML once, and compiles
each part (body, headers, footers, footnotes) to a Jinja template once. Rendering is then a pure
function of the context: render the compiled parts, check the result is well-formed XML, and write
a new package in which every unchanged part keeps its bytes. Outputs are deterministic (fixed zip
timestamps, stable order), so the same data gives the same bytes.

Data is data: a value's text comes out verbatim in the document — ``&``, ``<``, ``{{`` and ``{_{``
included (docxtpl's ``{_{`` escape is resolved in the template's own text when it is compiled, never
in rendered values). A newline in a value becomes a line break and a tab a tab; any other character
XML cannot hold is refused.

docxtpl's own ``render()`` recompiles every part on every call; `bench/bench_render.py` measures
the difference.
"""

from __future__ import annotations

import copy
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from docplan.document import PlanDocument
from docplan.errors import DataError, DocumentError, Location, TemplateError
from docplan.formatting import (alcohol_cell, display_value, format_amount, format_date, format_funding,
                                format_hours, format_nok, format_with_year, format_years, is_adopted, kp_label,
                                kp_short_text)
from docplan.model import Plan, SubGoal
from docplan.ooxml import customxml
from docplan.ooxml.ns import NSMAP
from docplan.ooxml.parser import serialize, split_document
from docplan.package import parse_part, write_package
from docplan.state import hashes_of
from docplan.i18n import translate

__all__ = ["CompiledTemplate", "build_context", "compile_template", "environment", "format_date",
           "format_funding", "format_nok", "format_with_year", "format_years", "kp_short_text", "make_environment",
           "render_plan", "standard_template"]

_HEADER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"

@jinja2.pass_context
def _municipality_names(ctx, numbers: Any) -> str:
    plan: Plan = ctx["data"]
    return ", ".join((m.name if (m := plan.municipality(n)) else str(n)) for n in numbers or [])


@jinja2.pass_context
def _kp_in_scope(ctx, refs: Any) -> list[str]:
    from docplan.snippets import refs_in_scope

    return refs_in_scope(ctx["data"], refs or [], ctx.get("scope"))


@jinja2.pass_context
def _kp_short(ctx, ref: Any) -> str:
    return kp_short_text(ctx["data"], str(ref), ctx.get("lang", "nb"))


@jinja2.pass_context
def _kp_label(ctx, ref: Any) -> str:
    return kp_label(ctx["data"], str(ref))


@jinja2.pass_context
def _value(ctx, value: Any) -> str:
    return display_value(value, ctx.get("lang", "nb"))


@jinja2.pass_context
def _hours(ctx, hours: Any) -> str:
    return format_hours(hours, ctx.get("lang", "nb"))


@jinja2.pass_context
def _funding(ctx, funding: Any) -> str:
    return format_funding(funding, ctx.get("lang", "nb"), ctx.get("data"))


@jinja2.pass_context
def _alcohol(ctx, policy: Any, what: str) -> str:
    return alcohol_cell(policy, str(what), ctx.get("lang", "nb"))


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAKS = re.compile("[\r\n\t]")


def _finalize(value: Any) -> Any:
    """Turn a value into document text: None renders as nothing (not «None»), a newline (LF, CR LF or CR)
    as a line break, a tab as a tab; a character XML cannot hold is an error naming the value."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        if _NOT_XML.search(value):
            bad = _NOT_XML.search(value).group(0)
            raise DataError(translate("teksten «{value}» inneholder et kontrolltegn (U+{ord:04X}) som ikke kan stå i et "
                              "Word-dokument; fjern det fra plandataene").format(value=value[:60], ord=ord(bad)),
                            code="control_character")
        if _BREAKS.search(value):
            # Word has one line break: a Windows (CR LF) or old Mac (CR) line end is one too; a CR left in
            # the text would be read back as a newline inside the text, not as a break
            text = str(escape(value.replace("\r\n", "\n").replace("\r", "\n")))
            text = text.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
            text = text.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
            return Markup(text)
    return value


#: The longest text or list a template may make by multiplying (``'a' * n``, ``[x] * n``).
MAX_PRODUCT = 10_000_000


class TemplateTooLarge(SecurityError):
    """Raised when a template multiplies a text or list past `MAX_PRODUCT` or raises a number too far."""


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with ``*`` and ``**`` checked: the sandbox bounds ``range`` but not ``'a' * 10**10``."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_PRODUCT:
                    raise TemplateTooLarge(f"{len(seq)} × {n}")
        elif operator == "**" and isinstance(right, int) and isinstance(left, int) and abs(left) > 1 and right > 64:
            raise TemplateTooLarge(f"{left} ** {right}")
        return super().call_binop(context, operator, left, right)


def make_environment() -> ImmutableSandboxedEnvironment:
    """Return a new sandboxed Jinja environment: autoescape on, undefined variables are errors."""
    env = _Sandbox(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize, keep_trailing_newline=True)
    env.filters.update(
        nok=format_nok, amount=format_amount, date=format_date, years=format_years, funding=_funding,
        with_year=format_with_year, municipality_names=_municipality_names, kp_short=_kp_short,
        kp_label=_kp_label, kp_in_scope=_kp_in_scope, value=_value, hours=_hours, alcohol=_alcohol,
    )
    return env


_ENV_LOCAL = threading.local()


def environment() -> ImmutableSandboxedEnvironment:
    """Return this thread's shared environment (Jinja environments are not meant to be mutated concurrently)."""
    env = getattr(_ENV_LOCAL, "env", None)
    if env is None:
        env = _ENV_LOCAL.env = make_environment()
    return env


# -- context -----------------------------------------------------------------------------------


def build_context(plan: Plan, *, municipality: str | None = None) -> dict[str, Any]:
    """Return the template context for a plan; with ``municipality`` only its measures are included.

    Templates see ``plan`` (the plan's own facts), ``meta``, ``municipalities``, ``goals``,
    ``measures``, ``totals``, ``economy`` (costs by year, main goal and municipality; funding by status),
    ``indicators`` (every goal, sub-goal and measure indicator), ``knowledge_base`` and ``series`` (its
    indicator series in the edition), ``organisation``, ``alcohol`` (one row per municipality in the
    edition), ``kp_table_refs`` (the kommuneplan references of the measure table, each once), ``joint``
    (more than one municipality), ``adoption_state`` («all», «some» or «none» of the councils adopted),
    ``lang`` and ``scope`` (``all``, or the edition's kommunenummer: the measure table's tag); ``data``
    is the whole `Plan` for the filters.
    """
    from docplan.economy import economy
    from docplan.snippets import table_kp_refs

    measures = plan.measures_for(municipality) if municipality else list(plan.measures)
    money = economy(plan, measures)
    totals = {
        "cost_nok": money["total_nok"],
        "funded_nok": money["funded_nok"],
        "funding_by_status": money["funding_by_status"],
        "measure_count": len(measures),
        "goal_count": len(plan.goals),
    }
    in_scope = [m for m in plan.municipalities if not municipality or m.number == municipality]
    adopted = [is_adopted(m.adoption.status) and m.adoption.date is not None for m in plan.municipalities]
    return {
        "plan": plan.info,
        "meta": plan.meta,
        "municipalities": plan.municipalities,
        "municipality": plan.municipality(municipality) if municipality else None,
        "goals": plan.goals,
        "measures": measures,
        "totals": totals,
        "economy": money,
        "indicators": indicator_rows(plan, measures),
        "knowledge_base": plan.knowledge_base,
        "series": [s for s in plan.knowledge_base.indicators
                   if not municipality or s.municipality in (None, municipality)],
        "organisation": plan.organisation,
        "alcohol": [{"municipality": m, "policy": m.alcohol_policy,
                     "licence_period_end": (m.alcohol_policy.licence_period_end if m.alcohol_policy else None)
                     or plan.info.licence_period_end} for m in in_scope],
        "kp_table_refs": table_kp_refs(plan, measures, municipality or "all"),
        "joint": len(plan.municipalities) > 1,
        "adoption_state": "all" if all(adopted) else "some" if any(adopted) else "none",
        "lang": plan.meta.language,
        "scope": municipality or "all",
        "data": plan,
    }


def indicator_rows(plan: Plan, measures) -> list[dict[str, Any]]:
    """Return one row per indicator: every main goal's and sub-goal's, then every measure's (name only)."""
    rows: list[dict[str, Any]] = []
    for g in plan.all_goals():
        ind = g.indicator
        if ind is not None:
            rows.append({"owner": g.id, "kind": "sub_goal" if isinstance(g, SubGoal) else "goal", "name": ind.name,
                         "source": ind.source, "baseline": ind.baseline, "baseline_year": ind.baseline_year,
                         "target": ind.target, "target_year": ind.target_year})
    for m in measures:
        if m.indicator:
            rows.append({"owner": m.id, "kind": "measure", "name": m.indicator, "source": None, "baseline": None,
                         "baseline_year": None, "target": None, "target_year": None})
    return rows


# -- the compiled template ---------------------------------------------------------------------


@dataclass
class _Part:
    name: str
    source: str  # docxtpl-patched XML with a newline before each paragraph (line n = paragraph n-1)
    template: jinja2.Template
    prefix: str = ""
    suffix: str = ""
    paragraphs: dict[int, int] | None = None  # source line → 1-based paragraph number in the template part


_PARA_MARK = re.compile(r' docplan-p="(\d+)"')
#: docxtpl's escapes for literal template syntax, resolved in the template's own text (never in values)
_LITERALS = (("{_{", "{{ '{{' }}"), ("}_}", "{{ '}}' }}"), ("{_%", "{{ '{%' }}"), ("%_}", "{{ '%}' }}"))


def _number_paragraphs(xml: str) -> str:
    """Mark each ``<w:p>`` with its 1-based number so errors can name the paragraph in the template."""
    counter = iter(range(1, 1 << 30))
    return re.sub(r"<w:p(?=[ >/])", lambda m: f'<w:p docplan-p="{next(counter)}"', xml)


def _strip_tags(xml: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", xml)).strip()


def _patch(xml: str) -> str:
    """Return docxtpl's cleaned template XML (its structural tags resolved), literal escapes resolved."""
    from docxtpl import DocxTemplate

    xml = DocxTemplate.patch_xml(None, xml)  # the method uses no instance state
    for escaped, literal in _LITERALS:
        xml = xml.replace(escaped, literal)
    return xml


class CompiledTemplate:
    """A template read, checked and compiled once; `render` is safe to call many times."""

    def __init__(self, path: str | os.PathLike, *, env: ImmutableSandboxedEnvironment | None = None):
        self.path = Path(path)
        self.name = self.path.name
        self.env = env or environment()
        doc = PlanDocument.open(self.path, name=self.name)
        self._state_part = _ensure_state_part(doc)
        self._entries = [(n, doc.part_bytes(n), doc.package.info(n)) for n in doc.part_names()]
        self._parts: list[_Part] = []
        main = doc.main_part
        prefix, body_xml, suffix = split_document(doc.document)
        self._parts.append(self._compile(main, _patch(_number_paragraphs(body_xml)), prefix=prefix, suffix=suffix))
        seen = {main}
        for rel in (_HEADER_RT, _FOOTER_RT, _FOOTNOTES_RT):
            for name in doc.related_parts(main, rel):
                if name in seen or not doc.has_part(name):
                    continue
                seen.add(name)
                xml = doc.part_bytes(name).decode("utf-8")
                xml = xml[xml.index("?>") + 2:].lstrip() if xml.startswith("<?xml") else xml
                self._parts.append(self._compile(name, _patch(_number_paragraphs(xml))))
        self._core_name = "docProps/core.xml" if doc.has_part("docProps/core.xml") else None
        self._core_templates: dict[str, jinja2.Template] = {}
        if self._core_name:
            for el in doc.xml(self._core_name):
                if isinstance(el.tag, str) and el.text and ("{{" in el.text or "{%" in el.text):
                    self._core_templates[el.tag] = self._compile_text(el.text, "docProps/core.xml")
        identity = doc.template_identity
        #: the template's own language (nn template → nynorsk generated phrases), whatever the data says
        self.language = identity[2] if identity and identity[2] in ("nb", "nn") else None

    # -- compilation -------------------------------------------------------------------------
    def _compile(self, name: str, xml: str, *, prefix: str = "", suffix: str = "") -> _Part:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        # Remember which original paragraph each source line holds (docxtpl drops the {%p %} ones),
        # then remove the markers so the compiled template is exactly docxtpl's.
        paragraphs = {}
        for lineno, line in enumerate(source.split("\n"), start=1):
            m = _PARA_MARK.search(line)
            if m:
                paragraphs[lineno] = int(m.group(1))
        source = _PARA_MARK.sub("", source)
        try:
            template = self.env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            raise self._error(exc, name, source, f"malen har en syntaksfeil: {_syntax_reason(exc)}",
                              paragraphs=paragraphs) from exc
        return _Part(name, source, template, prefix, suffix, paragraphs)

    def _compile_text(self, text: str, part: str) -> jinja2.Template:
        try:
            return self.env.from_string(text)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(translate("malen har en syntaksfeil i dokumentegenskapene: {syntax_reason}").format(
                                    syntax_reason=_syntax_reason(exc)),
                                Location(file=self.name, part=part), code="syntax") from exc

    def _error(self, exc: Exception, part: str, source: str, message: str, lineno: int | None = None, *,
               paragraphs: dict[int, int] | None = None, code: str = "template") -> TemplateError:
        lineno = lineno or getattr(exc, "lineno", None)
        paragraph = None
        if lineno:
            lines = source.split("\n")
            paragraph = (paragraphs or {}).get(lineno)
            if 0 < lineno <= len(lines):
                snippet = _strip_tags(lines[lineno - 1])
                if snippet:
                    message += f" (i avsnittet «{snippet[:120]}»)"
        return TemplateError(message, Location(file=self.name, part=part, paragraph=paragraph), code=code)

    # -- rendering ---------------------------------------------------------------------------
    def render(self, context: dict[str, Any]) -> bytes:
        """Return the bytes of the rendered .docx for one context."""
        if self.language:
            context = {**context, "lang": self.language}
        rendered: dict[str, bytes] = {}
        record: dict[str, str] = {}
        for i, part in enumerate(self._parts):
            rendered[part.name] = self._render_part(part, context, record if i == 0 and self._state_part else None)
        if self._state_part:
            # what docplan wrote, so a later refresh can tell a planner's edit from a data change
            scope = context.get("scope")
            rendered[self._state_part] = serialize(customxml.state_element(
                record, scope if scope and scope != "all" else None))
        if self._core_templates:
            rendered[self._core_name] = self._render_core(context)
        return write_package((n, rendered.get(n, data), info) for n, data, info in self._entries)

    def _render_part(self, part: _Part, context: dict[str, Any], record: dict[str, str] | None = None) -> bytes:
        try:
            xml = part.template.render(context)
        except jinja2.UndefinedError as exc:
            raise self._error(exc, part.name, part.source, _undefined_message(exc), _template_lineno(exc),
                              paragraphs=part.paragraphs) from exc
        except TemplateTooLarge as exc:
            raise self._error(exc, part.name, part.source,
                              "malen brukte for mye minne: den lager en for stor tekst eller liste eller et for "
                              f"stort tall ({exc})", _template_lineno(exc), paragraphs=part.paragraphs,
                              code="template_memory") from exc
        except RecursionError as exc:
            raise self._error(exc, part.name, part.source,
                              "malen brukte for mye minne: en makro kaller seg selv uten å stoppe",
                              _template_lineno(exc), paragraphs=part.paragraphs, code="template_memory") from exc
        except MemoryError as exc:
            raise self._error(exc, part.name, part.source,
                              "malen brukte for mye minne: den lager for store tekster eller lister",
                              _template_lineno(exc), paragraphs=part.paragraphs, code="template_memory") from exc
        except SecurityError as exc:
            raise self._error(exc, part.name, part.source,
                              "malen prøver å bruke noe som ikke er tillatt av sikkerhetshensyn "
                              f"({exc})", _template_lineno(exc), paragraphs=part.paragraphs) from exc
        except DataError:
            raise
        except jinja2.TemplateError as exc:
            raise self._error(exc, part.name, part.source, f"malen kunne ikke fylles ut: {exc}",
                              _template_lineno(exc), paragraphs=part.paragraphs) from exc
        except (TypeError, ValueError, AttributeError, ArithmeticError, KeyError, IndexError) as exc:
            raise self._error(exc, part.name, part.source, f"malen kunne ikke fylles ut: {exc}",
                              _template_lineno(exc), paragraphs=part.paragraphs) from exc
        xml = xml.replace("\n<w:p", "<w:p")
        full = part.prefix + xml + part.suffix
        try:
            encoded = full.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate made by the template ('%c' % 55296, |safe)
            bad = ord(exc.object[exc.start])
            raise TemplateError(translate("malen lager et tegn som ikke kan stå i et Word-dokument (U+{bad:04X})").format(
                                    bad=bad),
                                Location(file=self.name, part=part.name), code="invalid_xml") from exc
        try:
            tree = parse_part(self.name, part.name, encoded)
        except DocumentError as exc:
            raise TemplateError(translate("malen ga ugyldig XML; sjekk at {%p %}, {%tr %} og {%r %} står i egne avsnitt, "
                                  "rader og tekstbiter"), Location(file=self.name, part=part.name),
                                code="invalid_xml") from exc
        mended = _mend_cells(tree)  # before the hashes: a later refresh sees the cells as written
        if record is not None:
            record.update(hashes_of(tree))
        doc_prs = tree.findall(".//{%s}docPr" % NSMAP["wp"])
        refit = _fit_grids(tree)
        if doc_prs or refit or mended:
            for i, el in enumerate(doc_prs, start=1001):  # unique drawing ids after loops copied them
                el.set("id", str(i))
            return serialize(tree)
        return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + encoded

    def _render_core(self, context: dict[str, Any]) -> bytes:
        from docplan.ooxml.parser import parse_xml

        core = parse_xml(dict((n, d) for n, d, _ in self._entries)[self._core_name])
        for el in core:
            template = self._core_templates.get(el.tag)
            if template is not None:
                where = Location(file=self.name, part="docProps/core.xml")
                try:
                    text = template.render(context)
                except RecursionError as exc:
                    raise TemplateError(translate("malen brukte for mye minne i dokumentegenskapene: en makro kaller seg "
                                          "selv uten å stoppe"), where, code="template_memory") from exc
                except (jinja2.TemplateError, TypeError, ValueError, AttributeError, ArithmeticError, KeyError,
                        IndexError) as exc:
                    raise TemplateError(translate("malen kunne ikke fylles ut i dokumentegenskapene: {error}").format(
                                            error=exc), where) from exc
                try:
                    el.text = Markup(text).unescape()  # the XML serializer escapes; autoescape must not add a layer
                except ValueError as exc:  # lxml refuses a control character or a lone surrogate
                    raise TemplateError(translate("malen lager et tegn som ikke kan stå i et Word-dokument, i "
                                          "dokumentegenskapene"), where, code="invalid_xml") from exc
        return serialize(core)


_W = "{%s}" % NSMAP["w"]


def _span(tc) -> int:
    span = tc.find(f"{_W}tcPr/{_W}gridSpan")
    try:
        return int(span.get(f"{_W}val")) if span is not None else 1
    except (TypeError, ValueError):
        return 1


def _fit_grids(root) -> bool:
    """Give each table whose rows have more or fewer cells than its grid (a ``{%tc for %}`` repeated or
    dropped cells) a grid that fits: the first column keeps its width, the others share the rest of the
    table's width equally, and each cell's width follows. Return whether any table changed."""
    changed = False
    for tbl in root.iter(f"{_W}tbl"):
        grid = tbl.find(f"{_W}tblGrid")
        rows = tbl.findall(f"{_W}tr")
        if grid is None or not rows:
            continue
        cols = grid.findall(f"{_W}gridCol")
        count = max(sum(_span(tc) for tc in tr.findall(f"{_W}tc")) for tr in rows)
        if count == len(cols) or count == 0 or not cols:
            continue
        widths = [int(c.get(f"{_W}w") or 0) for c in cols]
        total = sum(widths)
        first = widths[0] if count > 1 else total
        rest = (total - first) // (count - 1) if count > 1 else 0
        new = [first] + [rest] * (count - 1)
        for c in cols:
            grid.remove(c)
        for w in new:
            el = grid.makeelement(f"{_W}gridCol", {f"{_W}w": str(w)})
            grid.append(el)
        for tr in rows:
            col = 0
            for tc in tr.findall(f"{_W}tc"):
                span = _span(tc)
                tcw = tc.find(f"{_W}tcPr/{_W}tcW")
                if tcw is not None:
                    tcw.set(f"{_W}w", str(sum(new[col:col + span])))
                    tcw.set(f"{_W}type", "dxa")
                col += span
        changed = True
    return changed


#: Elements that may follow a cell's last paragraph without being content of their own.
_CELL_MARKS = {f"{_W}{n}" for n in ("tcPr", "sdtPr", "sdtEndPr", "bookmarkStart", "bookmarkEnd", "proofErr",
                                     "commentRangeStart", "commentRangeEnd", "permStart", "permEnd")}


def _ends_with_paragraph(container) -> bool:
    blocks = [c for c in container if isinstance(c.tag, str) and c.tag not in _CELL_MARKS]
    if not blocks:
        return False
    if blocks[-1].tag == f"{_W}sdt":
        content = blocks[-1].find(f"{_W}sdtContent")
        return content is not None and _ends_with_paragraph(content)
    return blocks[-1].tag == f"{_W}p"


def _mend_cells(root) -> bool:
    """Close each table cell that does not end with a paragraph with an empty one; return whether any did.

    Word calls a document corrupt when a cell has no paragraph (ECMA-376 Part 1, 17.4.66), which is what
    ``{%p if %}`` blocks whose conditions are all false leave behind. The new paragraph takes the style
    of the row's first styled paragraph, so the row keeps the table's text size.
    """
    changed = False
    for tc in root.iter(f"{_W}tc"):
        if _ends_with_paragraph(tc):
            continue
        p = tc.makeelement(f"{_W}p", {})
        style = next(tc.getparent().iter(f"{_W}pStyle"), None) if tc.getparent() is not None else None
        if style is not None:
            ppr = p.makeelement(f"{_W}pPr", {})
            ppr.append(copy.deepcopy(style))
            p.append(ppr)
        tc.append(p)
        changed = True
    return changed


def _ensure_state_part(doc: PlanDocument) -> str | None:
    """Give a template with docplan controls a (empty) record part; return its name (None without controls)."""
    if b"docplan:" not in doc.part_bytes(doc.main_part):
        return None
    if doc.state_part() is None:
        doc.write_state({})
    return doc.state_part()


def _template_lineno(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    lineno = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _undefined_message(exc: jinja2.UndefinedError) -> str:
    text = str(exc)
    m = re.search(r"has no attribute '([^']+)'", text) or re.search(r"'([^']+)' is undefined", text)
    if m:
        return f"malen bruker «{m.group(1)}», som ikke finnes i plandataene"
    return f"malen bruker en verdi som ikke finnes: {text}"


def _syntax_reason(exc: jinja2.TemplateSyntaxError) -> str:
    msg = exc.message or ""
    if "unexpected end of template" in msg.lower():
        return "en {% for %} eller {% if %} er ikke avsluttet (mangler {% endfor %}/{% endif %})"
    if "Encountered unknown tag" in msg:
        m = re.search(r"unknown tag '([^']+)'", msg)
        return f"ukjent kode «{m.group(1) if m else '?'}» (skrivefeil, eller en avslutning uten start?)"
    if "unexpected '}'" in msg or "unexpected char" in msg:
        return f"ugyldige tegn i en {{{{ }}}}- eller {{% %}}-kode ({msg})"
    return msg


# -- standard templates and the public entry point -----------------------------------------------


def standard_template(language: str = "nb") -> Path:
    """Return the newest standard template for a language ("nb" or "nn") from the shipped registry."""
    from docplan.registry import latest

    return latest(None, language).path


@lru_cache(maxsize=32)
def _compiled(path: str, mtime_ns: int) -> CompiledTemplate:
    return CompiledTemplate(path)


def compile_template(path: str | os.PathLike) -> CompiledTemplate:
    """Return the compiled template for a path, compiled once per process (and again if the file changes)."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError:
        raise TemplateError(translate("malen finnes ikke"), Location(file=str(p)), code="not_found") from None
    return _compiled(str(p.resolve()), mtime)


def render_plan(plan: Plan, template: str | os.PathLike | None = None, *,
                municipality: str | None = None) -> bytes:
    """Return the .docx bytes of a plan rendered into a template (default: the standard one for its language)."""
    path = Path(template) if template else standard_template(plan.meta.language)
    return compile_template(path).render(build_context(plan, municipality=municipality))
