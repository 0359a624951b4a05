"""`docplan serve` and `docplan serve-token` through click's CliRunner (the server itself is not started)."""

from __future__ import annotations

import hashlib
import re

import pytest
import yaml
from click.testing import CliRunner

from docplan.cli import main


@pytest.fixture()
def served(monkeypatch):
    calls = {}

    def fake_serve(app, **kw):
        calls.update(kw, app=app)

    import waitress

    monkeypatch.setattr(waitress, "serve", fake_serve)
    return calls


def test_serve_without_workspace_uses_the_sample_under_waitress(served):
    result = CliRunner().invoke(main, ["serve", "--port", "3999"])
    assert result.exit_code == 0, result.output
    assert "eksempeldata" in result.output and "http://localhost:3999/manifest.xml" in result.output
    assert served["port"] == 3999 and served["host"] == "127.0.0.1"
    assert served["app"].config["SAMPLE"] is True


def test_serve_with_a_workspace_and_public_url(served, workspace):
    result = CliRunner().invoke(main, ["serve", "--workspace", str(workspace), "--public-url",
                                       "https://plan.kommune.no"])
    assert result.exit_code == 0, result.output
    assert served["app"].config["WORKSPACE"] == str(workspace)
    assert "https://plan.kommune.no/manifest.xml" in result.output


def test_serve_with_a_broken_workspace_is_one_norwegian_line(tmp_path, served):
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


def test_serve_https_falls_back_to_an_openssl_certificate(monkeypatch, tmp_path):
    import shutil
    from pathlib import Path

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    started = {}
    import werkzeug.serving

    monkeypatch.setattr(werkzeug.serving, "run_simple",
                        lambda host, port, app, **kw: started.update(kw, host=host, port=port))
    result = CliRunner().invoke(main, ["serve", "--https", "--port", "3443"])
    assert result.exit_code == 0, result.output
    cert, key = started["ssl_context"]
    assert Path(cert).read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert "https://localhost:3443/manifest.xml" in result.output
    # a second start reuses the certificate instead of making a new one
    before = Path(cert).read_bytes()
    CliRunner().invoke(main, ["serve", "--https"])
    assert Path(cert).read_bytes() == before
