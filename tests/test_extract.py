"""`docplan extract`: a hand-written plan becomes draft data; unrecognised content is reported."""

from __future__ import annotations

import io
import re

import docx
import yaml
from click.testing import CliRunner

from docplan.cli import main
from docplan.extract import column_roles, draft_dict, extract_plan


def handwritten_plan() -> bytes:
    d = docx.Document()
    d.add_paragraph("Rusmiddelpolitisk handlingsplan for Eksempel kommune 2024–2028", style="Title")
    d.add_heading("1 Innledning", level=1)
    d.add_paragraph("Planen er laget av ruskonsulenten.")
    d.add_heading("2 Mål", level=1)
    d.add_heading("Hovedmål 1: Senere debut blant unge", level=2)
    d.add_paragraph("Delmål 1.1: Færre unge drikker seg beruset")
    d.add_paragraph("Delmål 1.2: Flere foreldre setter grenser")
    d.add_heading("Hovedmål 2: Tidlig hjelp", level=2)
    d.add_paragraph("Delmål 2.1: Kortere ventetid")
    d.add_heading("3 Tiltak", level=1)
    rows = [("Nr.", "Tiltak", "Delmål", "Ansvarlig", "Frist", "Kostnad", "Merknad"),
            ("1", "Ungdata-undersøkelse", "1.1", "Folkehelsekoordinator", "Våren 2025", "40 000 kr", "x"),
            ("2", "Foreldremøter om alkohol", "1.2, 3.9", "Skolene", "2024–2026", "ingen", ""),
            ("", "", "", "Kommunen", "", "", ""),
            ("Sum", "Sum", "", "", "", "40 000 kr", "")]
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(1, 1).add_paragraph("Gjennomføres på ungdomsskolen.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_column_roles_bokmal_and_nynorsk():
    roles, unknown = column_roles(["Nr.", "Tiltak", "Ansvarleg", "Samarbeidspartnarar", "Tidsramme", "Merknad"])
    assert roles == {0: "id", 1: "title", 2: "responsible", 3: "partners", 4: "years"}
    assert unknown == ["Merknad"]


def test_extract_goals_measures_and_report():
    res = extract_plan(handwritten_plan(), name="plan.docx")
    assert res.period == (2024, 2028)
    assert [g["id"] for g in res.goals] == ["HM-1", "HM-2"]
    assert [s["id"] for s in res.goals[0]["sub_goals"]] == ["DM-1.1", "DM-1.2"]
    assert res.goals[0]["title"] == "Senere debut blant unge"
    assert [o["number"] for o in res.outline if o["number"]] == ["1", "2", "3"]
    m1, m2 = res.measures
    assert m1 == {"id": "T-1", "title": "Ungdata-undersøkelse", "text": "Gjennomføres på ungdomsskolen.",
                  "responsible": "Folkehelsekoordinator", "goal_ids": ["DM-1.1"], "years": [2025],
                  "cost_nok": 40000}
    assert m2["years"] == [2024, 2025, 2026] and m2["goal_ids"] == ["DM-1.2"]
    report = "\n".join(res.unrecognised)
    assert "«Merknad»" in report
    assert "3.9" in report  # goal that does not exist is reported, not invented
    assert "«ingen» er ikke et beløp" in report
    assert re.search(r"tabell 1, rad 4 \(avsnitt \d+\): raden har ingen tiltakstekst «Kommunen»", report)


def test_nothing_recognised_is_reported():
    d = docx.Document()
    d.add_paragraph("Bare tekst")
    buf = io.BytesIO()
    d.save(buf)
    res = extract_plan(buf.getvalue())
    report = "\n".join(res.unrecognised)
    assert "fant ingen tiltak" in report and "fant ingen hovedmål" in report and "planperioden" in report
    assert draft_dict(res)["municipalities"][0]["number"] == "FYLL INN"


def test_cli_extract(tmp_path):
    src = tmp_path / "plan.docx"
    src.write_bytes(handwritten_plan())
    out = tmp_path / "plan.yaml"
    res = CliRunner().invoke(main, ["extract", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Fant 2 mål (3 delmål) og 2 tiltak" in res.output and "Ikke gjenkjent" in res.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Utkast laget av «docplan extract»")
    data = yaml.safe_load(text)
    assert data["plan"]["period"] == {"start_year": 2024, "end_year": 2028}
    assert data["measures"][0]["title"] == "Ungdata-undersøkelse"


def test_a_plan_rendered_from_the_standard_template_extracts_its_goals(sample_plan, tmp_path):
    from docplan.extract import extract_plan
    from docplan.render import render_plan

    result = extract_plan(render_plan(sample_plan), name="plan.docx")
    assert [g["id"] for g in result.goals] == [g.id for g in sample_plan.goals]
    assert [s["id"] for g in result.goals for s in g["sub_goals"]] == \
        [s.id for g in sample_plan.goals for s in g.sub_goals]
    assert result.goals[0]["title"] == sample_plan.goals[0].title
    assert not [u for u in result.unrecognised if "finnes ikke blant målene" in u]
