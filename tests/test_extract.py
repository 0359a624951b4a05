"""`docplan extract`: a hand-written plan becomes draft data; unrecognised content is reported."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from click.testing import CliRunner

from docplan.cli import main
from docplan.extract import column_roles, draft_dict, extract_plan, write_extract


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


@pytest.mark.parametrize("header, role", [
    ("Hva", "title"), ("Eksisterande tiltak", "title"), ("Aktivitet", "title"), ("Tiltak (hva skal gjøres)", "title"),
    ("Ansvar/ansvarleg", "responsible"), ("Hvem", "responsible"), ("Når", "years"), ("Frist", "years"),
    ("Tidsrom", "years"), ("Kostnad/Økonomi", "cost"), ("Kostnad (kr)", "cost"), ("Finansiering", "funding"),
    ("Målgruppe", "target_group"), ("Delmål", "goal_ids"), ("Tiltak nr.", "id"), ("Merknad", None),
])
def test_measure_columns_are_known_by_the_names_real_plans_give_them(header, role):
    from docplan.extract import column_role

    assert column_role(header) == role


@pytest.mark.parametrize("text, years, deadline", [
    ("2024–2027", [2024, 2025, 2026, 2027], None), ("2024 - 2026", [2024, 2025, 2026], None),
    ("2025–26", [2025, 2026], None), ("2024/2025", [2024, 2025], None), ("2025 og 2027", [2025, 2027], None),
    ("Våren 2025", [2025], None), ("01.06.2025", [2025], dt.date(2025, 6, 1)), ("innen 1. juni 2026", [2026],
                                                                                   dt.date(2026, 6, 1)),
    ("Løpende", [], None), ("snarest", [], None),
])
def test_a_time_cell_gives_every_year_it_names(text, years, deadline):
    from docplan.extract import parse_years

    assert parse_years(text) == (years, deadline)


@pytest.mark.parametrize("text, amount, basis", [
    ("40 000 kr", 40000, None), ("kr 25 000", 25000, None), ("30 000,-", 30000, None), ("50 000 kr/år", 50000, "per år"),
    ("10 000 kr per år", 10000, "per år"), ("kr. 50.000,- pr. år", 50000, "per år"), ("0,5 mill. kr", 500000, None),
    ("NOK 20 000", 20000, None), ("2 millioner kroner", 2_000_000, None), ("Innenfor driftsramme", None, None),
    ("Ingen", None, None), ("2025", None, None), ("50 000 – 100 000 kr", None, None), ("totalt 120 000 kr", 120000, "totalt"),
])
def test_a_cost_cell_gives_its_amount_and_basis_and_never_a_year(text, amount, basis):
    from docplan.extract import parse_cost

    assert parse_cost(text) == (amount, basis)


def _doc(paragraphs, *, title=None, lang="nb-NO", table=None) -> bytes:
    d = docx.Document()
    for el in d.styles.element.iter(qn("w:lang")):
        el.set(qn("w:val"), lang)
    if title:
        d.core_properties.title = title
    for text, style in paragraphs:
        d.add_paragraph(text, style=style)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_the_title_is_the_cover_line_not_the_first_heading_and_facts_come_from_the_cover():
    data = _doc([("Rusmiddelpolitisk handlingsplan", None), ("2024–2027", None), ("Skaun kommune", None),
                 ("Vedtatt i kommunestyret 14.03.2024, K-sak 12/24", None), ("INNLEDNING", "Heading 1"),
                 ("Tekst.", None)])
    res = extract_plan(data, name="plan.docx")
    assert res.title == "Rusmiddelpolitisk handlingsplan 2024–2027"
    assert (res.municipality, res.period) == (("5029", "Skaun"), (2024, 2027))
    assert (res.adopted, res.case_no, res.language) == (dt.date(2024, 3, 14), "K-sak 12/24", "nb")
    draft = draft_dict(res)
    assert draft["municipalities"][0]["adoption"] == {"body": "kommunestyret", "date": "2024-03-14",
                                                      "status": "vedtatt", "case_no": "K-sak 12/24"}


def test_a_nynorsk_document_gives_nynorsk_data():
    data = _doc([("Ruspolitisk plan 2024–2027", "Title"), ("Mål", "Heading 1"), ("Hovudmål 1: Færre skadar", None),
                 ("Delmål 1.1 Kortare ventetid", None)], lang="nn-NO")
    res = extract_plan(data)
    assert draft_dict(res)["meta"]["language"] == "nn"
    assert res.goals == [{"id": "HM-1", "title": "Færre skadar", "sub_goals": [{"id": "DM-1.1",
                                                                                 "title": "Kortare ventetid"}]}]


def test_headings_that_only_mention_goals_are_not_goals():
    data = _doc([("Plan 2024–2027", "Title"), ("Hovudmålsetjingar og strategiar", "Heading 1"),
                 ("Mål, innsatsområder og tiltak", "Heading 2"), ("Tekst om arbeidet.", None)])
    assert extract_plan(data).goals == []


def test_nothing_unread_is_invented_in_the_draft():
    res = extract_plan(_doc([("Bare tekst uten noe plan i.", None)]))
    draft = draft_dict(res)
    assert draft["municipalities"] == [{"number": "FYLL INN", "name": "FYLL INN"}]
    assert draft["plan"]["period"] == {"start_year": "FYLL INN", "end_year": "FYLL INN"}
    assert "adopted" not in draft["plan"] and draft["goals"] == [] and draft["measures"] == []


def test_a_measure_id_used_twice_is_renamed_with_a_warning_and_the_draft_validates(tmp_path):
    from docplan.loaders import load_plan

    table = [["Nr.", "Tiltak", "Ansvarlig", "År"], ["1", "Kurs", "NAV", "2025"], ["1", "Kontroll", "Servicetorget",
                                                                                 "Årlig"]]
    res = extract_plan(_doc([("Plan for Tynset kommune 2024–2027", "Title")], table=table), name="plan.docx")
    assert [m["id"] for m in res.measures] == ["T-1", "T-1-2"]
    assert any("«T-1» er brukt før" in w for w in res.warnings)
    assert res.measures[1]["years"] == [2024, 2025, 2026, 2027]  # «Årlig»: every year of the period, noted
    assert any("«Årlig» er lest som hvert år" in w for w in res.warnings)
    out = tmp_path / "plan.yaml"
    write_extract(res, out)
    text = out.read_text("utf-8")
    assert "# Advarsel: tabell 1, rad 3" in text
    draft = yaml.safe_load(text)
    draft["plan"]["id"] = "ROP-1"
    out.write_text(yaml.safe_dump(draft, allow_unicode=True), "utf-8")
    assert [m.id for m in load_plan(out).measures] == ["T-1", "T-1-2"]


def test_the_period_on_the_line_under_the_title_belongs_to_the_title():
    data = _doc([("Rusmiddelpolitisk handlingsplan", "Title"), ("2024–2027", "Subtitle"), ("Tynset kommune", None)])
    assert extract_plan(data).title == "Rusmiddelpolitisk handlingsplan 2024–2027"


def test_nynorsk_text_is_nynorsk_even_when_word_marks_it_as_bokmal():
    text = ("Kommunen skal ikkje gje opp arbeidet. Det er eit mål at fleire unge skal vere med frå starten, og "
            "at kvar einaste innbyggjar får hjelp når dei treng det. Planen byggjer på arbeidet i heile kommunen.")
    data = _doc([("Ruspolitisk plan 2024–2027", "Title"), (text, None), (text, None)], lang="nb-NO")
    assert extract_plan(data).language == "nn"


def test_bullets_under_a_numbered_hovedmal_are_its_delmal():
    data = _doc([("Plan 2024–2027", "Title"), ("Mål", "Heading 1"), ("1. Utsette alkoholdebuten", None),
                 ("Færre unge drikker", "List Bullet"), ("Flere foreldre setter grenser", "List Bullet"),
                 ("2. Tidlig hjelp", None), ("Kortere ventetid", "List Bullet")])
    goals = extract_plan(data).goals
    assert [(g["id"], g["title"], [s["title"] for s in g["sub_goals"]]) for g in goals] == [
        ("HM-1", "Utsette alkoholdebuten", ["Færre unge drikker", "Flere foreldre setter grenser"]),
        ("HM-2", "Tidlig hjelp", ["Kortere ventetid"])]
