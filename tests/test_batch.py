"""Batch generation (`docplan.batch`, `docplan batch`): real documents, opened by python-docx and LibreOffice."""

from __future__ import annotations

import copy
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from docplan.batch import (FAILED, MADE, MANIFEST_NAME, SKIPPED, SUMMARY_NAME, generate_batch, parse_selection,
                           safe_filename)
from docplan.errors import DataError
from docplan.loaders import load_plan, load_raw
from docplan.municipalities import municipality_register
from docplan.package import open_docx
from testkit import docx_all_text, pdf_text, soffice_convert

OSTERDALEN = ["3422", "3423", "3424", "3425", "3426", "3427", "3428", "3429", "3430"]


def _raw(example_path: Path) -> dict:
    raw, _ = load_raw(example_path)
    return copy.deepcopy(raw)


def _write(raw: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _docx_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.docx"))


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".docplan-tmp") or p.name.startswith(".docplan-pdf-")]


@pytest.fixture(scope="module")
def osterdalen_batch(tmp_path_factory, example_path):
    out = tmp_path_factory.mktemp("batch")
    summary = generate_batch(example_path, out, jobs=2)
    return out, summary


def test_osterdalen_gives_one_document_per_municipality_with_its_local_measures(osterdalen_batch, example_path):
    out, summary = osterdalen_batch
    plan = load_plan(example_path)
    assert summary.ok and [r.number for r in summary.made] == OSTERDALEN
    files = _docx_files(out)
    assert [f.name[:4] for f in files] == OSTERDALEN
    assert (out / "3422-Åmot.docx").is_file() and (out / "3423-Stor-Elvdal.docx").is_file()
    local = [m for m in plan.measures if m.scope == "lokal"]
    assert local, "the example must have local measures for this test to mean anything"
    for f in files:
        number = f.name[:4]
        text = docx_all_text(open_docx(f))
        assert plan.municipality(number).name in text
        for m in local:
            assert (m.title in text) == (number in m.municipalities), (f.name, m.id)
        for m in plan.measures:
            if m.scope == "felles":
                assert m.title in text


@pytest.mark.soffice
def test_every_batch_document_opens_in_libreoffice(osterdalen_batch, soffice, tmp_path):
    out, _ = osterdalen_batch
    files = _docx_files(out)
    pdfs = soffice_convert(files, tmp_path)  # one LibreOffice run for all nine
    assert len(pdfs) == 9
    text = pdf_text(tmp_path / "3427-Tynset.pdf")
    assert "Ungdomsklubben på Tynset" in text
    assert "Ungdomsklubben på Tynset" not in pdf_text(tmp_path / "3422-Åmot.pdf")


def test_summary_json_and_manifest_describe_the_run(osterdalen_batch):
    out, summary = osterdalen_batch
    data = json.loads((out / SUMMARY_NAME).read_text("utf-8"))
    assert data["ok"] is True and data["counts"] == {MADE: 9, SKIPPED: 0, FAILED: 0}
    assert {r["number"] for r in data["results"]} == set(OSTERDALEN)
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))["entries"]
    assert set(manifest) == set(OSTERDALEN)
    assert all(len(e["sha256"]) == 64 for e in manifest.values())


def test_two_runs_give_identical_bytes_in_pool_and_in_process(example_path, tmp_path):
    a = generate_batch(example_path, tmp_path / "a", jobs=2)
    b = generate_batch(example_path, tmp_path / "b", jobs=1, municipalities=["3427", "3430", "3422"])
    assert a.ok and b.ok
    for f in _docx_files(tmp_path / "b"):
        assert f.read_bytes() == (tmp_path / "a" / f.name).read_bytes(), f.name
    with zipfile.ZipFile(tmp_path / "a" / "3427-Tynset.docx") as zf:
        assert {zi.date_time for zi in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_unchanged_municipalities_are_skipped_unless_forced(example_path, tmp_path):
    out = tmp_path / "out"
    generate_batch(example_path, out, jobs=1)
    before = {f.name: f.stat().st_mtime_ns for f in _docx_files(out)}
    again = generate_batch(example_path, out, jobs=1)
    assert [r.status for r in again.results] == [SKIPPED] * 9
    assert {f.name: f.stat().st_mtime_ns for f in _docx_files(out)} == before

    raw = _raw(example_path)
    engerdal = next(m for m in raw["measures"] if m.get("municipalities") == ["3425"])
    engerdal["title"] = "Arbeidstrening i Engerdal tre dager i uka"
    changed = generate_batch(_write(raw, tmp_path / "changed.yaml"), out, jobs=1)
    assert [r.number for r in changed.made] == ["3425"]
    assert "tre dager i uka" in docx_all_text(out / "3425-Engerdal.docx")

    (out / "3430-Os.docx").write_bytes(b"edited by hand")  # an output that no longer matches the manifest
    repaired = generate_batch(_write(raw, tmp_path / "changed.yaml"), out, jobs=1)
    assert [r.number for r in repaired.made] == ["3430"]
    open_docx(out / "3430-Os.docx")

    forced = generate_batch(_write(raw, tmp_path / "changed.yaml"), out, jobs=1, force=True)
    assert len(forced.made) == 9


def test_a_broken_municipality_record_fails_only_that_municipality(example_path, tmp_path):
    raw = _raw(example_path)
    os_record = next(m for m in raw["municipalities"] if m["number"] == "3430")
    os_record["name"] = "Oslo"  # does not match kommunenummer 3430 (Os)
    engerdal_measure = next(m for m in raw["measures"] if m.get("municipalities") == ["3425"])
    engerdal_measure["cost_nok"] = -5
    data = _write(raw, tmp_path / "broken.yaml")
    summary = generate_batch(data, tmp_path / "out", jobs=2)
    assert not summary.ok
    assert sorted(r.number for r in summary.failed) == ["3425", "3430"]
    assert len(summary.made) == 7
    by_number = {r.number: r for r in summary.results}
    assert "Oslo" in by_number["3430"].message and "broken.yaml" in by_number["3430"].message
    assert re.search(r"linje \d+", by_number["3425"].message)
    assert not (tmp_path / "out" / "3430-Os.docx").exists()
    for r in summary.made:
        open_docx(tmp_path / "out" / r.file)


def test_a_broken_common_part_is_one_clear_error(example_path, tmp_path):
    raw = _raw(example_path)
    common = next(m for m in raw["measures"] if m.get("scope", "felles") == "felles")
    common["goal_ids"] = ["HM-99"]
    with pytest.raises(DataError) as err:
        generate_batch(_write(raw, tmp_path / "common.yaml"), tmp_path / "out", jobs=1)
    assert "HM-99" in err.value.format()
    assert not _docx_files(tmp_path / "out") if (tmp_path / "out").exists() else True


def _single_plans(example_path: Path, folder: Path, numbers: list[str]) -> None:
    raw = _raw(example_path)
    folder.mkdir()
    for number in numbers:
        one = copy.deepcopy(raw)
        one["municipalities"] = [m for m in raw["municipalities"] if m["number"] == number]
        one["plan"]["host_municipality"] = number
        one["measures"] = [m for m in raw["measures"]
                           if m.get("scope", "felles") == "felles" or number in m.get("municipalities", [])]
        for m in one["measures"]:
            m["municipalities"] = [n for n in m.get("municipalities", []) if n == number]
            m["kp_refs"] = [r for r in m.get("kp_refs", []) if r.startswith(number)]
        for g in one["goals"]:
            g["kp_refs"] = [r for r in g.get("kp_refs", []) if r.startswith(number)]
            for s in g.get("sub_goals", []):
                s["kp_refs"] = [r for r in s.get("kp_refs", []) if r.startswith(number)]
        one.pop("example_known_issues", None)
        _write(one, folder / f"{number}-plan.yaml")


def test_folder_of_plan_files_with_one_broken_file(example_path, tmp_path):
    folder = tmp_path / "plans"
    _single_plans(example_path, folder, ["3427", "3424"])
    (folder / "3425-plan.yaml").write_text("plan: [ikke: lukket\n", encoding="utf-8")
    (folder / "notater.txt").write_text("ignored", encoding="utf-8")
    summary = generate_batch(folder, tmp_path / "out", jobs=2)
    by_number = {r.number: r for r in summary.results}
    assert by_number["3427"].status == MADE and by_number["3424"].status == MADE
    assert by_number["3425"].status == FAILED and "3425-plan.yaml" in by_number["3425"].message
    assert "Ungdomsklubben på Tynset" in docx_all_text(tmp_path / "out" / "3427-Tynset.docx")
    assert "Ungdomsklubben på Tynset" not in docx_all_text(tmp_path / "out" / "3424-Rendalen.docx")
    selected = generate_batch(folder, tmp_path / "out2", municipalities=["3424", "3426"], jobs=1)
    assert [(r.number, r.status) for r in selected.results] == [("3424", MADE), ("3426", FAILED)]
    assert "ikke med i plandataene" in selected.results[1].message


def test_interrupted_run_leaves_only_complete_files_and_resumes(example_path, tmp_path):
    out = tmp_path / "out"
    seen = []

    def stop_after_three(result, done, total):
        seen.append(result.number)
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate_batch(example_path, out, jobs=2, progress=stop_after_three)
    files = _docx_files(out)
    assert len(files) == 3 and not _leftovers(out)
    for f in files:
        open_docx(f)
    summary = json.loads((out / SUMMARY_NAME).read_text("utf-8"))
    assert summary["interrupted"] is True and summary["ok"] is False
    resumed = generate_batch(example_path, out, jobs=2)
    assert len(resumed.skipped) == 3 and len(resumed.made) == 6


def _template_language(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        custom = zf.read("docProps/custom.xml").decode("utf-8")
    m = re.search(r'name="docplan.template_language"[^>]*>\s*<vt:lpwstr>(\w+)<', custom)
    assert m, custom
    return m.group(1)


def test_nynorsk_municipality_gets_the_nynorsk_template(example_path, tmp_path):
    raw = _raw(example_path)
    next(m for m in raw["municipalities"] if m["number"] == "3430")["language"] = "nn"
    summary = generate_batch(_write(raw, tmp_path / "nn.yaml"), tmp_path / "out", jobs=1,
                             municipalities=["3430", "3427"])
    langs = {r.number: r.language for r in summary.results}
    assert langs == {"3430": "nn", "3427": "nb"}
    assert _template_language(tmp_path / "out" / "3430-Os.docx") == "nn"
    assert _template_language(tmp_path / "out" / "3427-Tynset.docx") == "nb"
    forced = generate_batch(example_path, tmp_path / "forced", jobs=1, municipalities=["3427"], language="nn")
    assert forced.results[0].language == "nn"
    assert _template_language(tmp_path / "forced" / "3427-Tynset.docx") == "nn"


def test_cli_batch_reports_table_summary_and_exit_code(example_path, tmp_path):
    from docplan.cli import main

    runner = CliRunner()
    res = runner.invoke(main, ["batch", str(example_path), "-o", str(tmp_path / "out"),
                               "--kommune", "3427, 3424,9999", "--jobs", "1"])
    assert res.exit_code == 1, res.output
    assert "3427-Tynset.docx" in res.output and "kommunelisten for 2024" in res.output
    assert "2 laget, 0 uendret, 1 feilet" in res.output
    assert "[1/3]" in res.output  # plain progress lines when not on a terminal
    ok = runner.invoke(main, ["batch", str(example_path), "-o", str(tmp_path / "out"), "--all"])
    assert ok.exit_code == 0, ok.output
    assert "7 laget, 2 uendret, 0 feilet" in ok.output
    neither = runner.invoke(main, ["batch", str(example_path), "-o", str(tmp_path / "out")])
    assert neither.exit_code == 2 and "--all" in neither.output


def test_parse_selection_keeps_order_and_drops_duplicates():
    assert parse_selection("3427, 3424;3427 3430") == ["3427", "3424", "3430"]


_WINDOWS_RESERVED = set('<>:"/\\|?*')


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_safe_filename_is_safe_for_windows_and_zip(name):
    f = safe_filename("3427", name)
    assert f.startswith("3427") and f.endswith(".docx")
    stem = f[: -len(".docx")]
    assert not (_WINDOWS_RESERVED & set(f))
    assert all(ord(c) >= 32 and not c.isspace() for c in f)
    assert not stem.endswith((".", " ")) and len(f) <= 4 + 1 + 60 + 5


def test_every_2024_municipality_gets_a_distinct_readable_file_name():
    names = {safe_filename(n, info.name) for n, info in municipality_register().items()}
    assert len(names) == 357
    assert safe_filename("3422", "Åmot") == "3422-Åmot.docx"
    assert safe_filename("5001", "Trondheim - Tråante") == "5001-Trondheim-Tråante.docx"


@pytest.mark.soffice
def test_pdf_option_converts_in_one_run_and_reruns_skip(example_path, soffice, tmp_path):
    summary = generate_batch(example_path, tmp_path, municipalities=["3427", "3430"], pdf=True, jobs=1)
    assert [r.pdf for r in summary.results] == ["3427-Tynset.pdf", "3430-Os.pdf"]
    assert "Ungdomsklubben på Tynset" in pdf_text(tmp_path / "3427-Tynset.pdf")
    assert not _leftovers(tmp_path)
    again = generate_batch(example_path, tmp_path, municipalities=["3427"], pdf=True, jobs=1)
    assert again.results[0].status == SKIPPED and again.results[0].pdf == "3427-Tynset.pdf"
