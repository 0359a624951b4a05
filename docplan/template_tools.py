"""Template maintainer tools: the context schema, field lists, preview, structural diff and publishing.

* `context_schema` — the JSON Schema (draft 2020-12) of what a template may use: the pydantic plan
  model (``model_json_schema``, Python field names) plus read-only properties of the model classes
  and the context additions of `docplan.render.build_context` (``totals``, ``lang``, ``municipality`` …).
  `docplan.template_lint` checks attribute paths against it; `field_reference_markdown` turns it
  into the field reference of docs/maintainers.md.
* `template_fields` — every field a template uses, with canonical path and location.
* `preview` — render with example data (Østerdalen by default) and convert with LibreOffice; PNG
  pages via ``pdftoppm``.
* `template_structure` / `diff_templates` — chapters, fields, content-control tags and identity.
* `publish` — add a new version file plus index entry to a registry folder; never overwrite.
* `document_template_status` — which template (id, version) a document was made from, and whether
  the registry has a newer version.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from docplan.errors import ConfigError, Location, TemplateError

SCHEMA_ID = "https://docplan.invalid/schemas/template-context.json"
CUSTOM_PART = "docProps/custom.xml"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# -- the context schema --------------------------------------------------------------------------------

_PY_TYPES = {int: {"type": "integer"}, float: {"type": "number"}, str: {"type": "string"},
             bool: {"type": "boolean"}}


def _property_schema(cls: type, name: str, prop: property) -> dict:
    out: dict = {"readOnly": True}
    doc = (prop.__doc__ or "").strip().splitlines()
    if doc:
        out["description"] = doc[0]
    try:
        ret = typing.get_type_hints(prop.fget).get("return")
    except Exception:  # annotations naming types we cannot resolve: leave the type open
        ret = None
    if ret in _PY_TYPES:
        out.update(_PY_TYPES[ret])
    elif ret is range:
        out.update({"type": "array", "items": {"type": "integer"}})
    return out


@lru_cache(maxsize=1)
def _context_schema() -> dict:
    from docplan import model

    plan_schema = model.Plan.model_json_schema(by_alias=False, ref_template="#/$defs/{model}")
    defs = plan_schema.pop("$defs", {})
    defs["Plan"] = plan_schema
    for name, sub in defs.items():
        cls = getattr(model, name, None)
        if not isinstance(cls, type):
            continue
        for attr, member in vars(cls).items():
            if isinstance(member, property) and not attr.startswith("_"):
                sub.setdefault("properties", {})[attr] = _property_schema(cls, attr, member)
        if "__str__" in vars(cls):
            sub["x-docplan-str"] = True  # {{ plan.period }} prints as text, e.g. "2024–2027"
    ref = lambda n: {"$ref": f"#/$defs/{n}"}  # noqa: E731
    totals = {
        "type": "object", "title": "Totals", "description": "Sums over the measures in the document.",
        "properties": {
            "cost_nok": {"type": "integer", "description": "Sum of the measures' cost (kroner)."},
            "funded_nok": {"type": "integer", "description": "Sum of all funding lines (kroner)."},
            "funding_by_status": {"type": "array", "description": "Funding summed per status.", "items": {
                "type": "object", "properties": {"status": {"type": "string"}, "amount_nok": {"type": "integer"}},
                "required": ["status", "amount_nok"]}},
            "measure_count": {"type": "integer", "description": "Number of measures in the document."},
            "goal_count": {"type": "integer", "description": "Number of main goals."},
        },
        "required": ["cost_nok", "funded_nok", "funding_by_status", "measure_count", "goal_count"],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "docplan template context",
        "description": "What a docplan .docx template may use (docplan.render.build_context).",
        "type": "object",
        "properties": {
            "plan": {**ref("PlanInfo"), "description": "The plan's own facts (the YAML section plan:)."},
            "meta": {**ref("Meta"), "description": "Facts about the data file (language, fictional)."},
            "municipalities": {"type": "array", "items": ref("Municipality"),
                               "description": "The municipalities taking part."},
            "municipality": {"anyOf": [ref("Municipality"), {"type": "null"}],
                             "description": "The one municipality of a per-municipality edition, else none."},
            "goals": {"type": "array", "items": ref("Goal"), "description": "Main goals with sub-goals."},
            "measures": {"type": "array", "items": ref("Measure"),
                         "description": "The measures in the document (one municipality's with --kommune)."},
            "totals": totals,
            "lang": {"type": "string", "enum": ["nb", "nn"], "description": "Written standard: nb or nn."},
            "data": {**ref("Plan"), "description": "The whole plan (used by filters such as kp_short)."},
        },
        "required": ["plan", "meta", "municipalities", "municipality", "goals", "measures", "totals", "lang",
                     "data"],
        "$defs": defs,
    }


def context_schema() -> dict:
    """Return the JSON Schema of the template context (a fresh copy; generated from the model)."""
    import copy

    return copy.deepcopy(_context_schema())


def _deref(schema: dict, s: dict) -> dict:
    while "$ref" in s:
        s = schema["$defs"][s["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in s:
        options = [o for o in s["anyOf"] if o.get("type") != "null"]
        if len(options) == 1:
            return _deref(schema, options[0])
    return s


def _type_label(schema: dict, s: dict) -> str:
    nullable = "anyOf" in s and any(o.get("type") == "null" for o in s["anyOf"])
    s2 = _deref(schema, s)
    if "$ref" in s or ("anyOf" in s and "title" in s2 and s2.get("type") == "object"):
        label = s2.get("title", "objekt")
    elif s2.get("type") == "array":
        label = f"liste av {_type_label(schema, s2.get('items', {}))}"
    elif "enum" in s2:
        label = " / ".join(f"«{v}»" for v in s2["enum"])
    elif "const" in s2:
        label = f"«{s2['const']}»"
    else:
        label = {"string": "tekst", "integer": "heltall", "number": "tall", "boolean": "ja/nei",
                 "object": "objekt"}.get(s2.get("type", ""), "verdi")
        if s2.get("format") == "date":
            label = "dato"
    return label + (" (kan mangle)" if nullable else "")


#: Norwegian names of the model's objects, for the field reference in docs/maintainers.md.
OBJECT_NAMES_NB = {
    "PlanInfo": "planens egne opplysninger (tittel, periode, visjon, lovgrunnlag)",
    "Period": "planperioden; skrives ut som «2024–2027»",
    "FollowUp": "oppfølging: rullering, rapportering og evaluering",
    "OutlineEntry": "et kapittel i planens disposisjon",
    "Meta": "opplysninger om datafila (språk, fiktive data)",
    "Municipality": "en kommune i planen",
    "Adoption": "kommunestyrets vedtak av planen",
    "MasterPlan": "en del av kommuneplanen (samfunnsdel, handlingsdel)",
    "KpItem": "et punkt i kommuneplanen, f.eks. KP-3.2",
    "Goal": "et hovedmål med delmål",
    "SubGoal": "et delmål",
    "Indicator": "en indikator: kilde, utgangsverdi og målverdi",
    "Measure": "et tiltak (en rad i tiltaksplanen)",
    "Funding": "en finansieringslinje: kilde, beløp og status",
    "Totals": "summer over tiltakene i dokumentet",
}


#: Field names explained in Norwegian (bokmål), for the field reference.
FIELD_NAMES_NB = {
    "id": "id, f.eks. «HM-1» eller «T-01»", "title": "tittel", "subtitle": "undertittel", "text": "tekst",
    "plan_type": "plantype", "county": "fylke", "period": "planperiode", "start_year": "første år",
    "end_year": "siste år", "years": "årene tiltaket gjelder", "council_term": "kommunestyreperiode",
    "licence_period_end": "slutten av bevillingsperioden (alkoholloven § 1-6)", "host_municipality":
    "vertskommune (kommunenummer)", "coordination": "organisering av arbeidet", "vision": "visjon",
    "adopted": "vedtaksdato", "case_no": "saksnummer", "budget_total_nok": "budsjettramme i kroner",
    "legal_basis": "lovgrunnlag", "follow_up": "oppfølging", "annual_rollover": "årlig rullering",
    "reporting": "rapportering", "evaluation": "evaluering", "next_full_revision": "år for neste revisjon",
    "document_outline": "disposisjon", "number": "nummer (kommunenummer har fire sifre)",
    "fictional": "fiktive data?", "disclaimer": "forbehold om fiktive data", "schema_version": "dataformatets versjon",
    "language": "målform (nb/nn)", "name": "navn", "role": "rolle i samarbeidet", "adoption": "vedtak",
    "body": "vedtaksorgan, f.eks. kommunestyret", "date": "dato", "status": "status",
    "local_contact_role": "lokal kontaktperson (rolle)", "master_plans": "kommuneplaner",
    "plan_name": "kommuneplanens navn", "part": "del av kommuneplanen", "version": "versjon",
    "replaced_by": "erstattet av", "items": "punkter", "is_current": "gjeldende? (utregnet)",
    "goals": "hovedmål", "sub_goals": "delmål", "indicator": "indikator", "source": "kilde",
    "baseline": "utgangsverdi", "baseline_year": "år for utgangsverdien", "target": "målverdi",
    "target_year": "år for målverdien", "kp_refs": "henvisninger til kommuneplanen, f.eks. «3427:KP-3.2»",
    "measures": "tiltak", "scope": "felles eller lokalt tiltak", "municipalities": "kommuner (kommunenummer)",
    "goal_ids": "delmålene tiltaket hører til", "target_group": "målgruppe", "responsible": "ansvarlig",
    "partners": "samarbeidspartnere", "deadline": "frist", "cost_nok": "kostnad i kroner",
    "cost_basis": "kostnaden gjelder per år, totalt eller engangs", "funding": "finansiering",
    "amount_nok": "beløp i kroner", "budget_ref": "henvisning til budsjettet", "funded_nok":
    "sum finansiering i kroner (utregnet)", "funding_by_status": "finansiering summert per status",
    "measure_count": "antall tiltak", "goal_count": "antall hovedmål", "lang": "målform: nb eller nn",
    "municipality": "kommunen utgaven gjelder (bare med --kommune)", "plan": "planen", "meta": "om datafila",
    "totals": "summer",
}


def schema_paths(schema: dict | None = None) -> list[tuple[str, str, str]]:
    """Return (path, type, description) for every field a template can reach, e.g. ``measures[].responsible``.

    Each object type is spelt out once; later occurrences say where its fields are listed.
    """
    schema = schema or context_schema()
    words = FIELD_NAMES_NB
    out: list[tuple[str, str, str]] = []
    expanded: dict[str, str] = {}

    def describe(key: str, sub: dict) -> str:
        target = _deref(schema, sub.get("items", sub) if _deref(schema, sub).get("type") == "array" else sub)
        target = _deref(schema, target.get("items", target)) if target.get("type") == "array" else target
        title = target.get("title", "")
        if title in OBJECT_NAMES_NB and target.get("properties"):
            return OBJECT_NAMES_NB[title]
        return words.get(key, "")

    def walk(prefix: str, s: dict) -> None:
        target = _deref(schema, s)
        if target.get("type") == "array":
            walk(prefix + "[]", target.get("items", {}))
            return
        props = target.get("properties")
        if not props:
            return
        title = target.get("title", "")
        if title in expanded:
            return
        expanded[title] = prefix
        for key, sub in props.items():
            path = f"{prefix}.{key}"
            inner = _deref(schema, sub)
            inner = _deref(schema, inner.get("items", {})) if inner.get("type") == "array" else inner
            desc = describe(key, sub)
            if inner.get("properties") and inner.get("title") in expanded:
                desc += f" – feltene står under `{expanded[inner['title']]}`"
            out.append((path, _type_label(schema, sub), desc))
            walk(path, sub)

    for key, sub in schema["properties"].items():
        if key == "data":
            continue
        desc = describe(key, sub)
        inner = _deref(schema, sub)
        inner = _deref(schema, inner.get("items", {})) if inner.get("type") == "array" else inner
        if inner.get("properties") and inner.get("title") in expanded:
            desc += f" – feltene står under `{expanded[inner['title']]}`"
        out.append((key, _type_label(schema, sub), desc))
        walk(key, sub)
    return out


def field_reference_markdown() -> str:
    """Return the field reference of docs/maintainers.md, generated from `context_schema` and the filters."""
    from docplan.render import make_environment

    lines = ["| Felt | Type | Forklaring |", "|---|---|---|"]
    for path, label, desc in schema_paths():
        lines.append(f"| `{path}` | {label} | {desc.replace('|', '/')} |")
    lines += ["", "Filtre (brukes som `{{ m.cost_nok | nok }}`):", "", "| Filter | Hva det gjør |", "|---|---|"]
    env = make_environment()
    for name, text in FILTERS_NB.items():
        assert name in env.filters, name
        lines.append(f"| `{name}` | {text.replace('|', chr(92) + '|')} |")
    lines.append("")
    lines.append("I løkker finnes også `loop.index` (1, 2, …), `loop.first`, `loop.last` og `loop.length`.")
    return "\n".join(lines)


#: The docplan filters of `docplan.render.make_environment`, explained in Norwegian.
FILTERS_NB = {
    "nok": "beløp i kroner: `1234567` → «1 234 567 kr»",
    "date": "dato som «dd.mm.åååå»",
    "years": "årstall samlet: `[2024, 2025, 2026]` → «2024–2026»",
    "funding": "finansieringslinjer som «kilde: beløp (status)», skilt med semikolon",
    "with_year": "verdi med år i parentes: `goal.indicator.baseline | with_year(goal.indicator.baseline_year)`",
    "municipality_names": "kommunenavn for en liste kommunenummer",
    "kp_short": "kort henvisning til kommuneplanen for en KP-referanse, f.eks. «jf. kommuneplanens samfunnsdel …»",
}


DOCS_BEGIN = "<!-- BEGIN field-reference (generated: docplan template schema --markdown) -->"
DOCS_END = "<!-- END field-reference -->"


def update_docs(path: Path) -> bool:
    """Replace the generated field reference in a Markdown file; return True when it changed."""
    text = path.read_text("utf-8")
    start, end = text.index(DOCS_BEGIN) + len(DOCS_BEGIN), text.index(DOCS_END)
    new = text[:start] + "\n" + field_reference_markdown() + "\n" + text[end:]
    if new != text:
        path.write_text(new, "utf-8")
        return True
    return False


# -- fields -------------------------------------------------------------------------------------------


def template_fields(template: Path) -> list[dict]:
    """Return every field use of a template: path (e.g. ``measures[].responsible``), expression, location."""
    from docplan.template_lint import iter_fields

    return list(iter_fields(template))


# -- preview ------------------------------------------------------------------------------------------


def example_data_path() -> Path:
    """Return the Østerdalen example dataset (the project's examples/ folder, or ../shared)."""
    root = Path(__file__).resolve().parent.parent
    for candidate in (root / "examples" / "osterdalen.yaml",
                      Path(os.environ.get("DOCPLAN_SHARED", root.parent / "shared")) / "domain"
                      / "osterdalen-example.yaml"):
        if candidate.is_file():
            return candidate
    raise ConfigError("fant ikke eksempeldataene (examples/osterdalen.yaml); oppgi egne data med --data")


def preview(template: Path, output: Path, *, data: Path | None = None, municipality: str | None = None,
            pages: int | None = None, dpi: int = 60) -> list[Path]:
    """Render ``template`` with example data and write a PDF, or PNG pages (``name-1.png`` …).

    Returns the files written. The template is linted first; errors are raised as `TemplateError`.
    """
    from docplan.convert import convert
    from docplan.loaders import load_plan
    from docplan.package import write_atomic
    from docplan.render import CompiledTemplate, build_context
    from docplan.template_lint import lint_template

    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise ConfigError("forhåndsvisningen må være .pdf eller .png", Location(file=str(output)))
    report = lint_template(template, required_chapters=[])
    if report.errors:
        raise TemplateError(f"malen har {len(report.errors)} feil og kan ikke forhåndsvises; kjør "
                            "«docplan template lint»", Location(file=str(template)), code="lint",
                            problems=[_problem(f) for f in report.errors])
    plan = load_plan(data or example_data_path())
    docx_bytes = CompiledTemplate(template).render(build_context(plan, municipality=municipality))
    with tempfile.TemporaryDirectory(prefix="docplan-preview-") as tmp:
        staged = Path(tmp) / (output.stem + ".docx")
        staged.write_bytes(docx_bytes)
        (pdf,) = convert([staged], Path(tmp))
        if suffix == ".pdf":
            return [write_atomic(output, pdf.read_bytes())]
        tool = shutil.which("pdftoppm")
        if tool is None:
            raise ConfigError("pdftoppm (poppler-utils) er ikke installert, så PNG kan ikke lages; bruk .pdf")
        cmd = [tool, "-png", "-r", str(dpi)]
        if pages:
            cmd += ["-f", "1", "-l", str(pages)]
        subprocess.run([*cmd, str(pdf), str(Path(tmp) / "page")], check=True, capture_output=True, timeout=300)
        made = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        out = []
        for png in made:
            n = int(png.stem.rsplit("-", 1)[1])
            out.append(write_atomic(output.with_name(f"{output.stem}-{n}.png"), png.read_bytes()))
        return out


def _problem(finding):
    from docplan.errors import Problem

    return Problem(finding.message, finding.location, finding.code)


# -- structure and diff ------------------------------------------------------------------------------


@dataclass
class TemplateStructure:
    """What a template offers: identity, chapters (level, title), fields and content-control tags."""

    name: str
    identity: tuple[str, str, str] | None
    chapters: list[tuple[int, str]]
    fields: list[str]
    tags: list[str]

    def to_dict(self) -> dict:
        return {"name": self.name,
                "identity": dict(zip(("id", "version", "language"), self.identity)) if self.identity else None,
                "chapters": [{"level": lvl, "title": t} for lvl, t in self.chapters], "fields": self.fields,
                "tags": self.tags}


def template_structure(template: Path) -> TemplateStructure:
    """Return the structure of a template (chapters from Heading 1–3, fields, docplan content controls)."""
    from docplan.ooxml import qn
    from docplan.ooxml.sdt import sdt_tag
    from docplan.template_lint import _lint_parts, paragraphs, read_parts

    tp = read_parts(template)
    _, fields = _lint_parts(tp, [], None)
    names = {}
    if tp.styles is not None:
        for st in tp.styles.iter(qn("w:style")):
            n = st.find(qn("w:name"))
            names[st.get(qn("w:styleId"))] = (n.get(qn("w:val")) if n is not None else "") or ""
    chapters, tags = [], []
    for part, (kind, root) in tp.parts.items():
        if kind != "document":
            continue
        for para in paragraphs(root, part, kind):
            ppr = para.element.find(qn("w:pPr"))
            st = ppr.find(qn("w:pStyle")) if ppr is not None else None
            m = re.match(r"heading (\d)", names.get(st.get(qn("w:val")), "").lower()) if st is not None else None
            if m and para.text.strip():
                chapters.append((int(m.group(1)), para.text.strip()))
        for sdt in root.iter(qn("w:sdt")):
            tag = sdt_tag(sdt)
            if tag and tag.startswith("docplan:") and tag not in tags:
                tags.append(tag)
    paths = sorted({f["path"] or f["expression"] for f in fields})
    return TemplateStructure(tp.name, tp.identity, chapters, paths, tags)


@dataclass
class TemplateDiff:
    """What changed between two templates' structures."""

    old: TemplateStructure
    new: TemplateStructure
    chapters_added: list[str] = field(default_factory=list)
    chapters_removed: list[str] = field(default_factory=list)
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    tags_added: list[str] = field(default_factory=list)
    tags_removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any((self.chapters_added, self.chapters_removed, self.fields_added, self.fields_removed,
                    self.tags_added, self.tags_removed))

    def to_dict(self) -> dict:
        return {"old": self.old.to_dict()["identity"], "new": self.new.to_dict()["identity"],
                "chapters": {"added": self.chapters_added, "removed": self.chapters_removed},
                "fields": {"added": self.fields_added, "removed": self.fields_removed},
                "tags": {"added": self.tags_added, "removed": self.tags_removed},
                "notes": self.notes, "changed": self.changed}

    def format(self) -> str:
        def ident(s: TemplateStructure) -> str:
            return f"{s.identity[0]} {s.identity[1]} ({s.identity[2]})" if s.identity else f"{s.name} (uten versjon)"

        lines = [f"Gammel: {ident(self.old)}", f"Ny:     {ident(self.new)}"]
        for title, added, removed in (("Kapitler", self.chapters_added, self.chapters_removed),
                                      ("Felt", self.fields_added, self.fields_removed),
                                      ("Innholdskontroller", self.tags_added, self.tags_removed)):
            if added or removed:
                lines.append(f"{title}:")
                lines += [f"  + {x}" for x in added] + [f"  - {x}" for x in removed]
        if not self.changed:
            lines.append("Ingen endringer i kapitler, felt eller innholdskontroller.")
        lines += [f"Merk: {n}" for n in self.notes]
        return "\n".join(lines)


def diff_templates(old: Path, new: Path) -> TemplateDiff:
    """Compare two templates' chapters, fields and content-control tags; note version problems."""
    from docplan.registry import version_key

    a, b = template_structure(old), template_structure(new)

    def heads(s: TemplateStructure) -> list[str]:
        return [f"{'  ' * (lvl - 1)}{title}" for lvl, title in s.chapters]

    d = TemplateDiff(a, b)
    ha, hb = heads(a), heads(b)
    d.chapters_added = [h for h in hb if h not in ha]
    d.chapters_removed = [h for h in ha if h not in hb]
    d.fields_added = [f for f in b.fields if f not in a.fields]
    d.fields_removed = [f for f in a.fields if f not in b.fields]
    d.tags_added = [t for t in b.tags if t not in a.tags]
    d.tags_removed = [t for t in a.tags if t not in b.tags]
    if a.identity and b.identity:
        if a.identity[0] != b.identity[0]:
            d.notes.append(f"malene har ulik id ({a.identity[0]} / {b.identity[0]})")
        elif version_key(b.identity[1]) <= version_key(a.identity[1]):
            d.notes.append(f"den nye malen har ikke høyere versjon ({b.identity[1]} ≤ {a.identity[1]})")
    if d.tags_removed:
        d.notes.append("innholdskontroller er fjernet: dokumenter laget fra den gamle malen kan ikke "
                       "oppdateres på de stedene")
    return d


# -- identity in custom properties, publishing ---------------------------------------------------------


def stamp_identity(data: bytes, template_id: str, version: str, language: str) -> bytes:
    """Return the package with ``docplan.template_id/_version/_language`` set in docProps/custom.xml.

    Other custom properties and every other part are kept as they are (copied byte for byte).
    """
    from lxml import etree

    from docplan.document import PlanDocument
    from docplan.ooxml import NSMAP

    values = {"docplan.template_id": template_id, "docplan.template_version": version,
              "docplan.template_language": language}
    op, vt = NSMAP["op"], NSMAP["vt"]
    doc = PlanDocument.open(data)
    existed = doc.has_part(CUSTOM_PART)
    root = doc.xml(CUSTOM_PART) if existed else etree.Element(f"{{{op}}}Properties", nsmap={None: op, "vt": vt})
    props = {p.get("name"): p for p in root.findall(f"{{{op}}}property")}
    pids = [int(p.get("pid", "1")) for p in props.values() if (p.get("pid") or "").isdigit()]
    next_pid = max([1, *pids]) + 1
    for name, value in values.items():
        prop = props.get(name)
        if prop is None:
            prop = etree.SubElement(root, f"{{{op}}}property", fmtid=_FMTID, pid=str(next_pid), name=name)
            next_pid += 1
        for child in list(prop):
            prop.remove(child)
        etree.SubElement(prop, f"{{{vt}}}lpwstr").text = value
    doc.set_part(CUSTOM_PART, root)
    if not existed:
        doc.add_override(CUSTOM_PART, _CUSTOM_CT)
        if not doc.related_parts("", _CUSTOM_RT):
            doc.add_relationship("", _CUSTOM_RT, CUSTOM_PART)
    return doc.to_bytes()


@dataclass(frozen=True)
class Published:
    """A version added to a registry."""

    id: str
    version: str
    language: str
    path: Path


def publish(template: Path, registry: Path, *, version: str | None = None, template_id: str | None = None,
            language: str | None = None, required_chapters: list[str] | None = None) -> Published:
    """Add ``template`` to a registry folder as a new version; never overwrite a published one.

    The id, version and language come from the template's custom properties unless given; the
    copy in the registry is stamped with them. The template must lint without errors, and the
    version must be higher than every published version of the same id and language.
    """
    from docplan.ooxml.props import template_identity
    from docplan.package import inspect_package
    from docplan.registry import load_registry, version_key
    from docplan.template_lint import lint_template

    info = inspect_package(template)
    identity = template_identity(info.data) or ("", "", "")
    template_id = template_id or identity[0]
    version = version or identity[1]
    language = language or identity[2]
    loc = Location(file=str(template))
    if not template_id or not _ID_RE.match(template_id):
        raise TemplateError("malen mangler en gyldig id (små bokstaver, tall og bindestrek); oppgi --id", loc,
                            code="no_identity")
    if not version or not _VERSION_RE.match(version):
        raise TemplateError(f"versjonen «{version}» er ugyldig; bruk tre tall, f.eks. 1.1.0 (--version)", loc,
                            code="bad_version")
    if language not in ("nb", "nn"):
        raise TemplateError("malens språk må være nb eller nn (--language)", loc, code="bad_language")
    registry = Path(registry)
    index = registry / "index.yaml"
    entries = load_registry(registry) if index.is_file() else []
    same = [e for e in entries if e.id == template_id and e.language == language]
    for e in same:
        if e.version == version:
            raise TemplateError(f"versjon {version} av «{template_id}» ({language}) er allerede publisert; "
                                "publiserte versjoner blir aldri overskrevet, gi malen et høyere versjonsnummer",
                                loc, code="version_exists")
    newest = max(same, key=lambda e: e.version_key, default=None)
    if newest and version_key(version) < newest.version_key:
        raise TemplateError(f"versjon {version} er eldre enn den nyeste publiserte ({newest.version})", loc,
                            code="version_older")
    if required_chapters is None:
        required_chapters = list(newest.required_chapters) if newest else []
    report = lint_template(info.data, name=Path(template).name, required_chapters=required_chapters)
    if report.errors:
        raise TemplateError(f"malen har {len(report.errors)} feil og kan ikke publiseres", loc, code="lint",
                            problems=[_problem(f) for f in report.errors])
    filename = f"{template_id}-{language}-{version}.docx"
    target = registry / filename
    if target.exists():
        raise TemplateError(f"{target} finnes fra før og blir ikke overskrevet", Location(file=str(target)),
                            code="version_exists")
    registry.mkdir(parents=True, exist_ok=True)
    _write_new(target, stamp_identity(info.data, template_id, version, language))
    try:
        _append_index(index, {"id": template_id, "version": version, "language": language, "file": filename,
                              "required_chapters": list(required_chapters)})
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Published(template_id, version, language, target)


def _write_new(target: Path, data: bytes) -> None:
    """Write a file that must not exist yet: temp file, fsync, then link (fails if it appeared meanwhile)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".docplan-tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise TemplateError(f"{target} finnes fra før og blir ikke overskrevet", Location(file=str(target)),
                                code="version_exists") from None
    finally:
        os.unlink(tmp)


def _append_index(index: Path, entry: dict) -> None:
    from docplan.package import write_atomic

    text = index.read_text("utf-8") if index.is_file() else (
        "# Registry of docplan templates. Publish a new version by adding a file and an entry;\n"
        "# never overwrite a published file (documents record template id + version).\ntemplates:\n")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("templates") or [], list):
        raise ConfigError("index.yaml i malregisteret er ugyldig", Location(file=str(index)))
    if data.get("templates") is None and "templates:" not in text:
        text = text.rstrip("\n") + "\ntemplates:\n"
    text = re.sub(r"^templates:\s*\[\]\s*$", "templates:", text, flags=re.M)
    chapters = entry["required_chapters"]
    block = (f"  - id: {entry['id']}\n    version: {entry['version']}\n    language: {entry['language']}\n"
             f"    file: {entry['file']}\n")
    block += "    required_chapters:" + ("".join(f"\n      - {json.dumps(c, ensure_ascii=False)}" for c in chapters)
                                        if chapters else " []") + "\n"
    last_key = [m.group(1) for m in re.finditer(r"^(\w[\w-]*):", text, re.M)]
    if last_key and last_key[-1] != "templates":
        data.setdefault("templates", []).append(entry)
        new = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    else:
        new = text.rstrip("\n") + "\n" + block
    check = (yaml.safe_load(new) or {}).get("templates") or []
    if not check or check[-1].get("file") != entry["file"]:
        raise ConfigError("index.yaml i malregisteret kunne ikke oppdateres trygt; legg til oppføringen for hånd",
                          Location(file=str(index)))
    write_atomic(index, new.encode("utf-8"))


# -- documents and their template version -------------------------------------------------------------


@dataclass(frozen=True)
class TemplateStatus:
    """Which template a document was made from and the newest published version of it."""

    template_id: str
    version: str
    language: str
    latest_version: str | None

    @property
    def outdated(self) -> bool:
        from docplan.registry import version_key

        return self.latest_version is not None and version_key(self.latest_version) > version_key(self.version)


def document_template_status(source, registry: Path | None = None) -> TemplateStatus | None:
    """Return the template status of a document (or template), or None when it records no template."""
    from docplan.ooxml.props import template_identity
    from docplan.package import inspect_package
    from docplan.registry import load_registry

    info = inspect_package(source)
    identity = template_identity(info.data)
    if identity is None:
        return None
    tid, version, lang = identity
    same = [e for e in load_registry(registry) if e.id == tid and (not lang or e.language == lang)]
    newest = max(same, key=lambda e: e.version_key, default=None)
    return TemplateStatus(tid, version, lang, newest.version if newest else None)


__all__ = [
    "Published", "TemplateDiff", "TemplateStatus", "TemplateStructure", "context_schema", "diff_templates",
    "document_template_status", "field_reference_markdown", "preview", "publish", "schema_paths",
    "stamp_identity", "template_fields", "template_structure", "update_docs",
]
