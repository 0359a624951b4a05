"""Bounded document work (addin_server.jobs): real worker processes, real time limits, a share per token.

Every wait here is bounded: jobs have time limits, threads are joined with a timeout, and polls stop
after a fixed number of rounds.
"""

from __future__ import annotations

import concurrent.futures as cf
import http.client
import json
import os
import threading
import time

import pytest
import yaml

from addin_server import create_app, engines
from addin_server.errors import TimeLimitError, TooManyJobsError
from addin_server.jobs import JobRunner
from addin_server.serving import make_server
from docplan.errors import DocumentError
from tests.addin_server.conftest import ALVDAL, PLAN, TYNSET, auth
from tests.addin_server.test_api import conforms

BASE = f"/api/v1/plans/{PLAN}/municipalities"
#: Extra measures that make one measure table take about a second to build (and 4 MB of OOXML).
EXTRA_MEASURES = 2500
HEAVY = {"items": [{"tag": "docplan:measure-table:3427", "shape": "block", "text": "gammel tabell"}] * 5}
LIGHT = {"items": [{"tag": "docplan:goal:HM-1", "shape": "block", "text": "gammel tekst"}]}


def gone(pid: int, rounds: int = 50) -> bool:
    """Return whether process ``pid`` has ended (polling at most ``rounds`` × 0.1 s)."""
    for _ in range(rounds):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture()
def runner():
    runner = JobRunner(workers=1, per_token=2)
    yield runner
    runner.shutdown()


def test_a_job_past_its_time_limit_is_killed_and_its_worker_replaced(runner):
    first = runner.run("a", os.getpid, timeout=30, queue_timeout=30)
    started = time.monotonic()
    with pytest.raises(TimeLimitError) as caught:
        runner.run("a", time.sleep, 60, timeout=0.5, queue_timeout=30)
    assert time.monotonic() - started < 10
    assert caught.value.code == "time_limit" and "avbrutt" in caught.value.message
    assert gone(first), "the timed-out worker process still runs"
    # the only worker is free again at once: a new process serves the next job
    assert runner.run("a", os.getpid, timeout=30, queue_timeout=5) not in (first, os.getpid())


def test_a_docplan_error_comes_back_from_the_worker_with_its_code_and_location(runner):
    with pytest.raises(DocumentError) as caught:
        runner.run("a", engines.open_document, None, "<kaputt", timeout=30, queue_timeout=30)
    assert caught.value.code == "bad_ooxml" and caught.value.location.part == "pkg:package"
    assert "ugyldig XML" in caught.value.message


def test_one_token_gets_429_beyond_its_share_while_another_token_still_runs():
    runner = JobRunner(workers=3, per_token=2)
    try:
        with cf.ThreadPoolExecutor(2) as pool:
            busy = [pool.submit(runner.run, "a", time.sleep, 3, timeout=30, queue_timeout=30) for _ in range(2)]
            for _ in range(100):
                if runner.running("a") == 2:
                    break
                time.sleep(0.05)
            with pytest.raises(TooManyJobsError) as caught:
                runner.run("a", os.getpid, timeout=30, queue_timeout=30, retry_after=7)
            assert caught.value.http_status == 429 and caught.value.retry_after == 7
            assert "tilgangsnøkkelen har allerede 2" in caught.value.message
            assert isinstance(runner.run("b", os.getpid, timeout=30, queue_timeout=30), int)
            assert all(f.result(timeout=30) is None for f in busy)
        assert runner.running("a") == 0
    finally:
        runner.shutdown()


@pytest.fixture()
def heavy_workspace(workspace):
    """The sample workspace with EXTRA_MEASURES more common measures, so a measure table is slow to build."""
    path = workspace / "plans" / f"{PLAN}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["measures"] += [{**data["measures"][0], "id": f"X-{i:04d}"} for i in range(EXTRA_MEASURES)]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return workspace


def test_a_timed_out_refresh_frees_the_only_worker_for_the_next_request(heavy_workspace):
    app = create_app({"TESTING": True, "WORKSPACE": str(heavy_workspace), "WORKERS": 1, "PROCESS_TIMEOUT": 1.5,
                      "QUEUE_TIMEOUT": 10})
    client = app.test_client()
    try:
        assert client.post(f"{BASE}/3427/refresh", headers=auth(TYNSET), json=LIGHT).status_code == 200  # warm
        r = client.post(f"{BASE}/3427/refresh", headers=auth(TYNSET), json=HEAVY)
        assert r.status_code == 503 and r.get_json()["code"] == "time_limit"
        # a thread would still be building tables for seconds; the killed process frees the worker now
        r = client.post(f"{BASE}/3427/refresh", headers=auth(TYNSET), json=LIGHT)
        assert r.status_code == 200, r.get_json()
    finally:
        app.extensions["docplan.jobs"].shutdown()


def post(port: int, path: str, token: str, body: dict, timeout: float = 60) -> tuple[int, dict, dict, float]:
    """POST JSON on a new connection; return (status, headers, body, time it finished)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body=json.dumps(body), headers={**auth(token), "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, dict(response.headers), json.loads(response.read()), time.monotonic()
    finally:
        conn.close()


@pytest.mark.slow
def test_four_heavy_requests_from_one_token_leave_room_for_another_tokens_check(heavy_workspace, tynset_docx_flat):
    app = create_app({"WORKSPACE": str(heavy_workspace), "WORKERS": 4, "JOBS_PER_TOKEN": 2, "PROCESS_TIMEOUT": 60,
                      "MAX_RESPONSE_BYTES": 100 * 1024 * 1024})
    server = make_server(app, "127.0.0.1", 0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        path = f"{BASE}/3427/refresh"
        with cf.ThreadPoolExecutor(4) as pool:
            heavy = [pool.submit(post, server.port, path, TYNSET, HEAVY) for _ in range(4)]
            refused = []
            for done in cf.as_completed(heavy, timeout=60):
                if done.result()[0] == 429:
                    refused.append(done.result())
                if len(refused) == 2:
                    break
            # two of Tynset's requests were refused at once, so the other two hold two of the four workers
            assert len(refused) == 2
            status, headers, body, _ = refused[0]
            assert headers["Retry-After"] == "2" and body["code"] == "too_many_jobs" and "vent" in body["message"]
            status, _, body, alvdal_done = post(server.port, f"{BASE}/3428/check", ALVDAL,
                                                {"ooxml": tynset_docx_flat})
            assert status == 200 and isinstance(body["findings"], list)
            admitted = [f.result(timeout=60) for f in heavy if f.result()[0] != 429]
        assert [r[0] for r in admitted] == [200, 200]
        assert all(alvdal_done < finished for *_, finished in admitted), "the check waited for Tynset's work"
    finally:
        server.close()
        thread.join(timeout=10)
        app.extensions["docplan.jobs"].shutdown()


@pytest.fixture(scope="module")
def tynset_docx_flat() -> str:
    from docplan.loaders import load_plan
    from docplan.render import render_plan
    from tests.addin_server.test_api import as_flat_opc
    from tests.testkit import EXAMPLE

    return as_flat_opc(render_plan(load_plan(EXAMPLE), municipality="3428"))


def test_a_refresh_with_more_items_than_allowed_is_a_norwegian_413(client):
    r = client.post(f"{BASE}/3427/refresh", headers=auth(TYNSET),
                    json={"items": [{"tag": "docplan:goal:HM-1", "shape": "block", "text": "x"}] * 501})
    assert r.status_code == 413 and r.get_json()["code"] == "too_many_items"
    assert "høyst 500" in r.get_json()["message"]
    conforms(client.get("/api/v1/openapi.json").get_json(), "/plans/{plan_id}/municipalities/{number}/refresh",
             "post", r)


def test_the_issues_two_thousand_tables_are_refused_before_any_work(client):
    items = [{"tag": f"docplan:measure-table:{i}", "text": "x" * 20} for i in range(2000)]
    started = time.monotonic()
    r = client.post(f"{BASE}/3427/refresh", headers=auth(TYNSET), json={"items": items})
    assert r.status_code == 413 and r.get_json()["code"] == "too_many_items"
    assert time.monotonic() - started < 5


def test_more_than_five_tables_in_one_refresh_is_a_norwegian_413(client):
    items = [{"tag": "docplan:measure-table:3427", "shape": "block", "text": "x"}] * 6
    r = client.post(f"{BASE}/3427/refresh", headers=auth(TYNSET), json={"items": items})
    assert r.status_code == 413 and r.get_json()["code"] == "too_many_tables"
    assert "tiltakstabeller" in r.get_json()["message"] and "høyst 5" in r.get_json()["message"]


def test_a_refresh_whose_answer_would_pass_the_size_limit_stops_with_413(app):
    app.config["MAX_RESPONSE_BYTES"] = 60_000  # one table of the sample is about 45 KB of OOXML
    client = app.test_client()
    items = [{"tag": "docplan:measure-table:3427", "shape": "block", "text": "gammel"}] * 2
    r = client.post(f"{BASE}/3427/refresh", headers=auth(TYNSET), json={"items": items})
    assert r.status_code == 413 and r.get_json()["code"] == "response_too_large"
    assert "send færre elementer" in r.get_json()["message"]
    assert client.post(f"{BASE}/3427/refresh", headers=auth(TYNSET), json={"items": items[:1]}).status_code == 200
