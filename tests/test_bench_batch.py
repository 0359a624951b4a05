"""Smoke run of bench/bench_batch.py with a small N: both sides run and print figures (no timing asserted)."""

import importlib.util
import io
from pathlib import Path


def _bench():
    path = Path(__file__).resolve().parent.parent / "bench" / "bench_batch.py"
    spec = importlib.util.spec_from_file_location("bench_batch", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_batch_benchmark_smoke():
    out = io.StringIO()
    result = _bench().run(n=4, jobs=2, rounds=2, out=out)
    assert result["n"] == 4 and result["rounds"] == 2 and result["batch_rss_mb"] > 0
    assert 0 < result["ratio_low"] <= result["ratio"] <= result["ratio_high"]
    assert result["over_jobs1"] > 0 and result["workers"] == 2
    text = out.getvalue()
    assert "docs/s" in text and "ratio" in text and "spread" in text and "peak RSS" in text
    assert "folder of YAML files" in text and "--jobs 1" in text


def test_break_even_benchmark_smoke():
    out = io.StringIO()
    table = _bench().break_even(sizes=(2,), rounds=1, out=out)
    assert table[2]["one_s"] > 0 and table[2]["fork"]["pool_s"] > 0
    assert "pool_size chooses" in out.getvalue()


def test_synthetic_plans_are_the_standard_plan_per_municipality():
    plans = _bench().synthetic_plans(12)
    numbers = [p.municipalities[0].number for p in plans]
    assert len(set(numbers)) == 12 and numbers[:9] == [str(n) for n in range(3422, 3431)]
    for p in plans:
        assert len(p.goals) == 4 and len(p.measures_for(p.municipalities[0].number)) == 20
