"""bench/bench_insert.py: a smoke run, and insert and refresh growing linearly with the measure table."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_insert", ROOT / "bench" / "bench_insert.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bench_insert_smoke(capsys, monkeypatch):
    bench = _bench()
    monkeypatch.setattr(bench, "SIZES", (10, 20))
    assert bench.main(["--repeat", "2", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "python-docx open+save (baseline)" in out and "docplan insert table+save" in out
    assert "ratio:" in out and "goal <= 1.3x" in out and "10 measures: insert" in out


def test_a_1000_measure_table_costs_at_most_15_times_a_100_measure_one():
    """Inserting and refreshing are linear in the table's size (moving a parsed table into the document
    used to be quadratic: 3.3 s for 1 000 rows against 60 ms for 100). The best of three runs of each
    size is compared, so a busy machine does not make a linear cost look quadratic (that was 40x)."""
    from docplan.document import PlanDocument
    from docplan.insert import Target, insert_items
    from docplan.refresh import refresh
    from tests.docfactory import PLACEHOLDER, municipal_plan

    bench = _bench()
    data = municipal_plan(repeat=2)
    best: dict[tuple[str, int], float] = {}
    for n in (100, 1000):
        plan = bench.plan_with(n)
        changed = plan.model_copy(deep=True)
        changed.measures[0].title = "Endret tittel"
        inserted = None
        for _ in range(3):
            t = time.process_time()
            doc = PlanDocument.open(data)
            insert_items(doc, plan, "measure-table", Target(placeholder=PLACEHOLDER))
            inserted = doc.to_bytes()
            best["insert", n] = min(best.get(("insert", n), 1e9), time.process_time() - t)
            t = time.process_time()
            again = PlanDocument.open(inserted)
            assert refresh(again, changed).updated
            again.to_bytes()
            best["refresh", n] = min(best.get(("refresh", n), 1e9), time.process_time() - t)
    for what in ("insert", "refresh"):
        assert best[what, 1000] <= 15 * best[what, 100], (what, best)
