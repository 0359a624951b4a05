"""One rule decides which plan items a request for a municipality may see (addin_server.access),
and the snippet, check and refresh routes never answer with another municipality's text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin_server import engines
from addin_server.access import FORBIDDEN, filter_findings, visible_item
from tests.addin_server.conftest import KORUS, PLAN, TYNSET, auth
from tests.addin_server.test_api import conforms

BASE = f"/api/v1/plans/{PLAN}/municipalities/3427"

#: Items of other municipalities, as the issue found them answered for Tynset (3427), with a text of theirs.
FOREIGN = [
    ("kp-quote", "3428:KP-2.1", "3428", "Alle barn og unge i Alvdal skal ha mulighet"),
    ("measure", "T-10", "3422", "Ungdomskontakt i NAV Åmot"),
    ("kp-ref", "3422:KP-2.1", "3422", "Trygg oppvekst"),
    ("measure-table", "3422", "3422", "Ungdomskontakt i NAV Åmot"),
]


@pytest.mark.parametrize("kind,item_id,visible", [
    ("goal", "HM-1", True), ("goal", "DM-4.3", True), ("goal", "HM-99", True),
    ("measure", "T-01", True), ("measure", "T-03", True), ("measure", "T-11", True),
    ("measure", "T-10", False), ("measure", "T-04", False), ("measure", "T-99", True),
    ("measure-table", "3427", True), ("measure-table", "3422", False), ("measure-table", "all", False),
    ("kp-ref", "3427:KP-3.2", True), ("kp-quote", "3427:KP-3.2", True), ("kp-quote", "3427:NOPE", True),
    ("kp-ref", "3428:KP-2.1", False), ("kp-quote", "3422:KP-2.1", False), ("kp-ref", "3428:NOPE", False),
    ("kp-ref", "KP-2.1", True), ("kp-ref", "not a ref", True),
    ("adoption", "3427", False), ("indicator", "HM-1", False),
    ("report", "2025:3427", True), ("report", "2025:3422", False), ("report", "2025", False),
])
def test_what_tynset_may_see(sample_plan, kind, item_id, visible):
    """Unknown ids are "visible" (answered as missing, telling nothing); another municipality's are not."""
    assert visible_item(sample_plan, "3427", kind, item_id) is visible


def test_a_maintainer_sees_the_whole_joint_plan(sample_plan):
    """KoRus or the host municipality maintains the joint plan, whose document holds every municipality's
    kommuneplan references and the whole plan's table."""
    for kind, item_id in (("measure-table", "all"), ("measure-table", "3422"), ("kp-ref", "3428:KP-2.1"),
                          ("measure", "T-10"), ("report", "2025")):
        assert visible_item(sample_plan, "3427", kind, item_id, maintainer=True)
        assert not visible_item(sample_plan, "3427", kind, item_id)
    assert not visible_item(sample_plan, "3427", "adoption", "3427", maintainer=True)


@pytest.fixture(scope="module")
def plan():
    """The example plan, read once: the property tests only read it."""
    from docplan.loaders import load_plan
    from tests.testkit import EXAMPLE

    return load_plan(EXAMPLE)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_measure_is_visible_exactly_where_it_applies(plan, data):
    number = data.draw(st.sampled_from([m.number for m in plan.municipalities]))
    measure = data.draw(st.sampled_from(plan.measures))
    applies = measure.scope == "felles" or number in measure.municipalities
    assert visible_item(plan, number, "measure", measure.id) is applies


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_kommuneplan_item_is_visible_only_to_its_own_municipality(plan, data):
    owner = data.draw(st.sampled_from(plan.municipalities))
    item = data.draw(st.sampled_from([i for mp in owner.master_plans for i in mp.items]))
    number = data.draw(st.sampled_from([m.number for m in plan.municipalities]))
    for kind in ("kp-ref", "kp-quote"):
        assert visible_item(plan, number, kind, f"{owner.number}:{item.id}") is (number == owner.number)


def test_findings_about_other_municipalities_or_their_items_are_dropped(sample_plan):
    findings = [{"rule": "a", "municipality": None, "tag": "docplan:measure:T-01"},
                {"rule": "b", "municipality": "3428", "tag": None},
                {"rule": "c", "municipality": None, "tag": "docplan:measure:T-10"},
                {"rule": "d", "municipality": "3427", "tag": "docplan:goal:HM-1"},
                {"rule": "e", "municipality": None, "tag": "docplan:kp-quote:3422:KP-2.1"}]
    assert [f["rule"] for f in filter_findings(sample_plan, "3427", findings)] == ["a", "d"]


def _foreign_document(plan, kind: str, item_id: str, owner: str) -> str:
    """Return flat OPC of a document holding the other municipality's item as docplan builds it for them."""
    return engines.snippet(plan, owner, kind, item_id, "nb")[1]


@pytest.mark.parametrize("route", ["snippet", "refresh", "check"])
@pytest.mark.parametrize("kind,item_id,owner,their_text", FOREIGN)
def test_another_municipalitys_item_is_never_answered_for_tynset(client, sample_plan, route, kind, item_id, owner,
                                                                 their_text):
    tag = f"docplan:{kind}:{item_id}"
    if route == "snippet":
        r = client.get(f"{BASE}/snippets/{kind}/{item_id}", headers=auth(TYNSET))
        assert r.status_code == 403 and r.get_json()["code"] == "forbidden"
        assert "annen kommune" in r.get_json()["message"]
        conforms(client.get("/api/v1/openapi.json").get_json(),
                 "/plans/{plan_id}/municipalities/{number}/snippets/{kind}/{item_id}", "get", r)
    elif route == "refresh":
        shape = "inline" if kind == "kp-ref" else "block"
        r = client.post(f"{BASE}/refresh", headers=auth(TYNSET),
                        json={"items": [{"tag": tag, "shape": shape, "text": "x", "id": 5},
                                        {"tag": tag, "shape": shape, "text": their_text, "hash": "0123456789abcdef"}]})
        assert r.status_code == 200
        conforms(client.get("/api/v1/openapi.json").get_json(), "/plans/{plan_id}/municipalities/{number}/refresh",
                 "post", r)
        assert r.get_json()["items"] == [{"tag": tag, "id": 5, "shape": shape, "status": FORBIDDEN, "apply": False},
                                         {"tag": tag, "shape": shape, "status": FORBIDDEN, "apply": False}]
    else:
        document = _foreign_document(sample_plan, kind, item_id, owner)
        assert their_text in document
        r = client.post(f"{BASE}/check", headers=auth(TYNSET), json={"ooxml": document})
        assert r.status_code == 200, r.get_json()
        findings = r.get_json()["findings"]
        assert all(f["municipality"] in (None, "3427") for f in findings)
        assert all(f["tag"] is None or visible_item(sample_plan, "3427", *f["tag"].split(":", 2)[1:]) for f in findings)
        return
    assert their_text not in r.get_data(as_text=True)


def test_tynsets_own_items_and_the_whole_plan_table_for_a_maintainer_still_refresh(client):
    items = [{"tag": t, "shape": "block", "text": "x"} for t in (
        "docplan:measure:T-03", "docplan:kp-quote:3427:KP-3.2", "docplan:measure-table:3427",
        "docplan:measure-table:all")]
    mine = client.post(f"{BASE}/refresh", headers=auth(TYNSET), json={"items": items}).get_json()["items"]
    assert [s["status"] for s in mine] == ["unknown", "unknown", "unknown", FORBIDDEN]
    maintainer = client.post(f"{BASE}/refresh", headers=auth(KORUS), json={"items": items}).get_json()["items"]
    assert FORBIDDEN not in [s["status"] for s in maintainer]


@pytest.mark.parametrize("item_id", ["all", "3427"])
def test_the_snippet_routes_table_is_always_the_callers_own(client, item_id):
    r = client.get(f"{BASE}/snippets/measure-table/{item_id}", headers=auth(TYNSET))
    assert r.status_code == 200 and r.get_json()["tag"] == "docplan:measure-table:3427"
    assert "Ungdomskontakt i NAV Åmot" not in r.get_json()["ooxml"]
