"""Template maintainer tools: field lists, preview, structural diff, publishing and template status.

* `template_fields` — every field a template uses, with canonical path and location.
* `preview` — render with example data (Østerdalen by default) and convert with LibreOffice; PNG
  pages via ``pdftoppm``.
* `template_structure` / `diff_templates` — chapters (headings of level 1–3 by the one heading
  rule), fields, content-control tags and identity.
* `stamp_identity` / `publish` — record id, version and language in the custom properties; add a new
  version file plus index entry to a registry folder; never overwrite.
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
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from docplan.document import PlanDocument
from docplan.errors import ConfigError, Location, TemplateError
from docplan.ooxml.ns import qn
from docplan.ooxml.props import CUSTOM_PART, CUSTOM_REL, CUSTOM_TYPE, set_custom_properties
from docplan.ooxml.sdt import sdt_tag
from docplan.ooxml.styles import paragraph_level
from docplan.templating.lint import Finding, iter_fields, lint_parts, lint_template
from docplan.templating.parts import paragraphs, read_parts
from docplan.i18n import _, ngettext

_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_W_SDT = qn("w:sdt")


# -- fields -------------------------------------------------------------------------------------------


def template_fields(template: Path) -> list[dict]:
    """Return every field use of a template: path (e.g. ``measures[].responsible``), expression, location."""
    return list(iter_fields(template))


# -- preview ------------------------------------------------------------------------------------------


def example_data_path() -> Path:
    """Return the Østerdalen example dataset (the project's examples/ folder, or ../shared)."""
    root = Path(__file__).resolve().parents[2]
    for candidate in (root / "examples" / "osterdalen.yaml",
                      Path(os.environ.get("DOCPLAN_SHARED", root.parent / "shared")) / "domain"
                      / "osterdalen-example.yaml"):
        if candidate.is_file():
            return candidate
    raise ConfigError(_("fant ikke eksempeldataene (examples/osterdalen.yaml); oppgi egne data med --data"))


def preview(template: Path, output: Path, *, data: Path | None = None, municipality: str | None = None,
            pages: int | None = None, dpi: int = 60) -> list[Path]:
    """Render ``template`` with example data and write a PDF, or PNG pages (``name-1.png`` …).

    Returns the files written. The template is linted first; errors are raised as `TemplateError`.
    """
    from docplan.convert import convert
    from docplan.loaders import load_plan
    from docplan.files import write_atomic
    from docplan.templating.bounded import render_bounded

    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise ConfigError(_("forhåndsvisningen må være .pdf eller .png"), Location(file=str(output)))
    report = lint_template(template, required_chapters=[])
    if report.errors:
        raise TemplateError(ngettext("malen har {n} feil og kan ikke forhåndsvises; kjør «docplan template lint»",
                                     "malen har {n} feil og kan ikke forhåndsvises; kjør «docplan template lint»",
                                     len(report.errors)).format(
                                n=len(report.errors)), Location(file=str(template)), code="lint",
                            problems=[_problem(f) for f in report.errors])
    plan = load_plan(data or example_data_path())
    docx_bytes = render_bounded(plan, template, municipality=municipality)
    with tempfile.TemporaryDirectory(prefix="docplan-preview-") as tmp:
        staged = Path(tmp) / (output.stem + ".docx")
        staged.write_bytes(docx_bytes)
        (pdf,) = convert([staged], Path(tmp))
        if suffix == ".pdf":
            return [write_atomic(output, pdf.read_bytes())]
        tool = shutil.which("pdftoppm")
        if tool is None:
            raise ConfigError(_("pdftoppm (poppler-utils) er ikke installert, så PNG kan ikke lages; bruk .pdf"))
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


def _problem(finding: Finding):
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
    """Return the structure of a template: chapters (headings of level 1–3), fields, docplan content controls."""
    tp = read_parts(template)
    _unused, fields = lint_parts(tp, [])
    chapters, tags = [], []
    for part, (kind, root) in tp.parts.items():
        if kind != "document":
            continue
        for para in paragraphs(root, part, kind):
            level = paragraph_level(para.element, tp.styles)
            if level is not None and level <= 3 and para.text.strip():
                chapters.append((level, para.text.strip()))
        for sdt in root.iter(_W_SDT):
            tag = sdt_tag(sdt)
            if tag and tag.startswith("docplan:") and tag not in tags:
                tags.append(tag)
    paths = sorted({f["path"] or f["expression"] for f in fields})
    return TemplateStructure(tp.name, tp.identity, chapters, paths, tags)


#: What a template diff compares, with the Norwegian heading of each in the text report.
DIFF_KINDS = {"chapters": "Kapitler", "fields": "Felt", "tags": "Innholdskontroller"}


@dataclass
class TemplateDiff:
    """What changed between two templates' structures: per kind (`DIFF_KINDS`), what was added and removed."""

    old: TemplateStructure
    new: TemplateStructure
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.added.get(k) or self.removed.get(k) for k in DIFF_KINDS)

    def to_dict(self) -> dict:
        return {"old": self.old.to_dict()["identity"], "new": self.new.to_dict()["identity"],
                **{k: {"added": self.added.get(k, []), "removed": self.removed.get(k, [])} for k in DIFF_KINDS},
                "notes": self.notes, "changed": self.changed}

    def format(self) -> str:
        def ident(s: TemplateStructure) -> str:
            return f"{s.identity[0]} {s.identity[1]} ({s.identity[2]})" if s.identity else f"{s.name} (uten versjon)"

        lines = [f"Gammel: {ident(self.old)}", f"Ny:     {ident(self.new)}"]
        for kind, title in DIFF_KINDS.items():
            added, removed = self.added.get(kind, []), self.removed.get(kind, [])
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
    for kind, before, after in (("chapters", heads(a), heads(b)), ("fields", a.fields, b.fields),
                                ("tags", a.tags, b.tags)):
        d.added[kind] = [x for x in after if x not in before]
        d.removed[kind] = [x for x in before if x not in after]
    if a.identity and b.identity:
        if a.identity[0] != b.identity[0]:
            d.notes.append(f"malene har ulik id ({a.identity[0]} / {b.identity[0]})")
        elif version_key(b.identity[1]) <= version_key(a.identity[1]):
            d.notes.append(f"den nye malen har ikke høyere versjon ({b.identity[1]} ≤ {a.identity[1]})")
    if d.removed["tags"]:
        d.notes.append("innholdskontroller er fjernet: dokumenter laget fra den gamle malen kan ikke "
                       "oppdateres på de stedene")
    return d


# -- identity in custom properties, publishing ---------------------------------------------------------


def stamp_identity(data: bytes, template_id: str, version: str, language: str) -> bytes:
    """Return the package with ``docplan.template_id/_version/_language`` set in docProps/custom.xml.

    Other custom properties and every other part are kept as they are (the same bytes).
    """
    values = {"docplan.template_id": template_id, "docplan.template_version": version,
              "docplan.template_language": language}
    doc = PlanDocument.open(data)
    existed = doc.has_part(CUSTOM_PART)
    doc.set_part(CUSTOM_PART, set_custom_properties(doc.xml(CUSTOM_PART) if existed else None, values))
    if not existed:
        doc.add_override(CUSTOM_PART, CUSTOM_TYPE)
        if not doc.related_parts("", CUSTOM_REL):
            doc.add_relationship("", CUSTOM_REL, CUSTOM_PART)
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
    from docplan.registry import load_registry, version_key

    tp = read_parts(template)
    identity = tp.identity or ("", "", "")
    template_id = template_id or identity[0]
    version = version or identity[1]
    language = language or identity[2]
    loc = Location(file=str(template))
    if not template_id or not _ID_RE.match(template_id):
        raise TemplateError(_("malen mangler en gyldig id (små bokstaver, tall og bindestrek); oppgi --id"), loc,
                            code="no_identity")
    if not version or not _VERSION_RE.match(version):
        raise TemplateError(_("versjonen «{version}» er ugyldig; bruk tre tall, f.eks. 1.1.0 (--version)").format(
                                version=version), loc,
                            code="bad_version")
    if language not in ("nb", "nn"):
        raise TemplateError(_("malens språk må være nb eller nn (--language)"), loc, code="bad_language")
    registry = Path(registry)
    index = registry / "index.yaml"
    entries = load_registry(registry) if index.is_file() else []
    same = [e for e in entries if e.id == template_id and e.language == language]
    for e in same:
        if e.version == version:
            raise TemplateError(_("versjon {version} av «{template_id}» ({language}) er allerede publisert; "
                                  "publiserte versjoner blir aldri overskrevet, gi malen et høyere versjonsnummer").format(
                                    version=version, template_id=template_id, language=language),
                                loc, code="version_exists")
    newest = max(same, key=lambda e: e.version_key, default=None)
    if newest and version_key(version) < newest.version_key:
        raise TemplateError(_("versjon {version} er eldre enn den nyeste publiserte ({newest})").format(
                                version=version, newest=newest.version), loc,
                            code="version_older")
    if required_chapters is None:
        required_chapters = list(newest.required_chapters) if newest else []
    report = lint_parts(tp, required_chapters)[0]
    if report.errors:
        raise TemplateError(ngettext("malen har {n} feil og kan ikke publiseres",
                                     "malen har {n} feil og kan ikke publiseres",
                                     len(report.errors)).format(n=len(report.errors)), loc, code="lint",
                            problems=[_problem(f) for f in report.errors])
    filename = f"{template_id}-{language}-{version}.docx"
    target = registry / filename
    if target.exists():
        raise TemplateError(_("{target} finnes fra før og blir ikke overskrevet").format(target=target),
                            Location(file=str(target)),
                            code="version_exists")
    registry.mkdir(parents=True, exist_ok=True)
    _write_new(target, stamp_identity(tp.data, template_id, version, language))
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
            raise TemplateError(_("{target} finnes fra før og blir ikke overskrevet").format(target=target),
                                Location(file=str(target)),
                                code="version_exists") from None
    finally:
        os.unlink(tmp)


def _append_index(index: Path, entry: dict) -> None:
    from docplan.files import write_atomic

    text = index.read_text("utf-8") if index.is_file() else (
        "# Registry of docplan templates. Publish a new version by adding a file and an entry;\n"
        "# never overwrite a published file (documents record template id + version).\ntemplates:\n")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("templates") or [], list):
        raise ConfigError(_("index.yaml i malregisteret er ugyldig"), Location(file=str(index)))
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
        raise ConfigError(_("index.yaml i malregisteret kunne ikke oppdateres trygt; legg til oppføringen for hånd"),
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
    from docplan.registry import load_registry

    identity = PlanDocument.open(source).template_identity
    if identity is None:
        return None
    tid, version, lang = identity
    same = [e for e in load_registry(registry) if e.id == tid and (not lang or e.language == lang)]
    newest = max(same, key=lambda e: e.version_key, default=None)
    return TemplateStatus(tid, version, lang, newest.version if newest else None)


__all__ = [
    "Published", "TemplateDiff", "TemplateStatus", "TemplateStructure", "diff_templates", "document_template_status",
    "example_data_path", "preview", "publish", "stamp_identity", "template_fields", "template_structure",
]
