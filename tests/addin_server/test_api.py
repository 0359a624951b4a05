"""Every /api/v1 endpoint, its errors and its access rules, checked against the OpenAPI document."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from tests.addin_server.conftest import ALVDAL, KORUS, PLAN, TYNSET, auth

BASE = f"/api/v1/plans/{PLAN}/municipalities"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture()
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def conforms(spec: dict, path: str, method: str, response) -> None:
    """Assert that a real response matches the schema the OpenAPI document gives for its status."""
    op = spec["paths"][path][method]
    described = op["responses"].get(str(response.status_code))
    assert described is not None, f"{method.upper()} {path} → {response.status_code} is not documented"
    schema = dict(described["content"]["application/json"]["schema"])
    schema["components"] = spec["components"]
    errors = sorted(Draft202012Validator(schema).iter_errors(response.get_json()), key=str)
    assert not errors, [e.message for e in errors]


def test_openapi_document_is_valid(spec):
    validate_spec(spec)
    assert spec["info"]["title"] == "docplan add-in API"


def test_health_needs_no_token_and_matches_spec(client, spec):
    r = client.get("/api/v1/health")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}
    conforms(spec, "/health", "get", r)


@pytest.mark.parametrize("path", [
    "/api/v1/me", "/api/v1/plans", f"{BASE}/3427/catalogue", f"{BASE}/3427/snippets/measure/T-01",
    f"{BASE}/3427/adoption",
])
@pytest.mark.parametrize("headers", [{}, auth("wrong-token"), {"Authorization": "Basic demo-3427"}])
def test_every_protected_get_needs_a_known_bearer_token(client, path, headers):
    r = client.get(path, headers=headers)
    assert r.status_code == 401
    body = r.get_json()
    assert body["code"] == "unauthorized" and "tilgangsnøkkel" in body["message"]


@pytest.mark.parametrize("path", [f"{BASE}/3427/check", f"{BASE}/3427/refresh"])
def test_every_protected_post_needs_a_token(client, path):
    assert client.post(path, json={"items": []}).status_code == 401


def test_me_describes_the_callers_grant(client, spec):
    r = client.get("/api/v1/me", headers=auth(TYNSET))
    assert r.get_json() == {"name": "demo 3427", "maintainer": False, "municipalities": ["3427"]}
    conforms(spec, "/me", "get", r)
    assert client.get("/api/v1/me", headers=auth(KORUS)).get_json()["municipalities"] == "*"


def test_plan_list_shows_only_the_callers_municipalities(client, spec):
    r = client.get("/api/v1/plans", headers=auth(TYNSET))
    conforms(spec, "/plans", "get", r)
    (plan,) = r.get_json()["plans"]
    assert plan["id"] == PLAN and plan["municipalities"] == [{"number": "3427", "name": "Tynset"}]
    korus = client.get("/api/v1/plans", headers=auth(KORUS)).get_json()["plans"][0]
    assert len(korus["municipalities"]) == 9


def test_catalogue_lists_goals_own_measures_and_own_kommuneplan(client, spec, sample_plan):
    r = client.get(f"{BASE}/3427/catalogue", headers=auth(TYNSET))
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/catalogue", "get", r)
    body = r.get_json()
    assert [m["id"] for m in body["measures"]] == [m.id for m in sample_plan.measures_for("3427")]
    assert {g["id"] for g in body["goals"]} == {g.id for g in sample_plan.goals}
    assert body["kp_items"] and all(k["ref"].startswith("3427:") for k in body["kp_items"])
    local_elsewhere = [m.id for m in sample_plan.measures if m.scope == "lokal" and "3427" not in m.municipalities]
    assert local_elsewhere and not set(local_elsewhere) & {m["id"] for m in body["measures"]}


@pytest.mark.parametrize("method,suffix,kwargs", [
    ("get", "catalogue", {}),
    ("get", "snippets/measure/T-01", {}),
    ("get", "adoption", {}),
    ("put", "adoption", {"json": {"date": "2024-06-20", "status": "vedtatt"}}),
    ("post", "refresh", {"json": {"items": []}}),
    ("post", "check", {"data": b"PK", "content_type": DOCX}),
])
def test_municipality_a_can_neither_read_nor_change_b(client, spec, method, suffix, kwargs):
    r = getattr(client, method)(f"{BASE}/3428/{suffix}", headers=auth(TYNSET), **kwargs)
    assert r.status_code == 403
    assert r.get_json()["code"] == "forbidden" and "3428" in r.get_json()["message"]
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/" + suffix.replace("snippets/measure/T-01",
             "snippets/{kind}/{item_id}"), method, r)


def test_a_refused_write_leaves_the_other_municipality_untouched(client, workspace):
    r = client.put(f"{BASE}/3428/adoption", headers=auth(TYNSET), json={"status": "forkastet"})
    assert r.status_code == 403
    assert not (workspace / "municipalities" / "3428").exists()
    assert client.get(f"{BASE}/3428/adoption", headers=auth(ALVDAL)).get_json().get("status") != "forkastet"


def test_maintainer_token_reaches_every_municipality(client):
    for number in ("3422", "3427", "3430"):
        assert client.get(f"{BASE}/{number}/catalogue", headers=auth(KORUS)).status_code == 200


def put_adoption(client, number: str, token: str, body) -> object:
    """PUT an adoption with the version just read (its ETag) in If-Match."""
    etag = client.get(f"{BASE}/{number}/adoption", headers=auth(token)).headers["ETag"]
    return client.put(f"{BASE}/{number}/adoption", headers={**auth(token), "If-Match": etag}, json=body)


def test_adoption_is_written_atomically_to_the_workspace_and_read_back(client, spec, workspace):
    r = put_adoption(client, "3427", TYNSET,
                     {"body": "kommunestyret", "date": "2024-06-20", "case_no": "24/123", "status": "vedtatt"})
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/adoption", "put", r)
    stored = yaml.safe_load((workspace / "municipalities" / "3427" / f"{PLAN}.adoption.yaml").read_text("utf-8"))
    assert stored["case_no"] == "24/123"
    assert not list((workspace / "municipalities" / "3427").glob("*.docplan-tmp"))
    got = client.get(f"{BASE}/3427/adoption", headers=auth(KORUS))
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/adoption", "get", got)
    assert got.get_json()["date"] == "2024-06-20"


def test_each_adoption_write_is_read_back_at_once(client, workspace):
    """Every write is read back at once, also writes of the same size (the cache's stamp includes the
    inode, which each atomic write renews, besides mtime and size)."""
    from_plan = client.get(f"{BASE}/3427/adoption", headers=auth(TYNSET)).get_json()
    for case in ("24/101", "24/102", "24/103", "24/104"):
        r = put_adoption(client, "3427", TYNSET, {"case_no": case, "status": "vedtatt", "date": "2024-06-20"})
        assert r.status_code == 200
        assert client.get(f"{BASE}/3427/adoption", headers=auth(TYNSET)).get_json()["case_no"] == case
    (workspace / "municipalities" / "3427" / f"{PLAN}.adoption.yaml").unlink()  # back to the plan data's
    assert client.get(f"{BASE}/3427/adoption", headers=auth(TYNSET)).get_json() == from_plan


@pytest.mark.parametrize("body", [{"date": "20.06.2024"}, {"nonsense": 1}, ["list"]])
def test_invalid_adoption_is_a_norwegian_400(client, spec, body):
    r = client.put(f"{BASE}/3427/adoption", headers=auth(TYNSET), json=body)
    assert r.status_code == 400 and "vedtak" in r.get_json()["message"] or "JSON" in r.get_json()["message"]
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/adoption", "put", r)


def test_unknown_plan_and_foreign_municipality_are_404(client, spec):
    r = client.get("/api/v1/plans/nope/municipalities/3427/catalogue", headers=auth(KORUS))
    assert r.status_code == 404 and r.get_json()["code"] == "not_found"
    r = client.get(f"{BASE}/0301/catalogue", headers=auth(KORUS))
    assert r.status_code == 404 and "0301" in r.get_json()["message"]
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/catalogue", "get", r)


@pytest.mark.parametrize("kind,item", [("goal", "HM-1"), ("goal", "DM-1.1"), ("measure", "T-01"),
                                       ("measure-table", "all"), ("kp-ref", "3427:KP-3.2"),
                                       ("kp-quote", "3427:KP-3.2")])
def test_snippet_is_a_flat_opc_package_with_the_library_tag(client, spec, kind, item):
    r = client.get(f"{BASE}/3427/snippets/{kind}/{item}", headers=auth(TYNSET))
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/snippets/{kind}/{item_id}", "get", r)
    body = r.get_json()
    # the measures table is always the municipality's own (common + local), tagged with its number
    assert body["tag"] == (f"docplan:{kind}:3427" if kind == "measure-table" else f"docplan:{kind}:{item}")
    from docplan.ooxml import parse_xml
    from docplan.ooxml.sdt import iter_tagged

    root = parse_xml(body["ooxml"])
    assert root.tag == "{http://schemas.microsoft.com/office/2006/xmlPackage}package"
    assert body["tag"] in [str(tag) for tag, _ in iter_tagged(root)]


def test_snippet_in_nynorsk(client):
    nb = client.get(f"{BASE}/3427/snippets/measure/T-01", headers=auth(TYNSET)).get_json()["ooxml"]
    nn = client.get(f"{BASE}/3427/snippets/measure/T-01?lang=nn", headers=auth(TYNSET)).get_json()["ooxml"]
    assert nb != nn


@pytest.mark.parametrize("path,status", [
    ("measure/T-99", 404), ("colour/T-01", 404), ("kp-ref/3428:KP-1", 403), ("kp-ref/3427:NOPE", 404),
    ("measure/T-01?lang=de", 400)])
def test_snippet_errors_are_json(client, spec, path, status):
    r = client.get(f"{BASE}/3427/snippets/{path}", headers=auth(TYNSET))
    assert r.status_code == status
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/snippets/{kind}/{item_id}", "get", r)


def test_request_over_the_size_limit_is_a_json_413(app, spec):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    r = app.test_client().post(f"{BASE}/3427/check", headers=auth(TYNSET), data=b"PK" + b"x" * 5000,
                               content_type=DOCX)
    assert r.status_code == 413 and r.get_json()["code"] == "too_large"
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/check", "post", r)


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (30 * 1024 * 1024))
    return buf.getvalue()


@pytest.mark.parametrize("data,code", [
    (b"not a zip at all", "not_a_package"), (b"PK\x03\x04broken", "bad_zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "encrypted_or_legacy"), (zip_bomb(), "zip_bomb")])
def test_hostile_documents_are_refused_with_a_reason(client, spec, data, code):
    r = client.post(f"{BASE}/3427/check", headers=auth(TYNSET), data=data, content_type=DOCX)
    assert r.status_code == 400, r.get_json()
    assert r.get_json()["code"] == code
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/check", "post", r)


@pytest.mark.parametrize("kwargs,code", [
    ({"data": "hei", "content_type": "text/plain"}, "unsupported_media_type"),
    ({"json": {"nope": 1}}, "missing_document"),
    ({"json": {"ooxml": "<not-closed"}}, "bad_ooxml"),
    ({"json": {"ooxml": "<root/>"}}, "bad_ooxml"),
])
def test_bad_check_bodies_are_400(client, kwargs, code):
    r = client.post(f"{BASE}/3427/check", headers=auth(TYNSET), **kwargs)
    assert r.status_code == 400 and r.get_json()["code"] == code


def test_flat_opc_with_a_doctype_is_refused(client):
    evil = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            '<pkg:package xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage">&e;</pkg:package>')
    r = client.post(f"{BASE}/3427/check", headers=auth(TYNSET), json={"ooxml": evil})
    assert r.status_code == 400 and "root:" not in r.get_data(as_text=True)


@pytest.mark.parametrize("body", [{}, {"items": "x"}, {"items": [{"text": "no tag"}]}])
def test_bad_refresh_bodies_are_400(client, body):
    r = client.post(f"{BASE}/3427/refresh", headers=auth(TYNSET), json=body)
    assert r.status_code == 400 and r.get_json()["code"] == "bad_items"


def _tagged_texts(ooxml: str) -> dict[str, list[str]]:
    from docplan.ooxml import parse_xml
    from docplan.ooxml.sdt import iter_tagged, own_text

    out: dict[str, list[str]] = {}
    for tag, sdt in iter_tagged(parse_xml(ooxml)):
        out.setdefault(str(tag), []).append(own_text(sdt))
    return out


@pytest.mark.parametrize("kind, item_id, main_tag", [
    ("goal", "HM-1", "docplan:goal:HM-1"), ("measure", "T-01", "docplan:measure:T-01"),
    ("measure-table", "all", "docplan:measure-table:3427"), ("kp-ref", "3427:KP-3.2", "docplan:kp-ref:3427:KP-3.2"),
])
def test_snippet_carries_the_hash_of_every_tagged_control_it_inserts(client, spec, kind, item_id, main_tag):
    from docplan.ooxml.text import text_hash

    r = client.get(f"{BASE}/3427/snippets/{kind}/{item_id}", headers=auth(TYNSET))
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/snippets/{kind}/{item_id}", "get", r)
    body = r.get_json()
    texts = _tagged_texts(body["ooxml"])
    assert main_tag in body["hashes"]
    # Exactly the tags in the OOXML, each with the hashes of its own text (without the items inside it)
    # and, for an item holding items, of its whole text.
    from docplan.ooxml.parser import parse_xml
    from docplan.state import hashes_of

    expected = {}
    for el in parse_xml(body["ooxml"]).iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"):
        for child in el:
            for tag, value in hashes_of(child).items():
                expected.setdefault(tag, [])
                expected[tag] += [h for h in value.split() if h not in expected[tag]]
    assert body["hashes"] == {tag: " ".join(hs) for tag, hs in expected.items()}
    assert set(body["hashes"]) == set(texts)
    for tag, ts in texts.items():  # the own-text fingerprint is always among them
        assert all(text_hash(t) in body["hashes"][tag].split() for t in ts)
    if kind == "measure-table":
        assert any(tag.startswith("docplan:measure:") for tag in body["hashes"]), "row-level controls recorded"


def test_unknown_route_and_wrong_method_are_json(client):
    r = client.get("/api/v1/nope")
    assert r.status_code == 404 and r.get_json()["code"] == "not_found"
    r = client.delete("/api/v1/plans", headers=auth(KORUS))
    assert r.status_code == 405 and r.get_json()["code"] == "method_not_allowed"


def test_an_unexpected_bug_is_a_json_500_without_traceback(app, monkeypatch):
    from addin_server import api

    monkeypatch.setattr(api, "_workspace", lambda: 1 / 0)
    r = app.test_client().get("/api/v1/plans", headers=auth(KORUS))
    assert r.status_code == 500
    assert r.get_json()["code"] == "internal" and "Traceback" not in r.get_data(as_text=True)


def test_manifest_carries_the_configured_base_url(client):
    r = client.get("/manifest.xml")
    assert r.status_code == 200 and r.mimetype == "application/xml"
    text = r.get_data(as_text=True)
    assert "https://plan.example.no/pane/taskpane.html" in text and "localhost:3000" not in text


def fetch(client, path):
    """GET a static file and close the streamed response (file handles must not leak)."""
    response = client.get(path)
    response.close()
    return response


def test_the_built_pane_is_served_but_not_sources_node_modules_or_tests(client):
    assert fetch(client, "/pane/taskpane.html").status_code == 200
    assert fetch(client, "/assets/icon-32.png").mimetype == "image/png"
    for path in ("/node_modules/axe-core/axe.min.js", "/package.json", "/test/unit/word.test.js",
                 "/src/taskpane/taskpane.js", "/src/taskpane/word.js", "/pane/../package.json",
                 "/pane/../src/taskpane/word.js", "/src/../package.json", "/manifest.xml/../package.json",
                 "/build.mjs", "/pane/build.mjs"):
        assert fetch(client, path).status_code == 404, path


def test_the_pane_page_is_revalidated_and_its_hashed_files_are_cached_for_a_year(client):
    import re
    from urllib.parse import urljoin

    page = client.get("/pane/taskpane.html")
    html = page.get_data(as_text=True)
    page.close()
    assert page.headers["Cache-Control"] == "no-cache"
    built = re.findall(r'(?:src|href)="(taskpane-[0-9a-f]{10}\.(?:js|css)|support-[0-9a-f]{10}\.js)"', html)
    assert len(built) == 3
    for name in built:
        r = fetch(client, f"/pane/{name}")
        assert r.status_code == 200 and r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # the root and the address manifests made before the build step used lead to the built pane
    root = fetch(client, "/")
    assert root.status_code == 302 and urljoin("https://plan.example.no/", root.headers["Location"]) == \
        "https://plan.example.no/pane/taskpane.html"
    old = fetch(client, "/src/taskpane/taskpane.html")
    assert old.status_code == 301 and urljoin("https://plan.example.no/src/taskpane/taskpane.html",
                                              old.headers["Location"]) == "https://plan.example.no/pane/taskpane.html"


def test_responses_carry_a_content_security_policy(client):
    csp = fetch(client, "/pane/taskpane.html").headers["Content-Security-Policy"]
    assert "script-src 'self' https://appsforoffice.microsoft.com" in csp and "unsafe-inline" not in csp


@pytest.fixture(scope="module")
def tynset_docx() -> bytes:
    from docplan.loaders import load_plan
    from docplan.render import render_plan
    from tests.testkit import EXAMPLE

    return render_plan(load_plan(EXAMPLE), municipality="3427")


def as_flat_opc(docx: bytes) -> str:
    """Return a whole package as flat OPC, the shape Word's ``body.getOoxml()`` returns."""
    from lxml import etree

    pkg = "http://schemas.microsoft.com/office/2006/xmlPackage"
    root = etree.Element(f"{{{pkg}}}package", nsmap={"pkg": pkg})
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        for name in zf.namelist():
            if name == "[Content_Types].xml" or not name.endswith((".xml", ".rels")):
                continue
            part = etree.SubElement(root, f"{{{pkg}}}part", {f"{{{pkg}}}name": "/" + name,
                                                             f"{{{pkg}}}contentType": "application/xml"})
            if name == "word/document.xml":
                part.set(f"{{{pkg}}}contentType",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
            etree.SubElement(part, f"{{{pkg}}}xmlData").append(etree.fromstring(zf.read(name)))
    return etree.tostring(root, encoding="unicode")


def test_check_returns_findings_with_selectable_locations(client, spec, tynset_docx):
    r = client.post(f"{BASE}/3427/check", headers=auth(TYNSET), data=tynset_docx, content_type=DOCX)
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/check", "post", r)
    body = r.get_json()
    assert body["summary"]["total"] == len(body["findings"]) > 0
    rules = {f["rule"] for f in body["findings"]}
    assert "measures.missing_responsible" in rules or "measures.without_goal" in rules
    placed = [f for f in body["findings"] if "paragraph" in f["location"]]
    assert placed and all(f["location"]["part"] == "word/document.xml" for f in placed)
    assert any(f["tag"] and f["tag"].startswith("docplan:measure:") for f in body["findings"])
    assert all(f["comment"].endswith(f"({f['rule']})") for f in body["findings"])


def test_check_never_reports_another_municipalitys_data(client, tynset_docx):
    mine = client.post(f"{BASE}/3427/check", headers=auth(TYNSET), data=tynset_docx, content_type=DOCX)
    assert {f["municipality"] for f in mine.get_json()["findings"]} <= {None, "3427"}


def test_check_accepts_the_body_ooxml_fallback(client, spec, tynset_docx):
    as_file = client.post(f"{BASE}/3427/check", headers=auth(TYNSET), data=tynset_docx, content_type=DOCX)
    r = client.post(f"{BASE}/3427/check", headers=auth(TYNSET), json={"ooxml": as_flat_opc(tynset_docx)})
    conforms(spec, "/plans/{plan_id}/municipalities/{number}/check", "post", r)
    assert [f["rule"] for f in r.get_json()["findings"]] == [f["rule"] for f in as_file.get_json()["findings"]]


def test_snippet_follows_a_change_of_the_plan_file(client, workspace):
    before = client.get(f"{BASE}/3427/snippets/measure/T-01", headers=auth(TYNSET)).get_json()["ooxml"]
    path = workspace / "plans" / f"{PLAN}.yaml"
    text = path.read_text("utf-8")
    assert "Felles Ungdata-undersøkelse" in text
    path.write_text(text.replace("Felles Ungdata-undersøkelse", "Felles Ungdata-kartlegging"), "utf-8")
    after = client.get(f"{BASE}/3427/snippets/measure/T-01", headers=auth(TYNSET)).get_json()["ooxml"]
    assert "Ungdata-undersøkelse" in before and "Ungdata-kartlegging" in after


@pytest.mark.parametrize("plan_id", ["..%2Fworkspace", ".hidden", "osterdalen.yaml", "%2Fetc%2Fpasswd"])
def test_plan_ids_cannot_walk_out_of_the_plans_folder(client, plan_id):
    r = client.get(f"/api/v1/plans/{plan_id}/municipalities/3427/catalogue", headers=auth(KORUS))
    assert r.status_code == 404


@pytest.mark.parametrize("broken,where", [
    ("plans/osterdalen.yaml", "plans/osterdalen.yaml"),
    ("municipalities/3427/osterdalen.adoption.yaml", "municipalities/3427/osterdalen.adoption.yaml"),
])
def test_errors_name_workspace_files_relative_to_the_workspace(client, workspace, broken, where):
    path = workspace / broken
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("plan: [ikke lukket\n", "utf-8")
    r = client.get(f"{BASE}/3427/catalogue", headers=auth(TYNSET))
    assert r.status_code == 400
    text = r.get_data(as_text=True)
    assert str(workspace) not in text and str(workspace.resolve()) not in text and "/tmp" not in text
    assert r.get_json()["location"]["file"] == where


def test_a_401_carries_the_bearer_challenge(client):
    for headers in ({}, auth("wrong-token")):
        r = client.get("/api/v1/me", headers=headers)
        assert r.status_code == 401 and r.headers["WWW-Authenticate"] == 'Bearer realm="docplan"'
    assert "WWW-Authenticate" not in client.get("/api/v1/me", headers=auth(TYNSET)).headers


def test_api_answers_are_not_stored_by_caches_but_statics_may_be(client):
    for r in (client.get("/api/v1/health"), client.get("/api/v1/me", headers=auth(TYNSET)),
              client.get("/api/v1/nope"), client.get(f"{BASE}/3428/catalogue", headers=auth(TYNSET))):
        assert r.headers["Cache-Control"] == "no-store"
    assert "no-store" not in fetch(client, "/pane/taskpane.html").headers.get("Cache-Control", "")


def test_hsts_is_sent_over_https_only(client):
    assert client.get("/api/v1/health", base_url="https://localhost").headers["Strict-Transport-Security"] == \
        "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/api/v1/health").headers


def test_only_office_hosts_may_frame_the_task_pane(client):
    csp = fetch(client, "/pane/taskpane.html").headers["Content-Security-Policy"]
    ancestors = next(d for d in csp.split(";") if d.strip().startswith("frame-ancestors")).split()[1:]
    assert ancestors[0] == "'self'" and "https://*.officeapps.live.com" in ancestors
    assert "*" not in ancestors and all(a == "'self'" or a.startswith("https://*.") for a in ancestors)


def test_errors_come_in_the_malform_the_request_asks_for(client):
    nn = client.get(f"{BASE}/3427/snippets/measure/T-99?lang=nn", headers=auth(TYNSET))
    nb = client.get(f"{BASE}/3427/snippets/measure/T-99", headers=auth(TYNSET))
    assert nn.status_code == nb.status_code == 404
    assert nn.get_json()["message"] == "tiltaket «T-99» finst ikkje for kommune 3427"
    assert nb.get_json()["message"] == "tiltaket «T-99» finnes ikke for kommune 3427"
    # raised by the token check before the view runs: the request's målform all the same
    denied = client.get(f"{BASE}/3427/catalogue?lang=nn")
    assert denied.status_code == 401 and "manglar gyldig tilgangsnøkkel" in denied.get_json()["message"]
    # the next request on the same worker thread is bokmål again
    again = client.get(f"{BASE}/3427/catalogue")
    assert "mangler gyldig tilgangsnøkkel" in again.get_json()["message"]


def test_an_unknown_language_is_refused_in_bokmal(client):
    r = client.get(f"{BASE}/3427/snippets/measure/T-01?lang=sv", headers=auth(TYNSET))
    assert r.status_code == 400 and r.get_json()["message"] == "språket må være «nb» (bokmål) eller «nn» (nynorsk)"
