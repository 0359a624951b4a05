"""`docplan kp import`: a kommuneplan document becomes a KP catalogue in the one catalogue schema."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import yaml
from click.testing import CliRunner
from lxml import etree

from docplan.cli import main
from docplan.errors import DataError, DocumentError, InputError
from docplan.kommuneplan import catalogue_dict, import_kommuneplan, is_stop_chapter, letters, parse_date, parse_labelled
from docplan.model import MasterPlan
from tests.docfactory import add_multilevel_numbering

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _numbered(paragraph, num_id: str = "1", level: str = "0") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num = etree.SubElement(ppr, f"{{{W}}}numPr")
    etree.SubElement(num, f"{{{W}}}ilvl").set(f"{{{W}}}val", level)
    etree.SubElement(num, f"{{{W}}}numId").set(f"{{{W}}}val", num_id)


def kommuneplan_docx(auto_headings: bool = False, kommune: str | None = "Tynset kommune") -> bytes:
    d = docx.Document()
    heading_list = add_multilevel_numbering(d)
    d.add_paragraph("Kommuneplanens samfunnsdel 2024–2036", style="Title")
    if kommune:
        d.add_paragraph(kommune)
    d.add_paragraph("Vedtatt av kommunestyret 21. mars 2024, versjon 2.1")
    toc = d.add_paragraph("1 Innledning 3")  # a table-of-contents line must not become an item
    etree.SubElement(toc._p.get_or_add_pPr(), f"{{{W}}}pStyle").set(f"{{{W}}}val", "TOC1")
    heads = [(1, "1", "Innledning"), (1, "3", "Oppvekst"), (2, "3.2", "Forebygging og tidlig innsats"),
             (1, "4", "Bolig")]
    for level, number, title in heads:
        text = title if auto_headings else f"{number} {title}"
        p = d.add_heading(text, level=level)
        if auto_headings:
            _numbered(p, heading_list, str(level - 1))
        if number == "1":
            d.add_paragraph("Planen bygger på:")
            d.add_paragraph("Plan- og bygningsloven", style="List Bullet")
        if number == "3.2":
            d.add_paragraph("Vi vil oppdage og følge opp barn og unge som strever, så tidlig som mulig.")
            d.add_paragraph("Styrke helsestasjon og skolehelsetjeneste", style="List Number")
            d.add_paragraph("Gode overganger mellom barnehage og skole", style="List Number")
            d.add_paragraph("Tjenestene i dag er:")
            d.add_paragraph("En punktliste som ikke er mål", style="List Bullet")
        if number == "4":
            d.add_paragraph("Mål 4.1: Trygge boliger for alle")
            d.add_paragraph("4.2 Boligsosial handlingsplan følges opp")
            d.add_paragraph("Vi vil:")
            d.add_paragraph("Bygge flere utleieboliger", style="List Bullet")
    d.add_heading("Vedlegg", level=1)
    d.add_paragraph("Kart", style="List Number")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_goal_chapters_and_their_goals_become_items_and_prose_chapters_do_not():
    res = import_kommuneplan(kommuneplan_docx(), name="kp.docx")
    mp = res.master_plan
    assert mp.plan_name == "Kommuneplanens samfunnsdel 2024–2036"
    assert mp.part == "samfunnsdel"
    assert mp.adopted == dt.date(2024, 3, 21) and mp.version == "2.1"
    assert [i.id for i in mp.items] == ["KP-3", "KP-3.2", "KP-3.2.1", "KP-3.2.2", "KP-4", "KP-4.1", "KP-4.2",
                                        "KP-4.2.a"]
    item = {i.id: i for i in mp.items}
    assert item["KP-3.2"].title == "Forebygging og tidlig innsats"
    assert item["KP-3.2"].text.startswith("Vi vil oppdage")
    assert item["KP-3.2.1"].title == "Styrke helsestasjon og skolehelsetjeneste"
    assert (item["KP-4.1"].title, item["KP-4.1"].label) == ("Trygge boliger for alle", "Mål")
    assert (item["KP-4.2.a"].numbered, item["KP-4.2.a"].kind) == (False, "strategi")
    assert item["KP-3"].kind == "satsingsområde"
    assert res.municipality == ("3427", "Tynset")
    assert any("En punktliste som ikke er mål" in line for line in res.unrecognised)
    MasterPlan.model_validate(mp.model_dump())


def test_word_auto_numbering_gives_the_numbers_word_shows():
    ids = [i.id for i in import_kommuneplan(kommuneplan_docx(auto_headings=True)).master_plan.items]
    assert ids[:4] == ["KP-2", "KP-2.1", "KP-2.1.1", "KP-2.1.2"]  # Word counts; the typed numbers are gone


def test_the_same_document_gives_the_same_ids_and_an_edit_elsewhere_keeps_them():
    first = [(i.id, i.title) for i in import_kommuneplan(kommuneplan_docx()).master_plan.items]
    assert first == [(i.id, i.title) for i in import_kommuneplan(kommuneplan_docx()).master_plan.items]
    d = docx.Document(io.BytesIO(kommuneplan_docx()))
    d.add_paragraph("Nytt avsnitt til slutt i vedlegget.")
    buf = io.BytesIO()
    d.save(buf)
    assert [(i.id, i.title) for i in import_kommuneplan(buf.getvalue()).master_plan.items] == first


def test_a_document_without_goals_is_refused_in_norwegian():
    d = docx.Document()
    d.add_heading("Innledning", level=1)
    d.add_paragraph("Bare tekst.")
    buf = io.BytesIO()
    d.save(buf)
    with pytest.raises(DocumentError) as err:
        import_kommuneplan(buf.getvalue(), name="tom.docx")
    assert err.value.code == "no_kp_items" and "tom.docx" in err.value.format()


@pytest.mark.parametrize("text, date", [("23.06.2005", dt.date(2005, 6, 23)), ("31.03.08", dt.date(2008, 3, 31)),
                                        ("6. 2. 2013", dt.date(2013, 2, 6)), ("10. februar 2011", dt.date(2011, 2, 10)),
                                        ("19.mars 2014", dt.date(2014, 3, 19)), ("27.febr 2017", dt.date(2017, 2, 27)),
                                        ("31.02.2020 og 1.3.2020", dt.date(2020, 3, 1)), ("ingen dato", None)])
def test_norwegian_dates_in_their_real_forms(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text, expected", [
    ("Hovedmål 2: Trygg oppvekst", ("Hovedmål", "2", "Trygg oppvekst")),
    ("Livskvalitet Hovedmål 1: Alle skal ha ein god kvardag", ("Hovedmål", "1", "Alle skal ha ein god kvardag")),
    ("Delmål 1.3 – Færre unge drikker", ("Delmål", "1.3", "Færre unge drikker")),
    ("Mål 2.1 Trygge oppvekstmiljø", ("Mål", "2.1", "Trygge oppvekstmiljø")),
    ("Hovudmål 3:", ("Hovudmål", "3", None)),
    ("Målsetjing 1: Færre skadar", ("Målsetjing", "1", "Færre skadar")),
])
def test_a_goal_label_gives_its_word_number_and_title(text, expected):
    assert parse_labelled(text) == expected


@pytest.mark.parametrize("text", ["Dette er i tråd med mål 3 i folkehelseplanen.", "Mål, innsatsområder og tiltak",
                                  "Hovudmålsetjingar og strategiar", "Målet for 2024 er nådd", "Mål 2024: flere"])
def test_prose_and_headings_that_only_mention_goals_are_not_goals(text):
    assert parse_labelled(text) is None


@pytest.mark.parametrize("title, stop", [("Forord", True), ("2 Innleiing", True), ("Utgangspunktet: Dagens virkelighet",
                                         True), ("Arealstrategi", True), ("Vedlegg 2 Kart", True), ("3.1 Bakgrunn", True),
                                         ("Oppvekst og levekår", False), ("Bedre oppfølging av barn", False)])
def test_chapters_that_are_not_about_goals_are_known_by_their_first_word(title, stop):
    assert is_stop_chapter(title) is stop


def test_unnumbered_ids_use_letters_like_words_lists():
    assert [letters(n) for n in (1, 2, 26, 27, 28)] == ["a", "b", "z", "aa", "bb"]


def test_the_catalogue_is_in_the_plan_datas_municipalities_shape():
    data = catalogue_dict(import_kommuneplan(kommuneplan_docx()))
    (muni,) = data["municipalities"]
    assert (muni["number"], muni["name"]) == ("3427", "Tynset")
    items = muni["master_plans"][0]["items"]
    assert items[0] == {"id": "KP-3", "title": "Oppvekst", "number": "3", "kind": "satsingsområde"}
    assert items[-1]["numbered"] is False and "number" not in items[-1]


def test_the_catalogue_goes_into_plan_data_as_it_is(sample_plan):
    from docplan.loaders import validate_plan

    imported = catalogue_dict(import_kommuneplan(kommuneplan_docx()))["municipalities"][0]
    raw = sample_plan.model_dump(mode="json", by_alias=True, exclude_none=True)
    tynset = next(m for m in raw["municipalities"] if m["number"] == "3427")
    tynset["master_plans"] = imported["master_plans"]
    raw["measures"][0]["kp_refs"] = ["3427:KP-4.2.a"]
    for m in raw["measures"][1:]:
        m["kp_refs"] = [r for r in m.get("kp_refs", []) if not r.startswith("3427:")]
    plan = validate_plan(raw, {}, "plan.yaml")
    assert plan.resolve_kp_ref("3427:KP-4.2.a").item.title == "Bygge flere utleieboliger"


def test_without_a_municipality_the_catalogue_asks_for_kommune():
    result = import_kommuneplan(kommuneplan_docx(kommune=None), name="kp.docx")
    with pytest.raises(InputError) as err:
        catalogue_dict(result)
    assert "--kommune" in err.value.message and err.value.code == "no_municipality"
    given = import_kommuneplan(kommuneplan_docx(kommune=None), municipality="3430")
    assert given.municipality == ("3430", "Os")
    with pytest.raises(InputError):
        import_kommuneplan(kommuneplan_docx(kommune=None), municipality="9999")


def test_cli_kp_import_writes_a_catalogue_check_reads(tmp_path):
    src = tmp_path / "kp.docx"
    src.write_bytes(kommuneplan_docx())
    out = tmp_path / "kp.yaml"
    res = CliRunner().invoke(main, ["kp", "import", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Fant 8 punkter (1 uten nummer i dokumentet)" in res.output and "Tynset (3427)" in res.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["municipalities"][0]["master_plans"][0]["items"][1]["id"] == "KP-3.2"
    plan = tmp_path / "plan.docx"
    d = docx.Document()
    d.add_paragraph("Rusmiddelpolitisk handlingsplan for Tynset 2024–2027", style="Title")
    d.add_paragraph("Tiltaket følger opp kommuneplanen kap. 3.2 og kommuneplanen kap. 9.9.")
    d.save(plan)
    checked = CliRunner().invoke(main, ["check", str(plan), "--kp", str(out), "--format", "json", "--fail-on",
                                        "never", "--today", "2025-06-01"])
    assert checked.exit_code == 0, checked.output
    dangling = [f["subject"] for f in yaml.safe_load(checked.output)["findings"] if f["rule"] == "references.dangling_kp"]
    assert dangling == ["9.9"]


def test_cli_kp_import_without_a_municipality_exits_with_a_norwegian_message(tmp_path):
    src = tmp_path / "kp.docx"
    src.write_bytes(kommuneplan_docx(kommune=None))
    out = tmp_path / "kp.yaml"
    res = CliRunner().invoke(main, ["kp", "import", str(src), "-o", str(out)])
    assert res.exit_code == 1 and "oppgi kommunenummeret med --kommune" in res.output and not out.exists()
    res = CliRunner().invoke(main, ["kp", "import", str(src), "-o", str(out), "--kommune", "3427", "--prefix", ""])
    assert res.exit_code == 0, res.output
    assert yaml.safe_load(out.read_text("utf-8"))["municipalities"][0]["master_plans"][0]["items"][0]["id"] == "3"


@pytest.mark.parametrize("content, expected", [
    ("master_plans:\n  - plan_name: KP\n    items: []\n", "sier ikke hvilken kommune"),
    ("municipalities:\n  - name: Tynset\n    master_plans: []\n", "kommune nr. 1, felt «number»: mangler, men er påkrevd"),
    ("municipalities:\n  - number: '3427'\n    name: Tynset\n    master_plans:\n      - plan_name: KP\n        items:\n"
     "          - {id: KP-1, title: A}\n          - {id: KP-1, title: B}\n", "«KP-1» i «KP» finnes fra før"),
])
def test_a_broken_catalogue_is_explained_in_norwegian_at_its_line(tmp_path, content, expected):
    from docplan.loaders import load_catalogue

    path = tmp_path / "kp.yaml"
    path.write_text(content, "utf-8")
    with pytest.raises(DataError) as err:
        load_catalogue(path)
    text = err.value.format() + " ".join(p.format() for p in err.value.problems)
    assert expected in text and "Field required" not in text
    if err.value.problems:
        assert all(p.location.line for p in err.value.problems)


_BLOCKS = st.one_of(
    st.tuples(st.just("heading"), st.integers(1, 3), st.sampled_from(["", "3 ", "3.1 ", "4.2 ", "II "]),
              st.sampled_from(["Oppvekst", "Forord", "Mål og strategier", "Trygg oppvekst", "Hvor vil vi?"])),
    st.tuples(st.just("bullets"), st.integers(1, 3)),
    st.tuples(st.just("label"), st.sampled_from(["Mål:", "Vi vil:", "Kommunen har:"])),
    st.tuples(st.just("labelled"), st.sampled_from(["Hovedmål", "Delmål", "Mål"]), st.sampled_from(["1", "1.1", "2"])),
    st.tuples(st.just("bold"), st.sampled_from(["Gode levekår", "Utfordringer", "Figur 1 Folketall"])),
    st.tuples(st.just("typed"), st.sampled_from(["1.1 Trygge skoler", "2 HELSE", "a) Flere i arbeid"])),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_BLOCKS, min_size=1, max_size=14))
def test_any_outline_gives_unique_ids_or_a_norwegian_refusal(blocks):
    """Whatever shape a document has, the catalogue's ids are unique (check --kp refuses repeats) or the
    import says in Norwegian that it found no goals."""
    from docplan.loaders import validate_catalogue

    d = docx.Document()
    d.add_paragraph("Tynset kommune")
    for n, block in enumerate(blocks):
        kind = block[0]
        if kind == "heading":
            d.add_heading(f"{block[2]}{block[3]}", level=block[1])
        elif kind == "bullets":
            for k in range(block[1]):
                d.add_paragraph(f"Punkt {n}.{k}", style="List Bullet")
        elif kind == "label":
            d.add_paragraph(block[1])
        elif kind == "labelled":
            d.add_paragraph(f"{block[1]} {block[2]}: Mål nummer {n}")
        elif kind == "bold":
            d.add_paragraph().add_run(block[1]).bold = True
        else:
            d.add_paragraph(block[1])
    buf = io.BytesIO()
    d.save(buf)
    try:
        result = import_kommuneplan(buf.getvalue(), name="kp.docx")
    except DocumentError as err:
        assert err.code == "no_kp_items" and "fant ingen mål" in err.message
        return
    data = catalogue_dict(result)
    (muni,) = validate_catalogue(data, {}, "kp.yaml")
    ids = [i.id for i in muni.master_plans[0].items]
    assert len(ids) == len(set(ids)) and all(i.startswith("KP-") for i in ids)


def _plan(*blocks) -> bytes:
    d = docx.Document()
    d.add_paragraph("Tynset kommune")
    for kind, text in blocks:
        if kind.startswith("h"):
            d.add_heading(text, int(kind[1]))
        elif kind == "bullet":
            d.add_paragraph(text, style="List Bullet")
        else:
            d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_goal_labels_that_start_again_under_each_theme_count_within_it():
    data = _plan(("h1", "3 Oppvekst"), ("p", "Mål 1: Trygge skoler"), ("p", "Mål 2: Gode barnehager"),
                 ("h1", "4 Helse"), ("p", "Mål 1: Kortere ventetid"))
    assert [i.id for i in import_kommuneplan(data).master_plan.items] == ["KP-3", "KP-3.1", "KP-3.2", "KP-4",
                                                                           "KP-4.1"]


def test_a_chapter_that_only_names_goals_passes_them_to_the_level_above():
    data = _plan(("h1", "Visjon og hovedmål"), ("p", "Vi skal være et godt sted å bo."), ("h2", "Trygg oppvekst"),
                 ("p", "Vi vil:"), ("bullet", "Styrke foreldrestøtten"), ("h2", "God helse"), ("p", "Tekst."))
    items = import_kommuneplan(data).master_plan.items
    assert [(i.id, i.title) for i in items] == [("KP-a", "Trygg oppvekst"), ("KP-a.a", "Styrke foreldrestøtten"),
                                                 ("KP-b", "God helse")]
