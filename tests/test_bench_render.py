"""Smoke run of bench/bench_render.py: it runs both sides and prints figures (no timing asserted)."""

import importlib.util
import io
from pathlib import Path


def test_render_benchmark_smoke():
    path = Path(__file__).resolve().parent.parent / "bench" / "bench_render.py"
    spec = importlib.util.spec_from_file_location("bench_render", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    result = module.run(rounds=2, out=out)
    assert result["rounds"] == 2 and result["speedup"].rounds == 2 and result["speedup"].median > 0
    assert "per document" in out.getvalue() and "speed-up" in out.getvalue()
