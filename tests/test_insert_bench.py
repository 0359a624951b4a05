"""Smoke test of bench/bench_insert.py: it runs on a small document and prints ratios (no timing asserts)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_insert", ROOT / "bench" / "bench_insert.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bench_insert_smoke(capsys):
    bench = _bench()
    assert bench.main(["--repeat", "2", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "python-docx open+save (baseline)" in out
    assert "docplan insert table+save" in out and "ratio" in out and "goal <= 1.2x" in out
