"""Rendering plan data into docxtpl templates, with the one sandboxed Jinja environment.

A `CompiledTemplate` reads and checks a template once, lets docxtpl clean its XML once, and compiles
each part (body, headers, footers, footnotes) to a Jinja template once. Rendering is then a pure
function of the context: render the compiled parts, check the result is well-formed XML, and write
a new zip in which every unchanged part is copied as already-compressed bytes (`docplan.ooxml.zipcopy`). Outputs are
deterministic (fixed zip timestamps, stable order), so the same data gives the same bytes.

docxtpl's own ``render()`` recompiles every part on every call; `bench/bench_render.py` measures
the difference.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import re
import threading
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from lxml import etree
from markupsafe import Markup

from docplan.errors import DocumentError, Location, TemplateError
from docplan.model import Plan
from docplan.ooxml import NSMAP, parse_xml, serialize
from docplan.ooxml.props import template_identity
from docplan.state import hashes_of, state_element
from docplan.ooxml.zipcopy import RawEntry, new_entry, read_raw_entries, write_entries
from docplan.package import inspect_package

_HEADER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

# -- formatting filters ------------------------------------------------------------------------


def format_nok(value: Any) -> str:
    """Return an amount as Norwegian kroner: ``1234567`` → ``1 234 567 kr`` (non-breaking spaces)."""
    if value is None or value == "":
        return ""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"


def format_date(value: Any) -> str:
    """Return a date as ``dd.mm.åååå``; None becomes an empty string."""
    if value is None or value == "":
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d.%m.%Y")
    return str(value)


def format_years(years: Any) -> str:
    """Return a list of years compactly: ``[2024, 2025, 2026]`` → ``2024–2026``, gaps as commas."""
    ys = sorted({int(y) for y in years or []})
    if not ys:
        return ""
    runs: list[list[int]] = [[ys[0]]]
    for y in ys[1:]:
        if y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def format_funding(funding: Any) -> str:
    """Return funding lines as «source: amount (status)» joined by semicolons."""
    parts = []
    for line in funding or []:
        text = line.source
        if line.amount_nok is not None:
            text += f": {format_nok(line.amount_nok)}"
        if line.status:
            text += f" ({line.status})"
        parts.append(text)
    return "; ".join(parts)


def format_with_year(value: Any, year: Any = None) -> str:
    """Return ``14 % (2024)``, or just the value when the year is unknown."""
    if value is None or value == "":
        return ""
    return f"{value} ({year})" if year else str(value)


@jinja2.pass_context
def _municipality_names(ctx, numbers: Any) -> str:
    plan: Plan = ctx["data"]
    return ", ".join((m.name if (m := plan.municipality(n)) else str(n)) for n in numbers or [])


@jinja2.pass_context
def _kp_short(ctx, ref: Any) -> str:
    return kp_short_text(ctx["data"], str(ref), ctx.get("lang", "nb"))


def kp_short_text(plan: Plan, ref: str, lang: str = "nb") -> str:
    """Return the inline short form of a KP reference, e.g. «jf. kommuneplanens samfunnsdel (Tynset), KP-3.2»."""
    resolved = plan.resolve_kp_ref(ref)
    if resolved is None:
        return f"{ref} (finst ikkje i kommuneplanen)" if lang == "nn" else f"{ref} (finnes ikke i kommuneplanen)"
    part = resolved.master_plan.part
    if lang == "nn":
        owner = f"kommuneplanen sin {part}"
    else:
        owner = {"samfunnsdel": "kommuneplanens samfunnsdel", "handlingsdel": "kommuneplanens handlingsdel"}.get(
            part, part)
    where = f" ({resolved.municipality.name})" if len(plan.municipalities) > 1 else ""
    return f"jf. {owner}{where}, {resolved.item.id} {resolved.item.title}"


def _finalize(value: Any) -> Any:
    # None renders as nothing rather than the word "None" in a planner's document
    return "" if value is None else value


def make_environment() -> ImmutableSandboxedEnvironment:
    """Return a new sandboxed Jinja environment: autoescape on, undefined variables are errors."""
    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize,
                                        keep_trailing_newline=True)
    env.filters.update(
        nok=format_nok, date=format_date, years=format_years, funding=format_funding,
        with_year=format_with_year, municipality_names=_municipality_names, kp_short=_kp_short,
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
    ``measures``, ``totals`` and ``lang``; ``data`` is the whole `Plan` for the filters.
    """
    measures = plan.measures_for(municipality) if municipality else list(plan.measures)
    by_status: dict[str, int] = {}
    for m in measures:
        for line in m.funding:
            key = line.status or "ikke oppgitt"
            by_status[key] = by_status.get(key, 0) + (line.amount_nok or 0)
    totals = {
        "cost_nok": sum(m.cost_nok or 0 for m in measures),
        "funded_nok": sum(m.funded_nok for m in measures),
        "funding_by_status": [{"status": k, "amount_nok": v} for k, v in by_status.items()],
        "measure_count": len(measures),
        "goal_count": len(plan.goals),
    }
    return {
        "plan": plan.info,
        "meta": plan.meta,
        "municipalities": plan.municipalities,
        "municipality": plan.municipality(municipality) if municipality else None,
        "goals": plan.goals,
        "measures": measures,
        "totals": totals,
        "lang": plan.meta.language,
        "data": plan,
    }


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


def _number_paragraphs(xml: str) -> str:
    """Mark each ``<w:p>`` with its 1-based number so errors can name the paragraph in the template."""
    counter = iter(range(1, 1 << 30))
    return re.sub(r"<w:p(?=[ >/])", lambda m: f'<w:p docplan-p="{next(counter)}"', xml)


def _strip_tags(xml: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", xml)).strip()


class CompiledTemplate:
    """A template read, checked and compiled once; `render` is safe to call many times."""

    def __init__(self, path: str | os.PathLike, *, env: ImmutableSandboxedEnvironment | None = None):
        from docxtpl import DocxTemplate

        self.path = Path(path)
        self.name = self.path.name
        self.env = env or environment()
        info = inspect_package(self.path)
        data, self._state_part = _with_state_part(info.data, self.name)
        # every part is kept as stored, so unchanged parts are copied without recompressing them
        self._entries: list[RawEntry] = read_raw_entries(data)
        raw: dict[str, bytes] = {}
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for zi in zf.infolist():
                if zi.is_dir():
                    continue
                try:
                    raw[zi.filename] = zf.read(zi)
                except Exception as exc:  # damaged member (bad CRC, truncated stream)
                    raise DocumentError("malen er skadet: en del kan ikke pakkes ut",
                                        Location(file=self.name, part=zi.filename), code="bad_zip") from exc
        try:
            tpl = DocxTemplate(io.BytesIO(data))
            tpl.init_docx()
        except Exception as exc:
            raise DocumentError("malen kan ikke leses som Word-dokument", Location(file=self.name),
                                code="unreadable") from exc

        self._parts: list[_Part] = []
        main = info.main_part or "word/document.xml"
        body_xml = tpl.patch_xml(_number_paragraphs(tpl.get_xml()))
        # The document part is rendered as <w:document …> + rendered body + </w:document>.
        shell = copy.deepcopy(tpl.docx.element)
        body = shell.find(f"{{{NSMAP['w']}}}body")
        for child in list(body):
            body.remove(child)
        body.append(etree.Comment("docplan-body"))
        shell_xml = etree.tostring(shell, encoding="unicode")
        marker = shell_xml.index("<!--docplan-body-->")
        body_start = shell_xml.rfind("<w:body", 0, marker)
        body_end = shell_xml.index("</w:body>", marker) + len("</w:body>")
        self._parts.append(self._compile(main, body_xml, prefix=shell_xml[:body_start], suffix=shell_xml[body_end:]))
        for rel in tpl.docx.part.rels.values():
            if rel.is_external or rel.reltype not in (_HEADER_RT, _FOOTER_RT):
                continue
            part = rel.target_part
            name = str(part.partname).lstrip("/")
            self._parts.append(self._compile(name, tpl.patch_xml(_number_paragraphs(tpl.get_part_xml(part)))))
        for part in tpl.docx.part.package.parts:
            if part.content_type == _FOOTNOTES_CT:
                name = str(part.partname).lstrip("/")
                self._parts.append(self._compile(name, tpl.patch_xml(_number_paragraphs(part.blob.decode("utf-8")))))
        self._core_name = "docProps/core.xml" if "docProps/core.xml" in raw else None
        self._core_xml = raw.get("docProps/core.xml")
        self._core_templates: dict[str, jinja2.Template] = {}
        if self._core_xml:
            core = parse_xml(self._core_xml)
            for el in core:
                if el.text and ("{{" in el.text or "{%" in el.text):
                    self._core_templates[el.tag] = self._compile_text(el.text, "docProps/core.xml")
        identity = template_identity(data) if "docProps/custom.xml" in raw else None
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
            raise TemplateError(f"malen har en syntaksfeil i dokumentegenskapene: {_syntax_reason(exc)}",
                                Location(file=self.name, part=part), code="syntax") from exc

    def _error(self, exc: Exception, part: str, source: str, message: str, lineno: int | None = None, *,
               paragraphs: dict[int, int] | None = None) -> TemplateError:
        lineno = lineno or getattr(exc, "lineno", None)
        paragraph = None
        if lineno:
            lines = source.split("\n")
            paragraph = (paragraphs or {}).get(lineno)
            if 0 < lineno <= len(lines):
                snippet = _strip_tags(lines[lineno - 1])
                if snippet:
                    message += f" (i avsnittet «{snippet[:120]}»)"
        return TemplateError(message, Location(file=self.name, part=part, paragraph=paragraph), code="template")

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
            rendered[self._state_part] = serialize(state_element(record))
        if self._core_templates:
            rendered[self._core_name] = self._render_core(context)
        entries = [(new_entry(e.name, rendered[e.name], like=e) if e.name in rendered else e) for e in self._entries]
        return write_entries(entries)

    def _render_part(self, part: _Part, context: dict[str, Any], record: dict[str, str] | None = None) -> bytes:
        try:
            xml = part.template.render(context)
        except jinja2.UndefinedError as exc:
            raise self._error(exc, part.name, part.source, _undefined_message(exc), _template_lineno(exc),
                              paragraphs=part.paragraphs) from exc
        except SecurityError as exc:
            raise self._error(exc, part.name, part.source,
                              "malen prøver å bruke noe som ikke er tillatt av sikkerhetshensyn "
                              f"({exc})", _template_lineno(exc), paragraphs=part.paragraphs) from exc
        except jinja2.TemplateError as exc:
            raise self._error(exc, part.name, part.source, f"malen kunne ikke fylles ut: {exc}",
                              _template_lineno(exc), paragraphs=part.paragraphs) from exc
        except (TypeError, ValueError, AttributeError, ArithmeticError, KeyError, IndexError) as exc:
            raise self._error(exc, part.name, part.source, f"malen kunne ikke fylles ut: {exc}",
                              _template_lineno(exc), paragraphs=part.paragraphs) from exc
        xml = xml.replace("\n<w:p", "<w:p")
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(c in xml for c in "\t\a\n\f"):
            from docxtpl import DocxTemplate

            xml = DocxTemplate.resolve_listing(None, xml)  # the method uses no instance state
        full = part.prefix + xml + part.suffix
        try:
            tree = parse_xml(full)
        except Exception as exc:
            raise TemplateError("malen ga ugyldig XML; sjekk at {%p %}, {%tr %} og {%r %} står i egne avsnitt, "
                                "rader og tekstbiter", Location(file=self.name, part=part.name),
                                code="invalid_xml") from exc
        if record is not None:
            record.update(hashes_of(tree))
        doc_prs = tree.findall(".//{%s}docPr" % NSMAP["wp"])
        if doc_prs:
            for i, el in enumerate(doc_prs, start=1001):  # unique drawing ids after loops copied them
                el.set("id", str(i))
            return serialize(tree)
        return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + full.encode("utf-8")

    def _render_core(self, context: dict[str, Any]) -> bytes:
        core = parse_xml(self._core_xml)
        for el in core:
            template = self._core_templates.get(el.tag)
            if template is not None:
                try:
                    text = template.render(context)
                except jinja2.TemplateError as exc:
                    raise TemplateError(f"malen kunne ikke fylles ut i dokumentegenskapene: {exc}",
                                        Location(file=self.name, part="docProps/core.xml")) from exc
                el.text = Markup(text).unescape()  # the XML serializer escapes; autoescape must not add a layer
        return serialize(core)


def _with_state_part(data: bytes, name: str) -> tuple[bytes, str | None]:
    """Return the template package with a docplan state part (when it has docplan controls) and its name."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        main = zf.read("word/document.xml") if "word/document.xml" in zf.namelist() else b""
    if b"docplan:" not in main:
        return data, None
    from docplan.document import PlanDocument
    from docplan.state import find_state_part, write_state

    doc = PlanDocument.open(data, name=name)
    if find_state_part(doc) is None:
        write_state(doc, {})
        data = doc.to_bytes()
        doc = PlanDocument.open(data, name=name)
    return data, find_state_part(doc)


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
        raise TemplateError("malen finnes ikke", Location(file=str(p)), code="not_found") from None
    return _compiled(str(p.resolve()), mtime)


def render_plan(plan: Plan, template: str | os.PathLike | None = None, *,
                municipality: str | None = None) -> bytes:
    """Return the .docx bytes of a plan rendered into a template (default: the standard one for its language)."""
    path = Path(template) if template else standard_template(plan.meta.language)
    return compile_template(path).render(build_context(plan, municipality=municipality))
