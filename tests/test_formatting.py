"""How values read: fixed lists in bokmål and nynorsk, opening hours, kommuneplan references, alcohol table cells."""

from __future__ import annotations

import pytest

from docplan.formatting import (alcohol_cell, display_value, format_funding, format_hours, is_adopted, kp_label,
                                kp_short_text)
from docplan.i18n import language
from docplan.model import AlcoholPolicy, Funding, MasterPlan, KpItem

#: The forms the issue found wrong in nynorsk documents, and the correct ones.
NYNORSK = [("ikke oppgitt", "ikkje oppgitt"), ("gjeldende", "gjeldande"), ("ikke startet", "ikkje starta"),
           ("utsatt", "utsett"), ("engangs", "eingongs"), ("innenfor driftsramme", "innanfor driftsramma"),
           ("ikke avklart", "ikkje avklart"), ("innvilget", "innvilga"), ("vedtatt", "vedteken"),
           ("til behandling", "til handsaming"), ("pårørende", "pårørande"), ("brukere", "brukarar")]


@pytest.mark.parametrize("nb, nn", NYNORSK)
def test_fixed_values_read_in_the_documents_malform_whichever_form_the_data_uses(nb, nn):
    assert display_value(nb, "nn") == nn and display_value(nn, "nn") == nn
    assert display_value(nb, "nb") == nb and display_value(nn, "nb") == nb


def test_free_text_and_none_pass_through_and_the_running_language_is_the_default():
    assert display_value("vedtatt av bystyret", "nn") == "vedtatt av bystyret"
    assert display_value(None, "nn") == ""
    with language("nn"):
        assert display_value("ikke startet") == "ikkje starta"


@pytest.mark.parametrize("status, adopted", [("vedtatt", True), ("vedteke", True), ("Vedteken med endringar", True),
                                             ("til behandling", False), (None, False), ("ikke vedtatt", False)])
def test_an_adoption_status_is_read_in_either_malform(status, adopted):
    assert is_adopted(status) is adopted


def test_opening_hours_read_one_range_or_one_line_per_day_type_default_first():
    assert format_hours("10:00-02:00", "nb") == "10.00–02.00"
    assert format_hours({"uteservering": "12:00-24:00", "default": "10-01", "fredag_lørdag": "10:00-02:00",
                         "17_mai": "stengt"}, "nn") == \
        "10.00–01.00\nuteservering: 12.00–24.00\nfredag og laurdag: 10.00–02.00\n17. mai: stengt"


def test_an_alcohol_table_cell_says_what_is_not_given():
    assert alcohol_cell(None, "sales_hours", "nn") == "ikkje oppgitt"
    policy = AlcoholPolicy(sales_hours={"weekdays": "08:00-20:00"}, outlets={"sales": 4, "max_sales": 5},
                           controls_per_year=12)
    assert alcohol_cell(policy, "sales_hours", "nb") == "Hverdager: 08.00–20.00"
    assert alcohol_cell(policy, "outlets", "nn") == "Sal: 4 (høgst 5)"
    assert alcohol_cell(policy, "serving_hours", "nb") == "ikke oppgitt"
    assert alcohol_cell(policy, "controls_per_year", "nb") == "12"


def _plan_with(part: str, municipalities: int = 1):
    from docplan.loaders import load_plan
    from testkit import EXAMPLE

    plan = load_plan(EXAMPLE)
    plan.municipalities = plan.municipalities[5:5 + municipalities]  # Tynset first
    plan.municipalities[0].master_plans = [MasterPlan(plan_name="Økonomiplan 2025–2028", part=part,
                                                      items=[KpItem(id="ØP-2", title="Rusfeltet")])]
    return plan


@pytest.mark.parametrize("part, nb, nn", [
    ("økonomiplan", "jf. økonomiplanen, ØP-2 Rusfeltet", "jf. økonomiplanen, ØP-2 Rusfeltet"),
    ("samfunnsdel", "jf. kommuneplanens samfunnsdel, ØP-2 Rusfeltet", "jf. kommuneplanen sin samfunnsdel, ØP-2 Rusfeltet"),
    ("handlingsdel", "jf. kommuneplanens handlingsdel, ØP-2 Rusfeltet",
     "jf. kommuneplanen sin handlingsdel, ØP-2 Rusfeltet"),
])
def test_a_kommuneplan_reference_names_its_part_in_both_malformer(part, nb, nn):
    plan = _plan_with(part)
    assert kp_short_text(plan, "ØP-2", "nb") == nb
    assert kp_short_text(plan, "ØP-2", "nn") == nn
    assert kp_short_text(plan, "ØP-9", "nn") == "ØP-9 (finst ikkje i kommuneplanen)"


def test_a_kommuneplan_label_names_the_municipality_only_in_a_joint_plan():
    assert kp_label(_plan_with("samfunnsdel"), "ØP-2") == "ØP-2"
    assert kp_label(_plan_with("samfunnsdel", 2), "3427:ØP-2") == "Tynset ØP-2"
    assert kp_label(_plan_with("samfunnsdel", 2), "3427:XX-1") == "3427:XX-1"


def test_funding_lines_show_their_status_in_the_malform_and_the_budget_item_they_rest_on():
    plan = _plan_with("handlingsdel", 2)
    lines = [Funding(source="Kultur", amount_nok=60000, status="planlagt i økonomiplan", budget_ref="3427:ØP-2"),
             Funding(source="Tilskudd", amount_nok=120000, status="innvilget")]
    assert format_funding(lines, "nn", plan) == ("Kultur: 60\u00a0000\u00a0kr (planlagt i økonomiplan, jf. Tynset ØP-2); "
                                                 "Tilskudd: 120\u00a0000\u00a0kr (innvilga)")
