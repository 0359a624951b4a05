"""`docplan kp import`: a kommuneplan document becomes a KP catalogue; what is not recognised is reported."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from docplan.cli import main
from docplan.errors import DocumentError
from docplan.kommuneplan import import_kommuneplan, parse_date
from docplan.model import MasterPlan
from tests.docfactory import add_multilevel_numbering

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _numbered(paragraph, num_id: str = "1", level: str = "0") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num = etree.SubElement(ppr, f"{{{W}}}numPr")
    etree.SubElement(num, f"{{{W}}}ilvl").set(f"{{{W}}}val", level)
    etree.SubElement(num, f"{{{W}}}numId").set(f"{{{W}}}val", num_id)


def kommuneplan_docx(auto_headings: bool = False) -> bytes:
    d = docx.Document()
    heading_list = add_multilevel_numbering(d)
    d.add_paragraph("Kommuneplanens samfunnsdel 2024–2036", style="Title")
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
        if number == "3.2":
            d.add_paragraph("Vi vil oppdage og følge opp barn og unge som strever, så tidlig som mulig.")
            d.add_paragraph("Styrke helsestasjon og skolehelsetjeneste", style="List Number")
            d.add_paragraph("Gode overganger mellom barnehage og skole", style="List Number")
            d.add_paragraph("En punktliste som ikke er mål", style="List Bullet")
        if number == "4":
            d.add_paragraph("Mål 4.1: Trygge boliger for alle")
            d.add_paragraph("4.2 Boligsosial handlingsplan følges opp")
    d.add_heading("Vedlegg", level=1)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_manual_numbers():
    res = import_kommuneplan(kommuneplan_docx(), name="kp.docx")
    mp = res.master_plan
    assert mp.plan_name == "Kommuneplanens samfunnsdel 2024–2036"
    assert mp.part == "samfunnsdel"
    assert mp.adopted == dt.date(2024, 3, 21) and mp.version == "2.1"
    ids = [i.id for i in mp.items]
    assert ids == ["KP-1", "KP-3", "KP-3.2", "KP-3.2.1", "KP-3.2.2", "KP-4", "KP-4.1", "KP-4.2"]
    item = {i.id: i for i in mp.items}
    assert item["KP-3.2"].title == "Forebygging og tidlig innsats"
    assert item["KP-3.2"].text.startswith("Vi vil oppdage")
    assert item["KP-3.2.1"].title == "Styrke helsestasjon og skolehelsetjeneste"
    assert item["KP-4.1"].title == "Trygge boliger for alle"
    assert any("Vedlegg" in line for line in res.unrecognised)
    MasterPlan.model_validate(mp.model_dump())


def test_word_auto_numbering():
    ids = [i.id for i in import_kommuneplan(kommuneplan_docx(auto_headings=True)).master_plan.items]
    assert ids[:5] == ["KP-1", "KP-2", "KP-2.1", "KP-2.1.1", "KP-2.1.2"]  # Word counts, the typed numbers are gone


def test_nothing_numbered_is_an_error():
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
                                        ("ingen dato", None)])
def test_dates(text, date):
    assert parse_date(text) == date


def test_cli_kp_import(tmp_path):
    src = tmp_path / "kp.docx"
    src.write_bytes(kommuneplan_docx())
    out = tmp_path / "kp.yaml"
    res = CliRunner().invoke(main, ["kp", "import", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Fant 8 punkter" in res.output and "Ikke gjenkjent" in res.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["master_plans"][0]["items"][2] == {"id": "KP-3.2", "title": "Forebygging og tidlig innsats",
                                                   "text": "Vi vil oppdage og følge opp barn og unge som strever, "
                                                           "så tidlig som mulig."}
