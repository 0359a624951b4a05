"""Smoke run of bench/bench_serve.py: real `docplan serve --workers 1` and `--workers 2` processes, every
comparison printed with its ratio and spread (no timing asserted)."""

import importlib.util
import io
import sys
from pathlib import Path

import pytest


@pytest.mark.skipif(sys.platform == "win32", reason="--workers 2 runs gunicorn (POSIX)")
def test_serve_benchmark_smoke():
    path = Path(__file__).resolve().parent.parent / "bench" / "bench_serve.py"
    spec = importlib.util.spec_from_file_location("bench_serve", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    result = module.run(clients=2, requests=1, rounds=1, pools=(None,), out=out)
    default = result["default"]
    assert default["check"]["rps_1"] > 0 and default["check"]["rps_2"] > 0 and default["catalogue"]["ratio"].rounds == 1
    assert default["check_clients"]["ratio"].median > 0
    if sys.platform.startswith("linux"):
        assert default["check"]["cpu_ms"] > 0 and "CPU per request" in out.getvalue()
    text = out.getvalue()
    assert "2 / 1:" in text and "spread" in text and "goal ≥ 1.5x" in text and "clients at once / 1 client" in text
