"""`docplan serve --workers N` (gunicorn processes) and `--database` (PostgreSQL): real servers on 127.0.0.1.

Several server processes share one workspace: a write through one is read through the others, and two
writes naming the same version never both land (one is a 409), on either backend.
"""

from __future__ import annotations

import concurrent.futures as cf
import http.client
import json
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from docplan.cli import main
from tests.addin_server.test_serve_cli import free_port, start_serve, stop

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX only")
ADOPTION = "/api/v1/plans/osterdalen/municipalities/3427/adoption"


def call(port: int, method: str, path: str, token: str = "demo-3427", body: dict | None = None,
         headers: dict | None = None) -> tuple[int, dict, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), json.loads(r.read() or b"null")
    finally:
        conn.close()


def children(pid: int, expected: int = 0, within: float = 30.0) -> list[int]:
    """The child processes of ``pid``; with ``expected``, wait up to ``within`` seconds for that many, since
    gunicorn's arbiter listens before it has forked every worker."""
    deadline = time.monotonic() + within
    while True:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
        found = [int(p) for p in out.split()]
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


@pytest.fixture(params=["files", "postgresql"])
def backend(request, workspace) -> list[str]:
    """The ``docplan serve`` arguments naming the workspace: the folder, or a database it was imported into."""
    if request.param == "files":
        return ["--workspace", str(workspace)]
    url = request.getfixturevalue("database_url")
    assert CliRunner().invoke(main, ["workspace", "import", str(workspace), "--database", url]).exit_code == 0
    return ["--database", url]


def test_n_worker_processes_share_one_workspace_and_never_lose_a_write(backend):
    port = free_port()
    proc = start_serve([*backend, "--workers", "2", "--threads", "4"], port)
    try:
        assert len(children(proc.pid, expected=2)) == 2  # gunicorn's arbiter and its two workers
        status, headers, _ = call(port, "GET", ADOPTION)
        etag = headers["ETag"]
        body = {"status": "vedtatt", "date": "2024-06-20", "case_no": "PS 40/24"}
        # eight writes naming the same version at once, over both processes: exactly one lands
        with cf.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda i: call(port, "PUT", ADOPTION, body={**body, "case_no": f"PS {i}/24"},
                                                   headers={"If-Match": etag}), range(8)))
        statuses = sorted(a[0] for a in answers)
        assert statuses == [200] + [409] * 7, statuses
        winner = next(a for a in answers if a[0] == 200)
        assert all("endret av noen andre" in a[2]["message"] for a in answers if a[0] == 409)
        # every process now answers with the record that landed
        for _ in range(6):
            status, headers, got = call(port, "GET", ADOPTION)
            assert status == 200 and got == winner[2] and headers["ETag"] == winner[1]["ETag"]
        _, _, audit = call(port, "GET", "/api/v1/audit/adoption", token="demo-korus")
        assert [e["after"]["case_no"] for e in audit["entries"]] == [winner[2]["case_no"]]
    finally:
        out = stop(proc)
    assert "med 2 prosesser" in out and "Stoppet." in out and "Traceback" not in out


def test_workers_serve_the_sample_from_one_shared_copy():
    port = free_port()
    proc = start_serve(["--workers", "2"], port)
    try:
        status, headers, _ = call(port, "GET", ADOPTION)
        first = call(port, "PUT", ADOPTION, body={"status": "til behandling"}, headers={"If-Match": headers["ETag"]})
        assert first[0] == 200
        assert all(call(port, "GET", ADOPTION)[1]["ETag"] == first[1]["ETag"] for _ in range(6))
    finally:
        out = stop(proc)
    assert "eksempeldata" in out


def test_https_with_several_workers_is_refused_in_norwegian(workspace):
    result = CliRunner().invoke(main, ["serve", "--workspace", str(workspace), "--workers", "2", "--https"])
    assert result.exit_code == 2 and "TLS-proxy" in result.output and "Traceback" not in result.output


def test_workers_on_a_port_in_use_is_one_norwegian_line(workspace):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--workspace", str(workspace), "--workers", "2", "--port", str(port)])
    assert result.exit_code == 2 and "kan ikke lytte på" in result.output


def test_a_broken_workspace_stops_before_any_worker_starts(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--workspace", str(tmp_path), "--workers", "2"])
    assert result.exit_code == 2 and "plans" in result.output and "Traceback" not in result.output
