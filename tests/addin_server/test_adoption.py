"""PUT …/adoption: a validated request model, an append-only audit log, and the audit trail for maintainers."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.addin_server.conftest import ALVDAL, KORUS, PLAN, TYNSET, auth
from tests.addin_server.test_api import conforms

BASE = f"/api/v1/plans/{PLAN}/municipalities"
ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.datetime.now(dt.timezone.utc).date()


@pytest.fixture()
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def put(client, number: str, token: str, body) -> object:
    """PUT an adoption as a client should: with the version just read (its ETag) in If-Match."""
    etag = client.get(f"{BASE}/{number}/adoption", headers=auth(token)).headers["ETag"]
    return client.put(f"{BASE}/{number}/adoption", headers={**auth(token), "If-Match": etag}, json=body)


def audit_lines(workspace: Path) -> list[dict]:
    path = workspace / "audit" / "adoption.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []


@pytest.mark.parametrize("body,field,words", [
    ({}, "status", "mangler"),
    ({"status": "lol"}, "status", "må være en av: vedtatt"),
    ({"status": "vedtatt", "date": "2999-09-19"}, "date", "ett år fram i tid"),
    ({"status": "vedtatt", "date": "1899-05-17"}, "date", "mellom 1990"),
    ({"status": "vedtatt", "date": "2024-06-20", "case_no": "1" * 100_000}, "case_no", "høyst 40 tegn"),
    ({"status": "vedtatt", "date": "2024-06-20", "case_no": "<script>"}, "case_no", "saksnummer"),
    ({"status": "vedtatt", "date": "2024-06-20", "case_no": "PS 1/24\nx"}, "case_no", "saksnummer"),
    ({"status": "vedtatt", "date": "20.06.2024"}, "date", "ÅÅÅÅ-MM-DD"),
    ({"status": "vedtatt", "date": 1718841600}, "date", "ÅÅÅÅ-MM-DD"),
    ({"status": "vedtatt", "case_no": 24}, "case_no", "må være tekst"),
    ({"status": "vedtatt"}, None, "må ha datoen"),
    ({"status": "vedtatt", "date": str(TODAY + dt.timedelta(days=30))}, None, "fram i tid"),
    ({"status": "vedtatt", "date": "2024-06-20", "body": ""}, "body", "kan ikke være tom"),
    ({"status": "vedtatt", "date": "2024-06-20", "signed_by": "ordfører"}, "signed_by", "ikke et kjent felt"),
    (["vedtatt"], None, "må være et objekt"),
    (None, None, "må være et objekt"),
])
def test_an_invalid_adoption_is_refused_and_changes_nothing(client, spec, workspace, body, field, words):
    before = client.get(f"{BASE}/3427/adoption", headers=auth(TYNSET)).get_json()
    r = client.put(f"{BASE}/3427/adoption", headers=auth(TYNSET), json=body)
    assert r.status_code == 400, r.get_json()
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/adoption", "put", r)
    error = r.get_json()
    assert error["code"] == "invalid_adoption" and error["message"].startswith("ugyldig vedtak: ")
    assert words in error["message"]
    if field is not None:
        assert any(p["location"].get("path") == field for p in error["problems"]), error["problems"]
    assert client.get(f"{BASE}/3427/adoption", headers=auth(TYNSET)).get_json() == before
    assert audit_lines(workspace) == [] and not (workspace / "municipalities" / "3427").exists()


def test_a_body_that_is_not_json_is_a_norwegian_400(client):
    r = client.put(f"{BASE}/3427/adoption", headers=auth(TYNSET), data=b"{status: vedtatt",
                   content_type="application/json")
    assert r.status_code == 400 and "JSON-kroppen må være et objekt" in r.get_json()["message"]


@pytest.mark.parametrize("body", [
    {"status": "vedtatt", "date": "2024-09-26", "case_no": "PS 40/24"},
    {"status": "vedtatt med endringer", "date": str(TODAY), "case_no": "2024/1234-5", "body": "bystyret"},
    {"status": "vedteke", "date": "2024-10-03", "case_no": "Sak 51/24"},
    {"status": "til behandling"},
    {"status": "til behandling", "date": str(TODAY + dt.timedelta(days=200))},
    {"status": "ikke behandlet", "date": None, "case_no": None},
])
def test_a_valid_adoption_is_stored_and_read_back(client, spec, body):
    r = put(client, "3427", TYNSET, body)
    assert r.status_code == 200, r.get_json()
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/adoption", "put", r)
    got = client.get(f"{BASE}/3427/adoption", headers=auth(TYNSET)).get_json()
    assert got == r.get_json() and got["status"] == body["status"]
    assert got["body"] == body.get("body", "kommunestyret")


def test_every_write_is_appended_to_the_audit_log_with_what_it_replaced(client, workspace):
    from_plan = client.get(f"{BASE}/3427/adoption", headers=auth(TYNSET)).get_json()
    first = {"status": "til behandling", "date": None, "case_no": None, "body": "kommunestyret"}
    second = {"status": "vedtatt", "date": "2024-06-20", "case_no": "PS 12/24", "body": "kommunestyret"}
    assert put(client, "3427", TYNSET, first).status_code == 200
    assert put(client, "3427", KORUS, second).status_code == 200
    assert put(client, "3428", ALVDAL, second).status_code == 200
    log = audit_lines(workspace)
    assert [(e["token"], e["plan"], e["municipality"]) for e in log] == [
        ("demo 3427", PLAN, "3427"), ("KoRus-Øst (demo)", PLAN, "3427"), ("demo 3428", PLAN, "3428")]
    assert log[0]["before"] == from_plan and log[0]["after"] == first
    assert log[1]["before"] == first and log[1]["after"] == second
    for entry in log:
        stamp = dt.datetime.fromisoformat(entry["time"])
        assert stamp.utcoffset() == dt.timedelta(0) and abs(dt.datetime.now(dt.timezone.utc) - stamp).total_seconds() < 60


WRITER = """
import sys
from addin_server.errors import StaleVersionError
from addin_server.workspace import Workspace
from docplan.model import Adoption
ws = Workspace.open(sys.argv[1])
stale = 0
for i in range(int(sys.argv[3])):
    while True:  # read, write naming the version read; on a conflict read again
        version = ws.adoption("osterdalen", "3427").version
        try:
            ws.write_adoption("osterdalen", "3427", Adoption(status="vedtatt", date="2024-06-20",
                              case_no=f"PS {sys.argv[2]}-{i}/24"), expected=version, actor="writer " + sys.argv[2])
            break
        except StaleVersionError:
            stale += 1
print(stale)
"""


def test_writers_in_several_processes_keep_one_consistent_history(workspace):
    """Three processes read and write at once: every write lands once, no line is lost or torn, and each
    «before» is the previous «after» (a write that lost the race was refused and made again)."""
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(workspace), str(n), "15"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True) for n in range(3)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0]
    log = audit_lines(workspace)
    assert len(log) == 45
    assert sorted(e["after"]["case_no"] for e in log) == sorted(f"PS {n}-{i}/24" for n in range(3) for i in range(15))
    for previous, entry in zip(log, log[1:]):
        assert entry["before"] == previous["after"]
    assert all(out.strip().isdigit() for out in outs)


def test_the_audit_trail_is_for_maintainers_and_matches_the_spec(client, spec):
    body = {"status": "vedtatt", "date": "2024-06-20", "case_no": "PS 12/24"}
    put(client, "3427", TYNSET, body)
    put(client, "3428", ALVDAL, body)
    r = client.get("/api/v1/audit/adoption", headers=auth(KORUS))
    conforms(spec, "/audit/adoption", "get", r)
    assert [e["municipality"] for e in r.get_json()["entries"]] == ["3427", "3428"]
    only = client.get("/api/v1/audit/adoption?municipality=3428&limit=1", headers=auth(KORUS)).get_json()
    assert [e["token"] for e in only["entries"]] == ["demo 3428"]
    refused = client.get("/api/v1/audit/adoption", headers=auth(TYNSET))
    assert refused.status_code == 403 and "forvalternøkkel" in refused.get_json()["message"]
    conforms(spec, "/audit/adoption", "get", refused)
    bad = client.get("/api/v1/audit/adoption?limit=0", headers=auth(KORUS))
    assert bad.status_code == 400 and "«limit»" in bad.get_json()["message"]


def test_the_adoption_request_schema_is_the_one_the_server_checks(spec):
    schema = spec["components"]["schemas"]["AdoptionRequest"]
    assert schema["required"] == ["status"] and schema["additionalProperties"] is False
    assert "vedtatt" in schema["properties"]["status"]["enum"] and "lol" not in schema["properties"]["status"]["enum"]
    put = spec["paths"]["/plans/{plan_id}/municipalities/{number}/adoption"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/AdoptionRequest"}
