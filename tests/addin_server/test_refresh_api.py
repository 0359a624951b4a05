"""«Oppdater alle» over HTTP: the server answers with the library's one refresh (`docplan.refresh`).

The requests here are what the task pane sends for a document (`pane_items`): each docplan control
with its tag, shape, text, recorded hash, the id of the control around it, and — for a control that
holds other docplan controls — its own OOXML. An untouched edition gets nothing to replace; a table with
one edited row comes back as a table with the other rows updated and that row kept.
"""

from __future__ import annotations

import pytest

from docplan.document import PlanDocument
from docplan.ooxml.sdt import Shape, iter_tagged, own_text, sdt_text, shape
from docplan.ooxml.parser import parse_xml
from docplan.render import render_plan
from docplan.snippets import flat_opc
from tests.addin_server.conftest import ALVDAL, KORUS, PLAN, TYNSET, auth
from tests.addin_server.test_api import conforms

BASE = f"/api/v1/plans/{PLAN}/municipalities"


@pytest.fixture()
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def pane_request(data: bytes) -> dict:
    """Return the request the task pane builds from a document: its docplan controls and its edition."""
    return {"items": pane_items(data), "edition": PlanDocument.open(data).read_state()[1]}


def pane_items(data: bytes) -> list[dict]:
    """Return the request items the task pane builds from a document's docplan controls."""
    doc = PlanDocument.open(data)
    state, _ = doc.read_state()
    ids = {}
    items = []
    for n, control in enumerate(doc.all_controls()):
        ids[id(control)] = n
        item = {"id": n, "tag": control.name, "shape": control.shape.value, "text": control.text,
                "parent": ids[id(control.parent)] if control.parent is not None else None}
        if control.name in state:
            item["hash"] = state[control.name]
        if control.children:
            item["ooxml"] = flat_opc([control.element], styles=False)
        items.append(item)
    return items


def _post(client, number: str, items: list[dict] | dict, token: str = TYNSET):
    body = items if isinstance(items, dict) else {"items": items}
    return client.post(f"{BASE}/{number}/refresh", headers=auth(token), json=body)


@pytest.mark.parametrize("municipality", [None, "3427"])
def test_an_untouched_rendered_edition_gets_nothing_to_replace(client, spec, sample_plan, municipality):
    """The add-in used to mark every measure row stale and replace each with a block: the table was lost."""
    request = pane_request(render_plan(sample_plan, municipality=municipality))
    items = request["items"]
    r = _post(client, "3427", request)
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/refresh", "post", r)
    body = r.get_json()
    assert body["checked"] == len(items)
    answered = [(a["tag"], a["status"]) for a in body["items"]]
    # the whole plan's edition holds other municipalities' local measures: those are never sent back
    assert all(status == "forbidden" for _tag, status in answered), answered
    if municipality == "3427":
        assert answered == []


def test_a_stale_table_comes_back_as_a_table_with_the_edited_row_kept(client, spec, sample_plan, workspace):
    data = render_plan(sample_plan, municipality="3427")
    request = pane_request(data)
    items = request["items"]
    table = next(i for i in items if i["tag"].startswith("docplan:measure-table:"))
    row = next(i for i in items if i["tag"] == "docplan:measure:T-05")
    edited_ooxml = table["ooxml"].replace(">T-05<", ">T-05 rettet av Kari<", 1)
    table["ooxml"], table["text"] = edited_ooxml, table["text"].replace("T-05", "T-05 rettet av Kari", 1)
    row["text"] = row["text"].replace("T-05", "T-05 rettet av Kari", 1)
    plan_file = workspace / "plans" / f"{PLAN}.yaml"
    t01 = next(m for m in sample_plan.measures if m.id == "T-01")
    plan_file.write_text(plan_file.read_text("utf-8").replace(t01.title, "Nytt navn på T-01", 1), "utf-8")
    r = _post(client, "3427", request)
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/refresh", "post", r)
    [answer] = [a for a in r.get_json()["items"] if a["tag"] == table["tag"]]
    assert answer["shape"] == "block" and answer["apply"] is True and answer["held"] == ["docplan:measure:T-05"]
    root = parse_xml(answer["ooxml"])
    tagged = {str(t): sdt for t, sdt in iter_tagged(root)}
    assert shape(tagged[table["tag"]]) is Shape.BLOCK and tagged[table["tag"]].find(
        ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tbl") is not None
    assert "T-05 rettet av Kari" in own_text(tagged["docplan:measure:T-05"])
    assert "Nytt navn på T-01" in own_text(tagged["docplan:measure:T-01"])
    assert "docplan:measure:T-01" in answer["updated"]
    assert all(shape(tagged[t]) is Shape.ROW for t in tagged if t.startswith("docplan:measure:"))
    # the rows inside the table are answered through it, never one by one as blocks
    assert not [a for a in r.get_json()["items"] if a["tag"].startswith("docplan:measure:")]


def test_a_leaf_is_stale_edited_or_unknown_by_its_record(client, spec, sample_plan):
    from docplan.ooxml.text import text_hash
    from docplan.snippets import goal_block

    fresh = sdt_text(goal_block(sample_plan, "HM-2", sub_goals=False, scope="3427")[0])
    items = [
        {"id": 1, "tag": "docplan:goal:HM-1", "shape": "block", "text": "gammel tekst", "hash": text_hash("gammel  tekst")},
        {"id": 2, "tag": "docplan:goal:HM-2", "shape": "block", "text": fresh},
        {"id": 3, "tag": "docplan:goal:HM-3", "shape": "block", "text": "uten registrering"},
        {"id": 4, "tag": "docplan:measure:T-01", "shape": "row", "text": "endret for hånd", "hash": text_hash("x")},
        {"id": 5, "tag": "docplan:measure:T-99", "shape": "block", "text": "borte", "hash": text_hash("borte")},
        {"id": 6, "tag": "not-docplan", "shape": "block", "text": "x"},
    ]
    r = _post(client, "3427", items)
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/refresh", "post", r)
    got = {a["id"]: a for a in r.get_json()["items"]}
    assert set(got) == {1, 3, 4, 5}
    assert (got[1]["status"], got[1]["apply"], got[1]["shape"]) == ("stale", True, "block")
    assert shape(next(iter_tagged(parse_xml(got[1]["ooxml"])))[1]) is Shape.BLOCK
    assert (got[3]["status"], got[3]["apply"]) == ("unknown", False)  # offered only after «Overskriv likevel»
    assert (got[4]["status"], got[4]["apply"]) == ("edited", False)
    assert shape(next(iter_tagged(parse_xml(got[4]["ooxml"])))[1]) is Shape.ROW  # a row for a row
    assert got[5]["status"] == "orphan" and "ooxml" not in got[5]


@pytest.mark.parametrize("tag", ["docplan:kp-quote:3428:KP-2.1", "docplan:measure:T-10", "docplan:kp-ref:3422:KP-2.1",
                                 "docplan:measure-table:3422"])
def test_another_municipalitys_items_are_never_answered_with_their_text(client, tag):
    r = _post(client, "3427", [{"id": 1, "tag": tag, "shape": "inline" if "kp-ref" in tag else "block",
                                "text": "x"}])
    [answer] = r.get_json()["items"]
    assert answer["status"] == "forbidden" and "ooxml" not in answer and "hashes" not in answer


def test_a_request_without_shapes_is_refused(client):
    r = _post(client, "3427", [{"tag": "docplan:goal:HM-1", "text": "x"}])
    assert r.status_code == 400 and r.get_json()["code"] == "bad_items"


def test_a_maintainer_and_a_municipality_get_the_same_answer_for_its_own_items(client, sample_plan):
    request = pane_request(render_plan(sample_plan, municipality="3428"))
    assert _post(client, "3428", request, ALVDAL).get_json()["items"] == []
    assert _post(client, "3428", request, KORUS).get_json()["items"] == []
    whole = pane_request(render_plan(sample_plan))
    assert _post(client, "3428", whole, KORUS).get_json()["items"] == []  # the maintainer's whole plan
