"""Whatever a client sends, the API answers JSON with a Norwegian message, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.addin_server.conftest import TYNSET, auth

BASE = "/api/v1/plans/osterdalen/municipalities/3427"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=4), max_leaves=12)


def assert_json_error_or_ok(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert isinstance(body, dict)
    if response.status_code >= 400:
        assert body["code"] and body["message"] and isinstance(body["location"], dict)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_posted_as_a_document(client, data):
    assert_json_error_or_ok(client.post(f"{BASE}/check", headers=auth(TYNSET), data=b"PK\x03\x04" + data,
                                        content_type=DOCX))


@FUZZ
@given(body=json_values)
def test_any_json_to_refresh_adoption_and_check(client, body):
    for method, path in (("post", "refresh"), ("put", "adoption"), ("post", "check")):
        assert_json_error_or_ok(getattr(client, method)(f"{BASE}/{path}", headers=auth(TYNSET), json=body))


@FUZZ
@given(items=st.lists(st.fixed_dictionaries({"tag": st.sampled_from(
    ["docplan:goal:HM-1", "docplan:measure:T-01", "docplan:measure:NOPE", "docplan:kp-ref:3428:KP-1",
     "docplan:measure-table:all", "docplan:indicator:x", "docplan:goal:"]) | st.text(max_size=30),
    "text": st.text(max_size=50), "shape": st.sampled_from(["block", "row", "cell", "inline"]),
    "ooxml": st.none() | st.text(max_size=40) | st.just("<pkg:package/>")}), max_size=6))
def test_refresh_with_any_tags_texts_shapes_and_ooxml(client, items):
    items = [{"id": n, **{k: v for k, v in i.items() if v is not None}} for n, i in enumerate(items)]
    r = client.post(f"{BASE}/refresh", headers=auth(TYNSET), json={"items": items})
    assert_json_error_or_ok(r)
    if r.status_code == 200:
        assert r.get_json()["checked"] == len(items)
        for answer in r.get_json()["items"]:  # a replacement always has the control's own shape
            assert answer["shape"] == items[answer["id"]]["shape"]


@pytest.mark.parametrize("token", ["", " ", "demo-3427 extra", "x" * 5000, "ødelagt-æøå"])
def test_odd_tokens_are_401_not_500(client, token):
    r = client.get("/api/v1/plans", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
