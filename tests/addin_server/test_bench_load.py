"""Smoke run of bench/load_addin.py: a real server process, every phase, ratios printed (no timing asserted)."""

import importlib.util
import io
from pathlib import Path


def test_load_benchmark_smoke():
    path = Path(__file__).resolve().parents[2] / "bench" / "load_addin.py"
    spec = importlib.util.spec_from_file_location("load_addin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    result = module.run(clients=3, rounds=2, check_rounds=1, threads=2, out=out)
    assert result["check"]["n"] == 3 and result["snippet"]["n"] == 6
    assert result["snippet"]["ratio_p50"] > 0
    assert "ratio p50" in out.getvalue() and "check" in out.getvalue()
