"""The edition a refresh names (the municipality a document was made for, from docplan's record in it)
decides whose kommuneplan references rebuilt items show, so the token must cover it: Tynset's token asking
as Åmot's edition got Åmot's references in its own goals (found by tools/reliability.py)."""

from __future__ import annotations

from tests.addin_server.conftest import KORUS, PLAN, TYNSET, auth

BASE = f"/api/v1/plans/{PLAN}/municipalities/3427/refresh"
ITEMS = [{"tag": "docplan:goal:HM-1", "shape": "block", "text": "x"},
         {"tag": "docplan:measure:T-01", "shape": "block", "text": "x"}]


def test_another_municipalitys_edition_is_refused_for_a_municipalitys_token(client):
    r = client.post(BASE, headers=auth(TYNSET), json={"items": ITEMS, "edition": "3422"})
    assert r.status_code == 403 and r.get_json()["code"] == "forbidden", r.get_json()
    assert "3422" in r.get_json()["message"] and "Åmot" not in r.get_data(as_text=True)


def test_the_municipalitys_own_edition_refreshes_with_its_own_references(client):
    r = client.post(BASE, headers=auth(TYNSET), json={"items": ITEMS, "edition": "3427"})
    assert r.status_code == 200, r.get_json()
    ooxml = r.get_json()["items"][0]["ooxml"]
    assert "(Tynset), KP-3.2" in ooxml and "Åmot" not in ooxml


def test_the_maintainer_may_refresh_as_any_edition(client):
    r = client.post(BASE, headers=auth(KORUS), json={"items": ITEMS, "edition": "3422"})
    assert r.status_code == 200, r.get_json()
    assert "(Åmot), KP-2.1" in r.get_json()["items"][0]["ooxml"]
