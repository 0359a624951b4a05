"""Inserting and updating docplan items in a realistic municipal plan document."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from docplan.cli import main
from docplan.document import PlanDocument
from docplan.errors import DocumentError, InputError
from docplan.insert import Target, insert_items, list_items, refresh
from docplan.ooxml import qn
from docplan.ooxml.sdt import sdt_text
from docplan.state import read_state
from testkit import docx_all_text, pdf_text, soffice_convert
from tests.docfactory import BOOKMARK, PLACEHOLDER, municipal_plan


@pytest.fixture(scope="module")
def source() -> bytes:
    return municipal_plan()


def _texts(data: bytes) -> list[str]:
    d = docx.Document(io.BytesIO(data))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in d.element.body.iter(f"{w}p")]


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(s == b for b in it) for s in small)


def _insert_all(data: bytes, plan) -> tuple[PlanDocument, list]:
    doc = PlanDocument.open(data, name="plan.docx")
    reports = [insert_items(doc, plan, "measure-table", Target(placeholder=PLACEHOLDER)),
               insert_items(doc, plan, "goals", Target(heading="3 Mål")),
               insert_items(doc, plan, "kp-refs", Target(bookmark=BOOKMARK))]
    return doc, reports


def test_insert_keeps_everything_and_uses_document_styles(source, sample_plan):
    doc, reports = _insert_all(source, sample_plan)
    out = doc.to_bytes()
    assert all(r.inserted for r in reports)
    before, after = [t for t in _texts(source) if t != PLACEHOLDER], _texts(out)
    assert _is_subsequence(before, after)
    assert PLACEHOLDER not in after
    zin, zout = zipfile.ZipFile(io.BytesIO(source)), zipfile.ZipFile(io.BytesIO(out))
    for name in zin.namelist():  # every part kept; untouched parts identical
        assert name in zout.namelist()
        if name not in ("word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"):
            assert zin.read(name) == zout.read(name), name
    body = PlanDocument.open(out)
    tags = [str(t) for t, _ in body.tagged_items()]
    assert "docplan:measure-table:all" in tags and "docplan:goal:HM-1" in tags
    styles_used = {p.style_id for p in body.paragraphs()}
    assert {"Heading2", "Heading3"} <= styles_used
    styles_xml = zout.read("word/styles.xml")
    assert styles_xml == zin.read("word/styles.xml")  # no style definitions added
    tbl = next(el for t, el in body.tagged_items() if t.kind == "measure-table")
    assert tbl.find(f".//{qn('w:tblStyle')}").get(qn("w:val")) == "TableGrid"
    # goals land right after the heading, in data order
    heads = [h.title for h in body.headings()]
    i = heads.index("Mål")
    assert heads[i + 1].startswith("HM-1 ")
    # the comment, header, footnote and image are still referenced
    xml = zout.read("word/document.xml")
    for marker in (b"commentRangeStart", b"footnoteReference", b"w:drawing", b"w:ins ", b"w:del "):
        assert marker in xml, marker


def test_second_run_is_byte_identical(source, sample_plan):
    doc, _ = _insert_all(source, sample_plan)
    once = doc.to_bytes()
    again, reports = _insert_all(once, sample_plan)
    assert not any(r.inserted or r.updated for r in reports)
    assert again.to_bytes() == once
    doc3 = PlanDocument.open(once)
    assert not refresh(doc3, sample_plan).changed
    assert doc3.to_bytes() == once


def _edit_item(data: bytes, tag: str, new_text: str) -> bytes:
    doc = PlanDocument.open(data)
    sdt = next(el for t, el in doc.tagged_items() if str(t) == tag)
    sdt.find(f".//{qn('w:t')}").text = new_text
    doc.mark_changed(doc.main_part)
    return doc.to_bytes()


def test_manual_edit_is_reported_and_only_overwritten_with_force(source, sample_plan):
    doc, _ = _insert_all(source, sample_plan)
    edited = _edit_item(doc.to_bytes(), "docplan:goal:HM-2", "HM-2 Kari skrev om dette målet")
    statuses = {i.tag: i.status for i in list_items(PlanDocument.open(edited), sample_plan)}
    assert statuses["docplan:goal:HM-2"] == "edited"
    assert statuses["docplan:goal:HM-1"] == "current"
    plan = sample_plan.model_copy(deep=True)
    plan.goals[1].title = "Nytt navn fra dataene"
    plan.goals[0].title = "Også endret"
    d = PlanDocument.open(edited)
    report = refresh(d, plan)
    assert [p.code for p in report.conflicts] == ["manual_edit"]
    assert "docplan:goal:HM-1" in report.updated
    kept = d.to_bytes()
    assert "Kari skrev om dette målet" in docx_all_text(docx.Document(io.BytesIO(kept)))
    # still a conflict next time (the planner's text is not silently adopted)
    assert refresh(PlanDocument.open(kept), plan).conflicts
    forced = PlanDocument.open(kept)
    report = refresh(forced, plan, force=True)
    assert "docplan:goal:HM-2" in report.updated and not report.conflicts
    text = docx_all_text(docx.Document(io.BytesIO(forced.to_bytes())))
    assert "Kari skrev" not in text and "HM-2 Nytt navn fra dataene" in text


def test_kp_refresh_updates_short_form_and_quote_and_reports_missing(source, sample_plan):
    doc, _ = _insert_all(source, sample_plan)
    data = doc.to_bytes()
    plan = sample_plan.model_copy(deep=True)
    item = plan.resolve_kp_ref("3427:KP-3.2").item
    item.title = "Tidlig innsats for alle"
    item.text = "Ny tekst i revidert samfunnsdel."
    muni = plan.municipality("3426")
    for mp in muni.master_plans:
        mp.items = [i for i in mp.items if i.id != "KP-1.3"]
    d = PlanDocument.open(data)
    report = refresh(d, plan)
    assert "docplan:kp-quote:3427:KP-3.2" in report.updated
    assert any("3426:KP-1.3" in p.message for p in report.missing_kp)
    items = {t: el for t, el in ((str(t), el) for t, el in d.tagged_items())}
    assert "Ny tekst i revidert samfunnsdel." in sdt_text(items["docplan:kp-quote:3427:KP-3.2"])
    short = [sdt_text(el) for t, el in d.tagged_items() if str(t) == "docplan:kp-ref:3427:KP-3.2"]
    assert short and all("Tidlig innsats for alle" in s for s in short)


def test_nynorsk(source, sample_plan):
    doc = PlanDocument.open(source)
    insert_items(doc, sample_plan, "measure-table", Target(heading_end="4 Tiltak"), lang="nn")
    text = docx_all_text(docx.Document(io.BytesIO(doc.to_bytes())))
    assert "Ansvarleg" in text and "Samarbeidspartnarar" in text


def test_insertion_point_missing_changes_nothing(source, sample_plan):
    for target in (Target(heading="Finnes ikke"), Target(bookmark="nope"), Target(placeholder="[[x]]"), Target()):
        doc = PlanDocument.open(source)
        with pytest.raises((DocumentError, InputError)) as err:
            insert_items(doc, sample_plan, "goals", target)
        assert err.value.code in ("insertion_point_missing", "no_insertion_point")
        assert doc.changed_parts == set()


def test_new_measure_goes_after_previous_without_insertion_point(source, sample_plan):
    doc = PlanDocument.open(source)
    plan = sample_plan.model_copy(deep=True)
    extra = plan.measures.pop()
    insert_items(doc, plan, "measures", Target(heading="4 Tiltak"))
    plan.measures.append(extra)
    report = insert_items(doc, plan, "measures")
    assert report.inserted == [f"docplan:measure:{extra.id}"]
    tags = [str(t) for t, el in doc.tagged_items() if t.kind == "measure"]
    assert tags[-1] == f"docplan:measure:{extra.id}"


@pytest.mark.soffice
def test_outputs_open_in_libreoffice(source, sample_plan, soffice, tmp_path):
    doc, _ = _insert_all(source, sample_plan)
    a = doc.save(tmp_path / "alle.docx")
    nn = PlanDocument.open(source)
    insert_items(nn, sample_plan, "measures", Target(heading="4 Tiltak"), lang="nn")
    b = nn.save(tmp_path / "tiltak-nn.docx")
    pdfs = soffice_convert([a, b], tmp_path / "pdf")
    text = pdf_text(pdfs[0])
    assert "HM-1" in text and "Nr." in text and "Vedtatt av kommunestyret" in text
    assert "Ansvarleg" in pdf_text(pdfs[1])


# -- CLI -------------------------------------------------------------------------------------------
def test_cli_insert_refresh_list(tmp_path, example_path):
    src = tmp_path / "plan.docx"
    municipal_plan(src)
    original = src.read_bytes()
    out = tmp_path / "ut.docx"
    runner = CliRunner()
    res = runner.invoke(main, ["insert", str(src), str(example_path), "--what", "measure-table",
                               "--placeholder", PLACEHOLDER, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Satt inn: docplan:measure-table:all" in res.output
    assert src.read_bytes() == original  # input untouched
    assert read_state(out.read_bytes())
    res = runner.invoke(main, ["list", str(out), str(example_path)])
    assert res.exit_code == 0 and "docplan:measure-table:all\toppdatert" in res.output
    res = runner.invoke(main, ["insert", str(src), str(example_path), "-o", str(src)])
    assert res.exit_code == 2 and "samme som inndatafila" in res.output
    res = runner.invoke(main, ["refresh", str(out), str(example_path), "--in-place"])
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "ut.docx.bak").exists()  # nothing changed, nothing written


def test_cli_conflict_exit_code_and_in_place_backup(tmp_path, example_path, sample_plan):
    doc = PlanDocument.open(municipal_plan())
    insert_items(doc, sample_plan, "goals", Target(heading="3 Mål"))
    path = tmp_path / "plan.docx"
    path.write_bytes(_edit_item(doc.to_bytes(), "docplan:goal:HM-1", "Endret av planleggeren"))
    runner = CliRunner()
    res = runner.invoke(main, ["refresh", str(path), str(example_path), "-o", str(tmp_path / "a.docx")])
    assert res.exit_code == 3  # refreshing would overwrite the planner's text
    assert "Endret av planleggeren" in docx_all_text(tmp_path / "a.docx")
    data = tmp_path / "plan.yaml"
    data.write_text(example_path.read_text(encoding="utf-8").replace(sample_plan.goals[0].title, "Nytt mål"),
                    encoding="utf-8")
    res = runner.invoke(main, ["refresh", str(path), str(data), "--in-place"])
    assert res.exit_code == 3, res.output
    assert "--force" in res.output and "docplan:goal:HM-1" in res.output
    res = runner.invoke(main, ["refresh", str(path), str(data), "--in-place", "--force"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "plan.docx.bak").exists()
    assert "HM-1 Nytt mål" in docx_all_text(path)


@pytest.mark.parametrize("content, code", [
    (b"not a docx", "ikke et Word-dokument"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "passordbeskyttet"),
])
def test_cli_bad_document_no_output(tmp_path, example_path, content, code):
    src = tmp_path / "plan.docx"
    src.write_bytes(content)
    out = tmp_path / "ut.docx"
    res = CliRunner().invoke(main, ["insert", str(src), str(example_path), "--at", "Tiltak", "-o", str(out)])
    assert res.exit_code == 1 and code in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_cli_strict_ooxml_refused(tmp_path, example_path):
    data = municipal_plan()
    buf = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(buf, "w") as zf:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "_rels/.rels":
                body = body.replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
                                    b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument")
            zf.writestr(info.filename, body)
    path = tmp_path / "strict.docx"
    path.write_bytes(buf.getvalue())
    res = CliRunner().invoke(main, ["insert", str(path), str(example_path), "--at", "Tiltak", "-o",
                                    str(tmp_path / "o.docx")])
    assert res.exit_code == 1 and "Strict" in res.output
    assert not (tmp_path / "o.docx").exists()


def test_cli_missing_heading(tmp_path, example_path):
    src = tmp_path / "plan.docx"
    municipal_plan(src)
    res = CliRunner().invoke(main, ["insert", str(src), str(example_path), "--at", "Kapittel 99",
                                    "-o", str(tmp_path / "o.docx")])
    assert res.exit_code == 1 and "fant ingen overskrift «Kapittel 99»" in res.output
    assert not (tmp_path / "o.docx").exists()


def test_heading_by_outline_number_and_placeholder_in_table_cell(sample_plan):
    d = docx.Document()
    d.add_heading("1 Innledning", level=1)
    d.add_heading("2.1 Lokale føringer", level=2)
    d.add_paragraph("Tekst.")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Tiltak:"
    table.cell(0, 1).text = PLACEHOLDER
    buf = io.BytesIO()
    d.save(buf)
    doc = PlanDocument.open(buf.getvalue())
    insert_items(doc, sample_plan, "kp-refs", Target(heading="2.1"))
    insert_items(doc, sample_plan, "measures", Target(placeholder=PLACEHOLDER))
    out = doc.to_bytes()
    body = PlanDocument.open(out).body
    cell = body.findall(f".//{qn('w:tc')}")[1]
    assert cell.find(qn("w:sdt")) is not None and cell[-1].tag == qn("w:p")  # a cell ends with a paragraph
    first_after_heading = [h for h in PlanDocument.open(out).headings()][1].element.getnext()
    assert first_after_heading.tag == qn("w:sdt")
    assert PLACEHOLDER not in docx_all_text(docx.Document(io.BytesIO(out)))


def test_ambiguous_heading_is_refused(sample_plan):
    d = docx.Document()
    d.add_heading("Tiltak", level=1)
    d.add_heading("Tiltak", level=1)
    buf = io.BytesIO()
    d.save(buf)
    with pytest.raises(DocumentError) as err:
        insert_items(PlanDocument.open(buf.getvalue()), sample_plan, "goals", Target(heading="tiltak"))
    assert err.value.code == "ambiguous" and "flere ganger" in err.value.message


_PLAN = {}


def _fresh_plan():
    if "p" not in _PLAN:
        from docplan.loaders import load_plan
        from testkit import EXAMPLE

        _PLAN["p"] = load_plan(EXAMPLE)
    return _PLAN["p"].model_copy(deep=True)


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"),
                min_size=1, max_size=40).filter(lambda s: s.strip() == s)


@settings(max_examples=25, deadline=None)
@given(titles=st.lists(_TEXT, min_size=1, max_size=4), responsible=_TEXT)
def test_any_data_round_trips_and_updates_idempotently(titles, responsible):
    plan = _fresh_plan()
    base = municipal_plan() if "doc" not in _PLAN else _PLAN["doc"]
    _PLAN["doc"] = base
    for m, title in zip(plan.measures, titles):
        m.title = title
    plan.measures[0].responsible = responsible
    doc = PlanDocument.open(base)
    insert_items(doc, plan, "measure-table", Target(placeholder=PLACEHOLDER))
    once = doc.to_bytes()
    again = PlanDocument.open(once)
    report = refresh(again, plan)
    assert not report.changed and not report.conflicts
    assert again.to_bytes() == once
    texts = _texts(once)
    for title in titles:
        assert title in texts
    assert responsible in texts


def test_refresh_goes_row_by_row_and_keeps_an_edited_row(source, sample_plan):
    """One edited row (T-05) no longer freezes the table: T-01's new cost is written, T-05 is kept and
    reported, and the sum row follows the data."""
    doc = PlanDocument.open(source)
    insert_items(doc, sample_plan, "measure-table", Target(heading="4 tiltak:"))  # colon and case ignored
    edited = _edit_item(doc.to_bytes(), "docplan:measure:T-05", "T-05 rettet av Kari")
    plan = sample_plan.model_copy(deep=True)
    t01 = next(m for m in plan.measures if m.id == "T-01")
    t01.cost_nok = (t01.cost_nok or 0) + 123_000
    result = PlanDocument.open(edited)
    report = refresh(result, plan)
    assert [p.code for p in report.conflicts] == ["manual_edit"]
    assert "docplan:measure:T-05" in report.conflicts[0].message and report.held == ["docplan:measure:T-05"]
    assert "docplan:measure:T-01" in report.updated
    text = docx_all_text(docx.Document(io.BytesIO(result.to_bytes())))
    assert "T-05 rettet av Kari" in text
    assert f"{t01.cost_nok:,}".replace(",", "\u00a0") in text
    statuses = {i.tag: i.status for i in list_items(PlanDocument.open(result.to_bytes()), plan)}
    assert statuses["docplan:measure:T-05"] == "edited" and statuses["docplan:measure:T-01"] == "current"
    assert statuses["docplan:measure-table:all"] == "current"


def test_a_row_the_plan_dropped_is_removed_unless_the_planner_edited_it(source, sample_plan):
    doc = PlanDocument.open(source)
    insert_items(doc, sample_plan, "measure-table", Target(heading="4 Tiltak"))
    plan = sample_plan.model_copy(deep=True)
    plan.measures = [m for m in plan.measures if m.id != "T-03"]
    plan.goals[0].kp_refs = plan.goals[0].kp_refs  # untouched
    clean = PlanDocument.open(doc.to_bytes())
    assert "docplan:measure-table:all" in refresh(clean, plan).updated
    assert "docplan:measure:T-03" not in {c.name for c in PlanDocument.open(clean.to_bytes()).all_controls()}
    kept = PlanDocument.open(_edit_item(doc.to_bytes(), "docplan:measure:T-03", "T-03 som Kari vil ha det"))
    report = refresh(kept, plan)
    assert report.conflicts and "T-03 som Kari vil ha det" in docx_all_text(docx.Document(io.BytesIO(kept.to_bytes())))


def test_kp_placeholder_in_own_text_becomes_inline_reference(sample_plan):
    d = docx.Document()
    d.add_heading("2 Føringer", level=1)
    p = d.add_paragraph("Planen følger opp målet ")
    r = p.add_run("[[kp:3427:KP-3.2]] og [[kp:3427:KP-99]].")
    r.italic = True
    p.add_run(" Slutt.")
    buf = io.BytesIO()
    d.save(buf)
    doc = PlanDocument.open(buf.getvalue())
    report = insert_items(doc, sample_plan, "kp-refs")  # no insertion point needed for inline references
    assert report.inserted == ["docplan:kp-ref:3427:KP-3.2", "docplan:kp-ref:3427:KP-99"]
    assert [p.message for p in report.missing_kp] and "KP-99" in report.missing_kp[0].message
    out = doc.to_bytes()
    text = docx_all_text(docx.Document(io.BytesIO(out)))
    short = sample_plan.resolve_kp_ref("3427:KP-3.2").item.title
    assert f"Planen følger opp målet jf. kommuneplanens samfunnsdel (Tynset), KP-3.2 {short} og " in text
    assert text.endswith(". Slutt.")
    sdt = next(el for t, el in PlanDocument.open(out).tagged_items() if t.id == "3427:KP-3.2")
    assert sdt.find(f".//{qn('w:i')}") is not None  # the planner's run formatting is kept
    again = PlanDocument.open(out)
    assert not insert_items(again, sample_plan, "kp-refs").changed
    assert again.to_bytes() == out


def test_refresh_of_inline_reference_keeps_formatting(sample_plan):
    d = docx.Document()
    d.add_paragraph("Se ").add_run("[[kp:3427:KP-3.2]]").bold = True
    buf = io.BytesIO()
    d.save(buf)
    doc = PlanDocument.open(buf.getvalue())
    insert_items(doc, sample_plan, "kp-refs")
    plan = sample_plan.model_copy(deep=True)
    plan.resolve_kp_ref("3427:KP-3.2").item.title = "Nytt punktnavn"
    again = PlanDocument.open(doc.to_bytes())
    assert refresh(again, plan).updated == ["docplan:kp-ref:3427:KP-3.2"]
    sdt = next(el for _, el in again.tagged_items())
    assert "Nytt punktnavn" in sdt_text(sdt) and sdt.find(f".//{qn('w:b')}") is not None


def test_rendered_documents_carry_a_record_so_data_changes_update(sample_plan):
    from docplan.render import render_plan

    rendered = render_plan(sample_plan)  # render_plan records what it wrote in the docplan state part
    plan = sample_plan.model_copy(deep=True)
    plan.goals[0].title = "Nytt hovedmål"
    statuses = {i.tag: i.status for i in list_items(PlanDocument.open(rendered), plan)}
    assert statuses["docplan:goal:HM-1"] == "stale"
    report = refresh(PlanDocument.open(rendered), plan)
    assert "docplan:goal:HM-1" in report.updated and not report.conflicts


def test_items_without_record_are_not_overwritten_unasked(sample_plan):
    from docplan.render import render_plan

    without = PlanDocument.open(render_plan(sample_plan))
    without.write_state({})  # a document whose controls docplan has no record of
    rendered = without.to_bytes()
    plan = sample_plan.model_copy(deep=True)
    plan.goals[0].title = "Nytt hovedmål"
    statuses = {i.tag: i.status for i in list_items(PlanDocument.open(rendered), plan)}
    assert statuses["docplan:goal:HM-1"] == "unknown"
    doc = PlanDocument.open(rendered)
    report = refresh(doc, plan)
    assert "docplan:goal:HM-1" in {p.message.split("»")[0].lstrip("«") for p in report.conflicts}
    assert all(p.code == "unrecorded" for p in report.conflicts)
    forced = PlanDocument.open(rendered)
    assert "docplan:goal:HM-1" in refresh(forced, plan, force=True).updated
    # from now on docplan has a record: the next data change is a plain update
    plan.goals[0].title = "Enda et nytt navn"
    again = PlanDocument.open(forced.to_bytes())
    report = refresh(again, plan)
    assert "docplan:goal:HM-1" in report.updated and not [p for p in report.conflicts if "HM-1" in p.message]


def test_cli_insert_all_then_list_without_data(tmp_path, example_path):
    src = tmp_path / "plan.docx"
    municipal_plan(src)
    out = tmp_path / "alt.docx"
    runner = CliRunner()
    res = runner.invoke(main, ["insert", str(src), str(example_path), "--what", "all", "--at-end", "3 Mål",
                               "-o", str(out)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["list", str(out), "--json"])
    assert res.exit_code == 0
    import json

    items = json.loads(res.output)
    kinds = {i["kind"] for i in items}
    assert {"goal", "measure-table", "measure", "kp-ref", "kp-quote"} <= kinds
    assert {i["status"] for i in items} == {"current"}
    res = runner.invoke(main, ["insert", str(src), str(example_path), "--at", "x", "--bookmark", "y",
                               "-o", str(out)])
    assert res.exit_code == 2 and "bare én av" in res.output


def test_in_place_refresh_with_only_conflicts_leaves_the_file_alone(tmp_path, example_path, sample_plan):
    from docplan.render import render_plan

    doc = PlanDocument.open(render_plan(sample_plan))
    tag, sdt = next((t, s) for t, s in doc.tagged_items() if str(t) == "docplan:goal:HM-1")
    sdt.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t").text = "Egen formulering"
    doc.mark_changed(doc.main_part)
    path = tmp_path / "plan.docx"
    doc.save(path)
    before = path.read_bytes()
    changed = tmp_path / "endret.yaml"
    changed.write_text(example_path.read_text("utf-8").replace(
        "Senere debut og mindre rusbruk blant barn og unge", "Senere alkoholdebut"), encoding="utf-8")
    res = CliRunner().invoke(main, ["refresh", str(path), str(changed), "--in-place"])
    assert res.exit_code == 3
    assert "ikke skrevet på nytt" in res.output and "Resten er lagret" not in res.output
    assert path.read_bytes() == before and not (tmp_path / "plan.docx.bak").exists()
