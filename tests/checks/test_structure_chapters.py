"""structure.missing_chapter on hand-written plans: chapters matched by meaning, named per municipality."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from check_fixtures import handwritten, ids
from docplan.checks import load_config, run_checks
from docplan.checks.structure import CHAPTER_TOPICS, chapter_present, chapter_topic
from docplan.errors import ConfigError

RULE = "structure.missing_chapter"
TODAY = dt.date(2025, 6, 1)
ALCOHOL, MEASURES, FOLLOW_UP = ("Alkoholpolitikk og bevillingspolitikk", "Tiltaksplan",
                                "Gjennomføring, rapportering, evaluering og rullering")


def _missing(headings, *, title="Ruspolitisk handlingsplan for Skaun kommune 2024–2027", config=None,
             municipality=None) -> list[str]:
    data = handwritten(headings=[(h, 1) for h in headings], title=title)
    return ids(run_checks(document=data, only=[RULE], config=config, municipality=municipality, today=TODAY), RULE)


@pytest.mark.parametrize("headings", [
    ("1. INNLEDNING", "BEVILLINGSPOLITIKKEN I SKAUN", "6. TILTAK", "EVALUERING OG RULLERING AV PLANEN"),
    ("Innleiing", "Løyvepolitikken", "Tiltaksdel", "Rullering av planen"),
    ("Kapittel 4 Tiltak for å regulere tilgjengeligheten av alkohol", "HANDLINGSPLAN",
     "EVALUERING, RAPPORERING OG RULLERING"),
    ("2.0 Salgs- og skjenkebevillinger", "Tiltaksoversikt", "Oppfølging og rullering"),
])
def test_chapters_named_as_real_plans_name_them_are_found(headings):
    assert _missing(headings) == []


def test_a_chapter_that_is_not_there_is_still_reported():
    assert _missing(("Innledning", "Løyvepolitikken", "Tiltak")) == [FOLLOW_UP]
    assert sorted(_missing(("Innledning", "Status"))) == sorted([ALCOHOL, MEASURES, FOLLOW_UP])


def test_a_bold_line_standing_as_a_chapter_heading_counts():
    import io

    import docx

    d = docx.Document()
    d.add_paragraph("Ruspolitisk handlingsplan 2024–2027", style="Title")
    for text in ("BEVILLINGSPOLITIKKEN", "TILTAK", "RULLERING"):
        d.add_paragraph().add_run(text).bold = True
        d.add_paragraph("Tekst i kapitlet.")
    buf = io.BytesIO()
    d.save(buf)
    assert ids(run_checks(document=buf.getvalue(), only=[RULE], today=TODAY), RULE) == []


def test_the_municipality_names_its_own_chapters_or_says_one_is_not_required(tmp_path):
    config = tmp_path / "docplan-check.yaml"
    config.write_text("kapitler:\n  Tiltaksplan: [Innsatsområder]\nkommuner:\n  '5029':\n    kapitler:\n"
                      f"      '{FOLLOW_UP}': off\n", "utf-8")
    cfg = load_config(config)
    headings = ("Innledning", "Løyvepolitikken", "Innsatsområder for perioden")
    assert sorted(_missing(headings)) == sorted([MEASURES, FOLLOW_UP])
    # Skaun's own setting applies: named with --kommune, or because the document says «Skaun kommune»
    assert _missing(headings, config=cfg) == []
    assert _missing(headings, config=cfg, title="Ruspolitisk handlingsplan 2024–2027") == [FOLLOW_UP]
    assert _missing(headings, config=cfg, title="Ruspolitisk handlingsplan 2024–2027", municipality="5029") == []


@pytest.mark.parametrize("content, expected", [
    ("kapitler: [Tiltak]\n", "«kapitler» må være"),
    ("kapitler:\n  Tiltaksplan: 3\n", "kapittel «Tiltaksplan»"),
    ("kommuner:\n  '5029':\n    regler: {}\n", "kan bare ha feltene «rules» og «kapitler»"),
])
def test_a_wrong_chapter_setting_is_explained_in_norwegian(tmp_path, content, expected):
    config = tmp_path / "c.yaml"
    config.write_text(content, "utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert expected in err.value.message


def test_each_required_chapter_of_the_standard_templates_has_a_topic():
    for chapter in (ALCOHOL, "Alkoholpolitikk og løyvepolitikk", MEASURES, FOLLOW_UP):
        assert chapter_topic(chapter) is not None
    assert chapter_present("Egendefinert kapittel", ["3 Egendefinert kapittel"])
    assert not chapter_present("Egendefinert kapittel", ["3 Noe annet"])


def test_the_topic_words_hold_both_written_standards_of_the_glossary(shared_dir):
    """Every glossary term whose bokmål form names a chapter topic has its nynorsk form in the same topic."""
    rows = list(csv.DictReader((shared_dir / "domain" / "glossary.csv").read_text("utf-8").splitlines()))
    checked = 0
    for row in rows:
        nb, nn = row["nb"].casefold(), row["nn"].casefold()
        for topic, stems in CHAPTER_TOPICS.items():
            if any(s in nb for s in stems):
                checked += 1
                assert any(s in nn for s in stems), (topic, nb, nn)
    assert checked >= 8
