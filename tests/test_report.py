"""The årsrapport (``docplan report``, ``docplan insert --what report``): every number equals the data.

The Østerdalen example gets reports for 2025 in every status (nynorsk spellings too), a measure closed in
2024, measures without a report, and indicator values. Expectations are worked out here from the data
written into the file, never from `docplan.report`.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from docplan.cli import main
from docplan.document import PlanDocument
from docplan.loaders import load_plan
from docplan.model import Plan
from docplan.ooxml import qn
from testkit import EXAMPLE, docx_all_text, docx_headings, pdf_text, soffice_convert
from tests.docfactory import png_bytes

YEAR = 2025
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: The 2025 reports given to the example: (status as the planner wrote it, done, spent, comment).
REPORTS = {
    "T-01": ("pågår", "Ungdata er gjennomført i sju av ni kommuner", 12000, "To kommuner tar den i 2026"),
    "T-02": ("gjennomført", "Foreldremøte holdt på alle ungdomsskoler", 14800, None),
    "T-03": ("utsatt", None, 0, "Venter på svar om tilskudd"),
    "T-04": ("ikkje starta", None, None, None),
    "T-05": ("pågår", "To kurs holdt", 48250, None),
    "T-06": ("gjennomført", "Alle steder kontrollert tre ganger", 331400, "Flere kontroller enn planlagt"),
    "T-08": ("avsluttet", "Erstattet av dialogmøtene i T-06", 2500, None),
    "T-09": ("pågår", "Halvparten av de ansatte har fått opplæring", 41000, None),
    "T-10": ("utsett", None, None, "Søknaden om tilskudd ble avslått"),
    "T-11": ("ikke startet", None, 0, None),
    "T-12": ("gjennomført", "Rutinen er vedtatt", 0, None),
    "T-13": ("pågår", "Rutine for individuell plan under revisjon", 9000, None),
    "T-15": ("avslutta", "Samarbeidsavtalen med kriminalomsorgen er inngått", 0, None),
    "T-16": ("pågår", "Kartleggingen er gjort i åtte kommuner", 0, None),
    "T-17": ("utsatt", None, 0, None),
    "T-18": ("pågår", "Kurs holdt i fire kommuner", 19990, None),
    "T-20": ("gjennomført", "Brukerrådet er etablert", 10000, "Første møte i oktober"),
}
#: Earlier reports: T-07 was closed in 2024 (so the 2025 report leaves it out); T-19 has no 2025 report.
EARLIER = {"T-07": ("gjennomført", 0), "T-18": ("pågår", 20000), "T-19": ("pågår", 5000)}
#: Indicator values by goal id; HM-3 has none for 2025, DM-4.1 gets an indicator of its own.
VALUES = {"HM-1": {2024: "13 %", 2025: "12 %"}, "HM-2": {2025: "2,6"}, "HM-4": {2024: "80 %", 2025: "83 %"},
          "DM-4.1": {2025: "55 %"}}
SAME = {"ikkje starta": "ikke startet", "utsett": "utsatt", "avslutta": "avsluttet"}
FINISHED = {"gjennomført", "avsluttet"}
NN_LABELS = {"ikke startet": "ikkje starta", "utsatt": "utsett", "avsluttet": "avslutta",
             "ikke rapportert": "ikkje rapportert", "pågår": "pågår", "gjennomført": "gjennomført"}


def _raw() -> dict:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for m in raw["measures"]:
        reports = []
        if m["id"] in EARLIER:
            status, spent = EARLIER[m["id"]]
            reports.append({"year": YEAR - 1, "status": status, "spent_nok": spent})
        if m["id"] in REPORTS:
            status, done, spent, comment = REPORTS[m["id"]]
            reports.append({"year": YEAR, "status": status, "done": done, "spent_nok": spent, "comment": comment})
        if reports:
            m["reports"] = reports
            m.pop("status", None)  # «now» is the newest report's
    for g in raw["goals"]:
        for goal in [g, *g.get("sub_goals", [])]:
            if goal["id"] == "DM-4.1":
                goal["indicator"] = {"name": "Andel med rett til individuell plan som har en aktiv plan",
                                     "baseline": "40 %", "baseline_year": 2023, "target": "75 %", "target_year": 2027}
            if goal["id"] in VALUES:
                goal["indicator"]["values"] = [{"year": y, "value": v} for y, v in VALUES[goal["id"]].items()]
    return raw


def _write(path: Path, raw: dict) -> Path:
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture()
def data(tmp_path) -> Path:
    return _write(tmp_path / "plan-2025.yaml", _raw())


@pytest.fixture()
def plan(data) -> Plan:
    return load_plan(data)


# -- expectations, from the data -----------------------------------------------------------------------
def _expected(plan: Plan, municipality: str | None = None) -> dict:
    """Return what the 2025 report must show, worked out from the fixture's data."""
    parents = {}
    for g in plan.goals:
        parents[g.id] = g.id
        for s in g.sub_goals:
            parents[s.id] = g.id
    rows = {}
    for m in plan.measures:
        if municipality and not (m.scope == "felles" or municipality in m.municipalities):
            continue
        if m.id == "T-07":  # closed in 2024, no 2025 report
            continue
        written = REPORTS.get(m.id)
        status = SAME.get(written[0], written[0]) if written else "ikke rapportert"
        finished = status in FINISHED if written else False
        rows[m.id] = {
            "status": status, "spent": written[2] if written else None,
            "done": written[1] if written else None, "comment": written[3] if written else None,
            "planned": m.cost_by_year(plan.info.period).get(YEAR, 0),
            "goal": next((parents[g] for g in m.goal_ids if g in parents), None),
            "late": m.deadline is not None and m.deadline <= dt.date(YEAR, 12, 31) and not finished,
        }
    counts = {}
    for r in rows.values():
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return {"rows": rows, "counts": counts, "spent": sum(r["spent"] or 0 for r in rows.values()),
            "planned": sum(r["planned"] for r in rows.values()),
            "late": sorted(i for i, r in rows.items() if r["late"])}


def test_the_fixture_covers_every_status_and_the_planned_costs_are_the_plans(plan):
    exp = _expected(plan)
    assert set(exp["counts"]) == {"gjennomført", "pågår", "ikke startet", "utsatt", "avsluttet", "ikke rapportert"}
    # planned cost for 2025 checked by hand against the example: «per år», «totalt» spread over the years,
    # «engangs» in the first year
    assert exp["rows"]["T-02"]["planned"] == 15000
    assert exp["rows"]["T-09"]["planned"] == 45000
    assert exp["rows"]["T-01"]["planned"] == 0  # 40 000 «totalt» over 2024 and 2027
    assert exp["rows"]["T-14"]["planned"] == 0  # «engangs» in 2026
    assert exp["late"] == ["T-03", "T-04", "T-10", "T-11", "T-13", "T-17", "T-18"]


# -- the report model ------------------------------------------------------------------------------
def test_every_measure_line_count_and_sum_equals_the_data(plan):
    from docplan.report import build_report

    exp = _expected(plan)
    report = build_report(plan, YEAR)
    lines = {m.id: m for m in report.measures}
    assert set(lines) == set(exp["rows"])
    for ident, row in exp["rows"].items():
        line = lines[ident]
        assert (line.status, line.spent_nok, line.planned_nok, line.done, line.comment, line.past_deadline) == \
            (row["status"], row["spent"], row["planned"], row["done"], row["comment"], row["late"]), ident
    for section in report.sections:
        assert all(exp["rows"][m.id]["goal"] == section.id for m in section.measures)
        assert section.spent_nok == sum(exp["rows"][m.id]["spent"] or 0 for m in section.measures)
    assert {s: n for s, n in report.counts.items() if n} == exp["counts"]
    assert report.spent_nok == exp["spent"] and report.planned_nok == exp["planned"]
    assert [m.id for m in report.past_deadline] == [i for i in lines if i in exp["late"]]


def test_a_measure_closed_the_year_before_is_left_out_and_one_without_report_says_so(plan):
    from docplan.report import build_report

    lines = {m.id: m for m in build_report(plan, YEAR).measures}
    assert "T-07" not in lines
    assert lines["T-14"].status == lines["T-19"].status == "ikke rapportert"
    assert lines["T-19"].spent_nok is None and lines["T-19"].done is None
    # the year before, T-07 is reported and listed
    assert "T-07" in {m.id for m in build_report(plan, YEAR - 1).measures}


def test_indicator_values_stand_against_baseline_target_and_the_year_before(plan):
    from docplan.report import build_report

    report = build_report(plan, YEAR)
    got = {i.goal_id: i for i in report.indicators}
    goals = {g.id: g for g in plan.all_goals()}
    assert set(got) == {gid for gid, g in goals.items() if g.indicator is not None}
    for gid, line in got.items():
        ind = goals[gid].indicator
        assert (line.baseline, line.baseline_year, line.target, line.target_year) == \
            (ind.baseline, ind.baseline_year, ind.target, ind.target_year)
        assert line.value == VALUES.get(gid, {}).get(YEAR)
        assert line.previous_value == VALUES.get(gid, {}).get(YEAR - 1)
    assert [i.goal_id for s in report.sections for i in s.indicators if s.id == "HM-4"] == ["HM-4", "DM-4.1"]


def _nok(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0") + "\u00a0kr"


def test_the_summary_gives_counts_money_and_missing_values_in_bokmal_and_nynorsk(plan):
    from docplan.report import build_report

    exp = _expected(plan)
    c = exp["counts"]
    nb = build_report(plan, YEAR).summary()
    total = len(exp["rows"])
    assert nb.startswith(f"Av {total} tiltak er {c['gjennomført']} gjennomført, {c['pågår']} pågår, "
                         f"{c['ikke startet']} ikke startet, {c['utsatt']} utsatt, {c['avsluttet']} avsluttet og "
                         f"{c['ikke rapportert']} ikke rapportert.")
    assert f"{len(exp['late'])} tiltak har passert fristen uten å være fullført." in nb
    assert f"Brukt {_nok(exp['spent'])} av planlagt {_nok(exp['planned'])}." in nb
    assert "1 indikator mangler tall for 2025." in nb  # HM-3 only
    nn = build_report(plan, YEAR, lang="nn").summary()
    assert f"{c['ikke startet']} ikkje starta, {c['utsatt']} utsett, {c['avsluttet']} avslutta og " \
           f"{c['ikke rapportert']} ikkje rapportert." in nn
    assert "utan å vere" in nn and "1 indikator manglar tal for 2025." in nn
    # plural forms: none of the five indicators has a figure for 2026
    assert "5 indikatorer mangler tall for 2026." in build_report(plan, 2026).summary()
    assert "5 indikatorar manglar tal for 2026." in build_report(plan, 2026, lang="nn").summary()


# -- outputs --------------------------------------------------------------------------------------------
def _number(text: str) -> int | None:
    text = text.strip()
    return None if text in ("–", "") else int(re.sub(r"\D", "", text))


def _run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def _measure_tables(document) -> list:
    return [t for t in document.tables if t.rows[0].cells[0].text == "Nr." and len(t.columns) == 8]


def _check_docx_numbers(path: Path, plan: Plan, labels: dict[str, str] | None = None, municipality=None) -> None:
    exp = _expected(plan, municipality)
    labels = labels or {}
    d = docx.Document(str(path))
    seen = {}
    for table in _measure_tables(d):
        body = table.rows[1:-1]
        for row in body:
            cells = [c.text for c in row.cells]
            seen[cells[0]] = cells
        total = [c.text for c in table.rows[-1].cells]
        ids = [r.cells[0].text for r in body]
        assert _number(total[5]) == sum(exp["rows"][i]["spent"] or 0 for i in ids)
        assert _number(total[6]) == sum(exp["rows"][i]["planned"] for i in ids)
    assert set(seen) == set(exp["rows"])
    for ident, cells in seen.items():
        row = exp["rows"][ident]
        assert cells[3] == labels.get(row["status"], row["status"]), ident
        assert _number(cells[5]) == row["spent"] and _number(cells[6]) == row["planned"], ident
        assert cells[4] == (row["done"] or "") and cells[7] == (row["comment"] or ""), ident
    counts = next(t for t in d.tables if len(t.columns) == 2)
    got = {r.cells[0].text: _number(r.cells[1].text) for r in counts.rows[1:-1]}
    assert {k: v for k, v in got.items() if v} == {labels.get(s, s): n for s, n in exp["counts"].items()}
    assert _number(counts.rows[-1].cells[1].text) == len(exp["rows"])
    money = next(t for t in d.tables if len(t.columns) == 3)
    assert _number(money.rows[-1].cells[1].text) == exp["planned"]
    assert _number(money.rows[-1].cells[2].text) == exp["spent"]
    late = next(t for t in d.tables if len(t.columns) == 4)
    assert sorted(r.cells[0].text for r in late.rows[1:]) == exp["late"]
    goals = {g.id: g for g in plan.all_goals()}
    shown = [[c.text for c in r.cells] for t in d.tables if len(t.columns) == 6 for r in t.rows[1:]]
    assert [r[0] for r in shown] == [gid for gid, g in goals.items() if g.indicator is not None]
    for gid, name, baseline, previous, value, target in shown:
        ind = goals[gid].indicator
        assert name == ind.name
        assert baseline == f"{ind.baseline} ({ind.baseline_year})" and target == f"{ind.target} ({ind.target_year})"
        assert previous == VALUES.get(gid, {}).get(YEAR - 1, "–") and value == VALUES.get(gid, {}).get(YEAR, "–")


def test_the_word_report_has_headings_repeating_header_rows_the_language_and_the_datas_numbers(data, plan, tmp_path):
    out = tmp_path / "rapport.docx"
    res = _run("report", data, "--year", YEAR, "-o", out)
    assert res.exit_code == 0, res.output
    assert f"Lagret: {out}" in res.output
    heads = docx_headings(out)
    assert heads[0] == ("Heading 1", f"Årsrapport 2025 – {plan.info.title}")
    assert ("Heading 2", "Status for tiltakene") in heads
    assert ("Heading 2", f"HM-1 {plan.goals[0].title}") in heads
    assert ("Heading 2", "Tiltak som har passert fristen") in heads
    assert all(level in ("Heading 1", "Heading 2") for level, _ in heads)
    d = docx.Document(str(out))
    assert d.tables and all(t.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None for t in d.tables)
    assert d.core_properties.title == f"Årsrapport 2025 – {plan.info.title}"
    assert d.core_properties.language == "nb-NO"
    page = d.sections[0]
    assert round(page.page_width.mm) == 210 and round(page.page_height.mm) == 297
    text_width = page.page_width - page.left_margin - page.right_margin
    widths = [sum(int(c.get(f"{W}w")) for c in t._tbl.tblGrid.findall(f"{W}gridCol")) for t in d.tables]
    assert max(widths) * 635 <= text_width  # EMU per twip: every table fits between the margins
    lang = d.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "nb-NO"
    _check_docx_numbers(out, plan)
    hm1 = next(t for t in d.tables if t.rows[0].cells[1].text == "Indikator")
    assert [c.text for c in hm1.rows[0].cells] == ["Mål", "Indikator", "Utgangsverdi", "2024", "2025", "Mål"]
    assert [c.text for c in hm1.rows[1].cells] == ["HM-1", plan.goals[0].indicator.name, "14 % (2024)", "13 %",
                                                   "12 %", "10 % (2027)"]


def test_the_nynorsk_word_report_uses_nynorsk_words_and_language(data, plan, tmp_path):
    out = tmp_path / "rapport-nn.docx"
    res = _run("report", data, "--year", YEAR, "-o", out, "--standard", "nn")
    assert res.exit_code == 0, res.output
    d = docx.Document(str(out))
    assert d.core_properties.language == "nn-NO"
    assert d.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == "nn-NO"
    assert ("Heading 2", "Status for tiltaka") in docx_headings(out)
    assert "ikkje rapportert" in docx_all_text(out) and "Kva vart gjort" in docx_all_text(out)
    _check_docx_numbers(out, plan, NN_LABELS)


def test_libreoffice_converts_the_word_report(data, tmp_path, soffice):
    nb, nn = tmp_path / "rapport.docx", tmp_path / "rapport-nn.docx"
    assert _run("report", data, "--year", YEAR, "-o", nb).exit_code == 0
    assert _run("report", data, "--year", YEAR, "-o", nn, "--standard", "nn").exit_code == 0
    pdfs = soffice_convert([nb, nn], tmp_path / "pdf")
    text = " ".join(pdf_text(pdfs[0]).split())
    assert "Årsrapport 2025" in text and "Tiltak som har passert fristen" in text and "T-18" in text
    assert "ikkje rapportert" in pdf_text(pdfs[1])


def test_the_workbook_lists_every_measure_and_the_counts_with_bold_frozen_headers(data, plan, tmp_path):
    out = tmp_path / "rapport.xlsx"
    assert _run("report", data, "--year", YEAR, "-o", out).exit_code == 0
    exp = _expected(plan)
    wb = openpyxl.load_workbook(out)
    ws = wb["Tiltak"]
    head = [c.value for c in ws[1]]
    assert head[:3] == ["Hovedmål", "Nr.", "Tiltak"] and ws.freeze_panes == "A2" and ws["A1"].font.bold
    col = {name: i for i, name in enumerate(head)}
    rows = {r[col["Nr."]]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(exp["rows"])
    for ident, row in exp["rows"].items():
        got = rows[ident]
        assert got[col["Brukt (kr)"]] == row["spent"] and got[col["Planlagt (kr)"]] == row["planned"], ident
        assert got[col["Status"]] == row["status"] and got[col["Hovedmål"]] == row["goal"]
        assert got[col["Passert fristen"]] == ("ja" if row["late"] else "nei")
    summary = wb["Sammendrag"]
    assert summary.freeze_panes == "A2" and summary["A1"].font.bold
    values = {r[0]: r[1] for r in summary.iter_rows(min_row=2, values_only=True) if r[0]}
    for status, n in exp["counts"].items():
        assert values[status] == n
    assert values["Sum"] == len(exp["rows"])
    assert values["Planlagt 2025 (kr)"] == exp["planned"] and values["Brukt (kr)"] == exp["spent"]
    assert values["Passert fristen"] == len(exp["late"])
    assert values["Sammendrag"].startswith(f"Av {len(exp['rows'])} tiltak er")
    assert wb["Indikatorer"]["A1"].value == "Mål"


def test_the_json_report_has_stable_keys_and_numbers_as_numbers(data, plan, tmp_path):
    out = tmp_path / "rapport.json"
    assert _run("report", data, "--year", YEAR, "-o", out).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    exp = _expected(plan)
    assert list(doc) == ["plan", "year", "language", "municipality", "title", "summary", "counts", "total_measures",
                         "spent_nok", "planned_nok", "goals", "past_deadline"]
    assert doc["year"] == 2025 and doc["spent_nok"] == exp["spent"] and doc["planned_nok"] == exp["planned"]
    assert {c["status"]: c["count"] for c in doc["counts"] if c["count"]} == exp["counts"]
    measures = {m["id"]: m for g in doc["goals"] for m in g["measures"]}
    for ident, row in exp["rows"].items():
        assert (measures[ident]["spent_nok"], measures[ident]["planned_nok"]) == (row["spent"], row["planned"])
        assert isinstance(measures[ident]["planned_nok"], int)
    assert sorted(doc["past_deadline"]) == exp["late"]
    # the same data gives the same bytes
    again = tmp_path / "igjen.json"
    assert _run("report", data, "--year", YEAR, "-o", again).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_a_municipalitys_report_has_the_common_measures_and_its_own(data, plan, tmp_path):
    out = tmp_path / "tynset.docx"
    res = _run("report", data, "--year", YEAR, "-o", out, "--kommune", "3427")
    assert res.exit_code == 0, res.output
    exp = _expected(plan, "3427")
    assert {"T-03", "T-11"} <= set(exp["rows"]) and not {"T-04", "T-10", "T-14", "T-17", "T-19"} & set(exp["rows"])
    _check_docx_numbers(out, plan, municipality="3427")
    assert "Gjelder Tynset kommune (3427)" in docx_all_text(out)
    as_json = tmp_path / "tynset.json"
    assert _run("report", data, "--year", YEAR, "-o", as_json, "--kommune", "3427").exit_code == 0
    doc = json.loads(as_json.read_text(encoding="utf-8"))
    assert doc["municipality"] == {"number": "3427", "name": "Tynset"}
    assert doc["spent_nok"] == exp["spent"] and doc["total_measures"] == len(exp["rows"])


def test_the_command_guards_its_output_and_refuses_what_it_cannot_do(data, tmp_path):
    as_json = tmp_path / "plan.json"
    as_json.write_text(json.dumps(_raw(), default=str, ensure_ascii=False), encoding="utf-8")
    kept = as_json.read_bytes()
    res = _run("report", as_json, "--year", YEAR, "-o", as_json, "--force")
    assert res.exit_code == 2 and "samme som inndatafila" in res.output and as_json.read_bytes() == kept
    out = tmp_path / "rapport.docx"
    out.write_bytes(b"fra f\xc3\xb8r")
    res = _run("report", data, "--year", YEAR, "-o", out)
    assert res.exit_code == 2 and "--force" in res.output and out.read_bytes() == "fra før".encode()
    assert _run("report", data, "--year", YEAR, "-o", out, "--force").exit_code == 0
    res = _run("report", data, "--year", YEAR, "-o", tmp_path / "rapport.pdf")
    assert res.exit_code == 2 and ".docx, .xlsx eller .json" in res.output
    res = _run("report", data, "--year", YEAR, "-o", tmp_path / "x.json", "--kommune", "0301")
    assert res.exit_code == 2 and "kommune 0301 er ikke med i planen" in res.output
    res = _run("report", data, "-o", tmp_path / "y.json")
    assert res.exit_code == 2 and "--year" in res.output
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "y.json").exists()


# -- inserted into the municipality's årsmelding -----------------------------------------------------------
def _arsmelding(path: Path) -> Path:
    """Write an årsmelding the way a municipality writes one: its chapters, header, footer, a comment and an image."""
    d = docx.Document()
    section = d.sections[0]
    section.header.paragraphs[0].text = "Årsmelding 2025 – Eksempel kommune"
    section.footer.paragraphs[0].text = "Behandlet i kommunestyret 24.04.2026"
    d.add_paragraph("Årsmelding 2025", style="Title")
    intro = d.add_paragraph("Kommunedirektøren legger fram årsmeldingen for 2025.")
    d.add_comment(intro.runs[0], text="Husk tallene fra regnskapet", author="Ola Nordmann", initials="ON")
    d.add_picture(io.BytesIO(png_bytes()))
    for title, text in (("Økonomi", "Driftsresultatet ble bedre enn budsjettert."),
                        ("Rusmiddelpolitisk handlingsplan", "Planen følges opp av Rusforum Østerdalen."),
                        ("Folkehelse", "Folkehelseoversikten er oppdatert.")):
        d.add_heading(title, level=1)
        d.add_paragraph(text)
    d.save(str(path))
    return path


def _texts(path: Path) -> list[str]:
    d = docx.Document(str(path))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in d.element.body.iter(f"{W}p")]


def _in_order(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(s == b for b in it) for s in small)


def test_the_report_goes_into_the_arsmelding_as_one_tagged_control_and_leaves_the_rest(data, plan, tmp_path):
    src = _arsmelding(tmp_path / "årsmelding.docx")
    before = src.read_bytes()
    out = tmp_path / "årsmelding-med-rapport.docx"
    res = _run("insert", src, data, "--what", "report", "--year", YEAR, "--at", "Rusmiddelpolitisk handlingsplan",
               "-o", out)
    assert res.exit_code == 0, res.output
    assert "Satt inn: docplan:report:2025" in res.output
    assert src.read_bytes() == before
    doc = PlanDocument.open(out)
    tags = [str(t) for t, _ in doc.tagged_items()]
    assert tags == ["docplan:report:2025"]  # one control, nothing tagged inside it
    sdt = doc.tagged_items()[0][1]
    heading = next(h for h in doc.headings() if h.text == "Rusmiddelpolitisk handlingsplan")
    assert heading.element.getnext() is sdt  # right after the chapter heading
    inside = [h for h in doc.headings() if sdt in h.element.iterancestors()]
    assert inside[0].text == f"Årsrapport 2025 – {plan.info.title}" and inside[0].level == 2
    assert {h.level for h in inside[1:]} == {3}
    assert all(tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
               for tbl in sdt.iter(qn("w:tbl")) for tr in tbl.findall(qn("w:tr"))[:1])
    # the planner's text, styles, header, footer, comment and image are untouched
    assert _in_order(_texts(src), _texts(out))
    zin, zout = zipfile.ZipFile(src), zipfile.ZipFile(out)
    for name in zin.namelist():
        assert name in zout.namelist()
        if name not in ("word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"):
            assert zin.read(name) == zout.read(name), name
    assert any(n.startswith("word/media/") for n in zout.namelist())
    assert any(n.startswith("word/comments") for n in zout.namelist())
    xml = zout.read("word/document.xml")
    for marker in (b"commentRangeStart", b"w:drawing", b"headerReference", b"footerReference"):
        assert marker in xml, marker
    # the numbers in the inserted tables are the data's
    text = docx_all_text(out)
    exp = _expected(plan)
    assert f"Brukt {_nok(exp['spent'])} av planlagt {_nok(exp['planned'])}." in text


def test_refresh_says_unchanged_until_the_data_changes_and_then_updates_the_report(data, tmp_path):
    src = _arsmelding(tmp_path / "årsmelding.docx")
    out = tmp_path / "med-rapport.docx"
    assert _run("insert", src, data, "--what", "report", "--year", YEAR, "--at", "Rusmiddelpolitisk handlingsplan",
                "-o", out).exit_code == 0
    same = tmp_path / "uendret.docx"
    res = _run("refresh", out, data, "-o", same)
    assert res.exit_code == 0, res.output
    assert "Uendret: 1 element" in res.output and "Oppdatert" not in res.output
    res = _run("list", out, data)
    assert "docplan:report:2025\toppdatert" in res.output
    # the unit reports T-14 after all, with money spent
    raw = _raw()
    t14 = next(m for m in raw["measures"] if m["id"] == "T-14")
    t14["reports"] = [{"year": YEAR, "status": "pågår", "done": "Tomt er kjøpt", "spent_nok": 250000}]
    t14.pop("status", None)
    changed = _write(tmp_path / "plan-endret.yaml", raw)
    newer = tmp_path / "oppdatert.docx"
    res = _run("refresh", out, changed, "-o", newer)
    assert res.exit_code == 0, res.output
    assert "Oppdatert: docplan:report:2025" in res.output
    exp = _expected(load_plan(data))
    text = docx_all_text(newer)
    assert f"Brukt {_nok(exp['spent'] + 250000)}" in text and "Tomt er kjøpt" in text
    assert _in_order(_texts(src), _texts(newer))
    assert [str(t) for t, _ in PlanDocument.open(newer).tagged_items()] == ["docplan:report:2025"]
    res = _run("refresh", newer, changed, "-o", tmp_path / "igjen.docx")
    assert "Uendret: 1 element" in res.output


def test_a_report_edited_by_hand_is_not_overwritten_unasked(data, tmp_path):
    src = _arsmelding(tmp_path / "årsmelding.docx")
    out = tmp_path / "med-rapport.docx"
    assert _run("insert", src, data, "--what", "report", "--year", YEAR, "--at", "Rusmiddelpolitisk handlingsplan",
                "-o", out).exit_code == 0
    doc = PlanDocument.open(out)
    sdt = doc.tagged_items()[0][1]
    para = [p for p in sdt.iter(qn("w:p")) if "Av " in "".join(t.text or "" for t in p.iter(qn("w:t")))][0]
    para.find(f".//{qn('w:t')}").text = "Kari skrev sammendraget selv. "
    doc.mark_changed(doc.main_part)
    edited = tmp_path / "endret.docx"
    doc.save(edited)
    res = _run("refresh", edited, data, "-o", tmp_path / "ny.docx")
    assert res.exit_code == 3 and "endret i dokumentet" in res.output
    assert "Kari skrev sammendraget selv." in docx_all_text(tmp_path / "ny.docx")


def test_insert_report_needs_a_year_and_a_municipality_gets_its_own_tag_in_nynorsk(data, tmp_path):
    src = _arsmelding(tmp_path / "årsmelding.docx")
    res = _run("insert", src, data, "--what", "report", "--at", "Rusmiddelpolitisk handlingsplan",
               "-o", tmp_path / "a.docx")
    assert res.exit_code == 2 and "--year" in res.output and "årsrapporten" in res.output
    assert not (tmp_path / "a.docx").exists()
    res = _run("insert", src, data, "--what", "goals", "--year", YEAR, "--at", "Folkehelse", "-o", tmp_path / "b.docx")
    assert res.exit_code == 2 and "--year brukes bare med --what report" in res.output
    out = tmp_path / "tynset-nn.docx"
    res = _run("insert", src, data, "--what", "report", "--year", YEAR, "--kommune", "3427", "--lang", "nn",
               "--at", "Rusmiddelpolitisk handlingsplan", "-o", out)
    assert res.exit_code == 0, res.output
    assert [str(t) for t, _ in PlanDocument.open(out).tagged_items()] == ["docplan:report:2025:3427"]
    text = docx_all_text(out)
    assert "Gjeld Tynset kommune (3427)" in text and "Status for tiltaka" in text and "ikkje starta" in text
    res = _run("refresh", out, data, "--lang", "nn", "-o", tmp_path / "igjen.docx")
    assert res.exit_code == 0 and "Uendret: 1 element" in res.output


def test_the_insert_engine_and_the_command_line_offer_the_same_items():
    from docplan.cli.document import WHAT as CLI_WHAT
    from docplan.insert import WHAT

    assert CLI_WHAT == WHAT and "report" in WHAT


def test_the_inserted_report_opens_in_libreoffice(data, tmp_path, soffice):
    src = _arsmelding(tmp_path / "årsmelding.docx")
    out = tmp_path / "med-rapport.docx"
    assert _run("insert", src, data, "--what", "report", "--year", YEAR, "--at", "Rusmiddelpolitisk handlingsplan",
                "-o", out).exit_code == 0
    text = " ".join(pdf_text(soffice_convert([out], tmp_path / "pdf")[0]).split())
    assert "Folkehelseoversikten er oppdatert." in text and "Årsrapport 2025" in text
    assert text.index("Rusmiddelpolitisk handlingsplan") < text.index("Årsrapport 2025") < text.index("Folkehelse")


# -- any statuses and amounts ---------------------------------------------------------------------------
_BASE = _raw()
_STATUSES = ["ikke startet", "pågår", "gjennomført", "utsatt", "avsluttet", "ikkje starta", "utsett", "avslutta", None]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_STATUSES), st.one_of(st.none(), st.integers(0, 5_000_000))),
                min_size=len(_BASE["measures"]), max_size=len(_BASE["measures"])))
def test_counts_and_totals_equal_the_data_for_any_statuses_and_amounts(entries):
    from docplan.report import build_report

    raw = copy.deepcopy(_BASE)
    for m, (status, spent) in zip(raw["measures"], entries):
        m.pop("reports", None)
        m["status"] = "pågår"
        if status is not None:
            m["reports"] = [{"year": YEAR, "status": status, "spent_nok": spent}]
            m.pop("status")
    plan = Plan.model_validate(raw)
    report = build_report(plan, YEAR)
    counts: dict[str, int] = {}
    for status, _spent in entries:
        key = SAME.get(status, status) if status else "ikke rapportert"
        counts[key] = counts.get(key, 0) + 1
    assert {s: n for s, n in report.counts.items() if n} == counts
    assert len(report.measures) == len(entries)
    assert report.spent_nok == sum(spent or 0 for status, spent in entries if status)
    assert report.planned_nok == sum(m.cost_by_year(plan.info.period).get(YEAR, 0) for m in plan.measures)
    assert sum(s.spent_nok for s in report.sections) == report.spent_nok
    summary = report.summary()
    assert summary.startswith(f"Av {len(entries)} tiltak er ")
    for status, n in counts.items():
        assert f"{n} {status}" in summary
