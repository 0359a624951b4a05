"""`docplan serve` (a real server process on 127.0.0.1) and `docplan serve-token` (click's CliRunner)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from docplan.cli import main

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 5):
    context = ssl._create_unverified_context() if url.startswith("https") else None
    return urllib.request.urlopen(url, timeout=timeout, context=context)


def start_serve(args: list[str], port: int, *, home: Path | None = None) -> subprocess.Popen:
    """Start ``docplan serve`` and return it once /health answers (at most 30 s, else fail)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if home is not None:
        env["HOME"] = str(home)
    proc = subprocess.Popen([sys.executable, "-m", "docplan", "serve", "--port", str(port), *args], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    scheme = "https" if "--https" in args else "http"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"docplan serve stopped: {proc.stdout.read()}")
        try:
            with get(f"{scheme}://127.0.0.1:{port}/api/v1/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.1)
    stop(proc)
    pytest.fail("docplan serve did not answer within 30 s")


def stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate(timeout=10)
    return out


def test_serve_without_workspace_serves_the_sample_over_http():
    port = free_port()
    proc = start_serve([], port)
    try:
        with get(f"http://127.0.0.1:{port}/manifest.xml") as r:
            assert f"http://localhost:{port}/pane/taskpane.html" in r.read().decode("utf-8")
        with get(f"http://127.0.0.1:{port}/pane/taskpane.html") as r:  # the built pane, from a plain checkout
            assert r.status == 200 and b"office.js" in r.read()
        with get(f"http://127.0.0.1:{port}/api/v1/health") as r:
            assert r.headers["Cache-Control"] == "no-store" and "Strict-Transport-Security" not in r.headers
        # document work runs in the server's worker processes (started from `python -m docplan`)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/plans/osterdalen/municipalities/3427/refresh", method="POST",
            data=json.dumps({"items": [{"tag": "docplan:goal:HM-1", "shape": "block", "text": "gammel"}]}).encode(),
            headers={"Authorization": "Bearer demo-3427", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert [s["status"] for s in json.loads(r.read())["items"]] == ["unknown"]
    finally:
        out = stop(proc)
    assert "eksempeldata" in out and f"http://localhost:{port}/manifest.xml" in out


def test_serve_with_a_workspace_and_public_url_serves_docplan_manifests_manifest(workspace):
    from addin_server.manifest import manifest_xml

    port = free_port()
    proc = start_serve(["--workspace", str(workspace), "--public-url", "https://plan.kommune.no/"], port)
    try:
        with get(f"http://127.0.0.1:{port}/manifest.xml") as r:
            served = r.read()
    finally:
        out = stop(proc)
    assert "https://plan.kommune.no/pane/taskpane.html" in served.decode("utf-8")
    assert served == manifest_xml("https://plan.kommune.no")
    assert "https://plan.kommune.no/manifest.xml" in out and "eksempeldata" not in out


def test_serve_refuses_a_public_url_word_cannot_use(workspace):
    result = CliRunner().invoke(main, ["serve", "--workspace", str(workspace), "--public-url", "https://x.no/?a=b"])
    assert result.exit_code == 2 and "--public-url" in result.output and "«?»" in result.output


def test_serve_https_makes_an_openssl_certificate_once_and_sends_hsts(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    port = free_port()
    proc = start_serve(["--https"], port, home=tmp_path)
    try:
        with get(f"https://127.0.0.1:{port}/api/v1/health") as r:
            assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
    finally:
        out = stop(proc)
    cert = tmp_path / ".office-addin-dev-certs" / "docplan-localhost.crt"
    assert cert.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert f"https://localhost:{port}/manifest.xml" in out and "selvsignert" in out
    # a second start reuses the certificate instead of making a new one
    before = cert.read_bytes()
    out = stop(start_serve(["--https"], port, home=tmp_path))
    assert cert.read_bytes() == before and "selvsignert" not in out


def test_serve_on_a_port_in_use_is_one_norwegian_line(workspace):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--workspace", str(workspace), "--port", str(port)])
    assert result.exit_code == 2 and "kan ikke lytte på" in result.output and "Traceback" not in result.output


def test_serve_with_a_broken_workspace_is_one_norwegian_line(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--workspace", str(tmp_path)])
    assert result.exit_code == 2 and "plans" in result.output and "Traceback" not in result.output


def test_serve_token_prints_a_token_and_its_hash_only(workspace):
    result = CliRunner().invoke(main, ["serve-token", "--kommune", "3427", "--name", "Tynset"])
    assert result.exit_code == 0, result.output
    token = re.search(r"lagres ikke\): (\S+)", result.output).group(1)
    entry = yaml.safe_load(result.output.split("workspace.yaml:\n", 1)[1])[0]
    assert entry == {"name": "Tynset", "municipalities": ["3427"],
                     "sha256": hashlib.sha256(token.encode()).hexdigest()}


def test_serve_token_needs_a_scope():
    result = CliRunner().invoke(main, ["serve-token"])
    assert result.exit_code == 2 and "--kommune" in result.output
