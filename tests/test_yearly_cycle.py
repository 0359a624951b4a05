"""The yearly cycle end to end, as a planner runs it on the Østerdalen example, in bokmål and nynorsk.

status export 2025 → the units fill it in → status import → report 2025 → roll to 2026 → statuses change →
report 2026 → diff. Every number in the reports is compared with what was filled in, computed here from the
filled values, not taken from docplan; every document is opened with python-docx and converted by LibreOffice.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml

from docplan.formatting import canonical_value
from docplan.i18n import display_value, translate
from docplan.loaders import load_plan, load_raw
from testkit import EXAMPLE, docx_all_text, soffice_convert

STATUSES = ("ikke startet", "pågår", "gjennomført", "utsatt", "avsluttet")
FINISHED = ("gjennomført", "avsluttet")


def docplan(*args, ok=(0,)):
    done = subprocess.run([sys.executable, "-m", "docplan", *map(str, args)], capture_output=True, text=True)
    assert done.returncode in ok, (args, done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done


def fill(workbook: Path, choose, lang: str) -> dict[str, dict]:
    """Fill every measure row of an exported status workbook as the units would; return what was entered by
    measure id. ``choose(measure id, row number)`` gives (status, done, spent, comment)."""
    headers = {key: translate(text, lang) for key, text in (
        ("id", "Tiltak-ID"), ("status", "Status"), ("done", "Hva ble gjort"), ("spent", "Brukt (kr)"),
        ("comment", "Kommentar"))}
    wb = openpyxl.load_workbook(workbook)
    entered: dict[str, dict] = {}
    for ws in wb.worksheets[1:]:  # the first sheet is the instructions
        head = next(r for r in ws.iter_rows(min_row=1, max_row=10) if any(c.value == headers["id"] for c in r))
        col = {key: next(c.column for c in head if c.value == text) for key, text in headers.items()}
        for row in range(head[0].row + 1, ws.max_row + 1):
            ident = ws.cell(row, col["id"]).value
            if not ident:
                continue
            status, done, spent, comment = choose(ident, len(entered))
            ws.cell(row, col["status"]).value = display_value(status, lang) if status else None
            ws.cell(row, col["done"]).value = done
            ws.cell(row, col["spent"]).value = spent
            ws.cell(row, col["comment"]).value = comment
            entered[ident] = {"status": status, "done": done, "spent_nok": spent, "comment": comment}
    wb.save(workbook)
    return entered


def planned_for(plan, measure_id: str, year: int) -> int:
    m = next(m for m in plan.measures if m.id == measure_id)
    return m.cost_by_year(plan.info.period).get(year, 0)


def check_report(path: Path, plan, year: int, entered: dict[str, dict]) -> None:
    """The JSON report's figures equal the entered values, counted here."""
    report = json.loads(path.read_text(encoding="utf-8"))
    assert report["year"] == year
    counts: dict[str, int] = {}
    for values in entered.values():
        counts[values["status"]] = counts.get(values["status"], 0) + 1
    assert {canonical_value(c["status"]): c["count"] for c in report["counts"] if c["count"]} == counts
    assert report["total_measures"] == len(entered)
    assert report["spent_nok"] == sum(v["spent_nok"] or 0 for v in entered.values())
    assert report["planned_nok"] == sum(planned_for(plan, ident, year) for ident in entered)
    rows = {m["id"]: m for goal in report["goals"] for m in goal["measures"]}
    assert set(rows) == set(entered)
    for ident, values in entered.items():
        row = rows[ident]
        assert (canonical_value(row["status"]), row["done"], row["spent_nok"], row["comment"]) == \
            (values["status"], values["done"], values["spent_nok"], values["comment"])
        assert row["planned_nok"] == planned_for(plan, ident, year)
    deadlines = {m.id: m.deadline for m in plan.measures}
    late = sorted(i for i, v in entered.items()
                  if deadlines[i] and deadlines[i].year <= year and v["status"] not in FINISHED)
    assert sorted(report["past_deadline"]) == late


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_three_years_of_the_cycle_on_the_example(tmp_path, soffice, lang):
    raw, _ = load_raw(EXAMPLE)
    raw = copy.deepcopy(raw)
    raw["meta"]["language"] = lang
    for goal in raw["goals"]:  # the planner fills in this year's figures (Ungdata, BrukerPlan …)
        if goal.get("indicator"):
            goal["indicator"]["values"] = [{"year": 2025, "value": "11"}]
    base = tmp_path / "plan.yaml"
    base.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # 2025: the units report
    docplan("status", "export", base, "--year", "2025", "-o", tmp_path / "status-2025.xlsx")
    entered_2025 = fill(tmp_path / "status-2025.xlsx", lambda ident, k: (
        STATUSES[k % 5], f"Gjort i {ident} & <kurs>" if k % 3 else None, 1000 * (k + 1),
        "Kommentar" if k % 4 == 0 else None), lang)
    assert len(entered_2025) == len(raw["measures"])
    docplan("status", "import", tmp_path / "status-2025.xlsx", base, "-o", tmp_path / "plan-2025.yaml")
    plan_2025 = load_plan(tmp_path / "plan-2025.yaml")
    for m in plan_2025.measures:
        want = entered_2025[m.id]
        [r] = m.reports
        assert (r.year, canonical_value(r.status), r.done, r.spent_nok, r.comment) == \
            (2025, want["status"], want["done"], want["spent_nok"], want["comment"])
        assert canonical_value(m.status) == want["status"]
    # importing the same sheet again changes nothing
    docplan("status", "import", tmp_path / "status-2025.xlsx", tmp_path / "plan-2025.yaml",
            "-o", tmp_path / "plan-2025-igjen.yaml")
    assert load_plan(tmp_path / "plan-2025-igjen.yaml").model_dump() == plan_2025.model_dump()

    for suffix in ("json", "docx", "xlsx"):
        docplan("report", tmp_path / "plan-2025.yaml", "--year", "2025", "-o", tmp_path / f"rapport-2025.{suffix}")
    check_report(tmp_path / "rapport-2025.json", plan_2025, 2025, entered_2025)
    words = docx_all_text(tmp_path / "rapport-2025.docx")
    assert "2025" in words and all(ident in words for ident in entered_2025)
    assert f"{sum(v['spent_nok'] for v in entered_2025.values()):,}".replace(",", "\u00a0") in words
    assert docx.Document(str(tmp_path / "rapport-2025.docx")).core_properties is not None
    assert openpyxl.load_workbook(tmp_path / "rapport-2025.xlsx").worksheets

    # 2026: roll, then the units report again
    rolled = docplan("roll", tmp_path / "plan-2025.yaml", "--to", "2026", "-o", tmp_path / "plan-2026.yaml",
                     ok=(0, 3))
    assert rolled.returncode == 3  # the example's passed deadlines are for the planner to decide
    plan_2026 = load_plan(tmp_path / "plan-2026.yaml")
    for m in plan_2026.measures:
        if entered_2025[m.id]["status"] in FINISHED:
            assert all(y < 2026 for y in m.years) and m.cost_by_year(plan_2026.info.period).get(2026, 0) == 0
    raw_2026, _ = load_raw(tmp_path / "plan-2026.yaml")
    for goal in raw_2026["goals"]:
        if goal.get("indicator"):
            goal["indicator"]["values"].append({"year": 2026, "value": "9"})
    (tmp_path / "plan-2026.yaml").write_text(yaml.safe_dump(raw_2026, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
    docplan("status", "export", tmp_path / "plan-2026.yaml", "--year", "2026", "-o", tmp_path / "status-2026.xlsx")

    def next_year(ident, k):
        before = entered_2025[ident]["status"]
        status = before if before in FINISHED else ("gjennomført" if before == "pågår" else "pågår")
        return status, f"Videre arbeid i {ident}", 500 * (k + 1), None
    entered_2026 = fill(tmp_path / "status-2026.xlsx", next_year, lang)
    docplan("status", "import", tmp_path / "status-2026.xlsx", tmp_path / "plan-2026.yaml",
            "-o", tmp_path / "plan-2026-rapportert.yaml")
    plan_2026 = load_plan(tmp_path / "plan-2026-rapportert.yaml")
    for m in plan_2026.measures:
        assert [r.year for r in m.reports] == [2025, 2026]
        assert canonical_value(m.status) == entered_2026[m.id]["status"]
    docplan("report", tmp_path / "plan-2026-rapportert.yaml", "--year", "2026", "-o", tmp_path / "rapport-2026.json")
    docplan("report", tmp_path / "plan-2026-rapportert.yaml", "--year", "2026", "-o", tmp_path / "rapport-2026.docx")
    check_report(tmp_path / "rapport-2026.json", plan_2026, 2026, entered_2026)

    # what changed over the year, for the saksframlegg
    changes = docplan("diff", tmp_path / "plan-2025.yaml", tmp_path / "plan-2026-rapportert.yaml",
                      "-o", tmp_path / "endringer.docx", ok=(0, 1))
    changed = [ident for ident in entered_2025 if entered_2025[ident]["status"] != entered_2026[ident]["status"]]
    assert changed and all(ident in changes.stdout for ident in changed)

    made = [tmp_path / name for name in ("rapport-2025.docx", "rapport-2026.docx", "endringer.docx")]
    for path in made:
        assert docx.Document(str(path)).paragraphs
    pdfs = soffice_convert(made + [tmp_path / "rapport-2025.xlsx"], tmp_path / "pdf")
    assert len(pdfs) == 4 and all(p.stat().st_size > 1000 for p in pdfs)
