"""Builders for checker fixtures: example data with one change, hand-written .docx plans, generated plans."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path

import docx
import yaml
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "osterdalen.yaml"
_RAW = yaml.safe_load(EXAMPLE.read_text("utf-8"))


def example_raw() -> dict:
    return copy.deepcopy(_RAW)


def measure(raw: dict, ident: str) -> dict:
    return next(m for m in raw["measures"] if m["id"] == ident)


def write_yaml(tmp_path: Path, raw: dict, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def generated_docx(raw: dict | None = None) -> bytes:
    """Return the plan rendered with the standard template (the realistic fixture)."""
    from docplan.loaders import validate_plan
    from docplan.render import render_plan

    plan = validate_plan(raw or example_raw(), {}, "plan.yaml", check_references=False)
    return render_plan(plan)


def replace_in_part(package: bytes, part: str, old: str, new: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                text = data.decode("utf-8")
                assert old in text, f"{old!r} not in {part}"
                data = text.replace(old, new).encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def handwritten(*, headings=(("1 Innledning", 1), ("2 Alkoholpolitikk og bevillingspolitikk", 1),
                             ("3 Tiltaksplan", 1), ("4 Gjennomføring, rapportering, evaluering og rullering", 1)),
                paragraphs=(), table=None, header_row=True, language=True, title="Rusmiddelpolitisk handlingsplan "
                                                                                 "for Tynset 2024–2027") -> bytes:
    """Return a hand-written plan (no content controls) made with python-docx."""
    d = docx.Document()
    d.add_paragraph(title, style="Title")
    for text in paragraphs:
        d.add_paragraph(text)
    for text, level in headings:
        d.add_heading(text, level=level)
        if text.endswith("Tiltaksplan") and table is not None:
            t = d.add_table(rows=0, cols=len(table[0]))
            for row in table:
                cells = t.add_row().cells
                for c, value in zip(cells, row):
                    c.text = value
            if header_row:
                tr_pr = t.rows[0]._tr.get_or_add_trPr()
                tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
    if not language:
        for el in list(d.styles.element.iter(qn("w:lang"))):
            el.getparent().remove(el)
        for el in list(d.settings.element.iter(qn("w:themeFontLang"))):
            el.getparent().remove(el)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


MEASURE_TABLE = [
    ["Nr.", "Tiltak", "Delmål", "Ansvarlig", "Frist", "Kostnad"],
    ["1.1", "Foreldremøte om alkohol", "2.1", "Rektor", "2025", "15 000 kr"],
    ["1.2", "Skjenkekontroller", "2.2", "Bevillingskontoret", "2024–2027", "50 000 kr"],
]
GOAL_PARAGRAPHS = ("Delmål 2.1 Foreldre setter grenser", "Delmål 2.2 Ansvarlig skjenking")


def ids(findings, rule: str) -> list[str]:
    return [f.subject for f in findings if f.rule == rule]


def strip_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
