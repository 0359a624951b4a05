"""Benchmark: insert + save into a ~100-page plan, as a ratio to python-docx open + save of the same file.

Document: `tests.docfactory.municipal_plan(repeat=30)` (about 110 pages in LibreOffice: own styles,
numbered headings, table, header/footer, comment, tracked changes, image, footnote).

- baseline: ``docx.Document(BytesIO(data)).save(BytesIO())`` — python-docx open + save, nothing changed;
- docplan, one insertion: ``PlanDocument.open(data)``, insert the measure table (20 rows) at the placeholder,
  record the state part, ``to_bytes()`` (``docplan insert --what measure-table`` minus disk I/O);
- docplan, two insertions: the same plus the 15 goal blocks after heading «3 Mål»;
- for information: a second, idempotent run over docplan's own output (update in place, nothing changes).

The sides run alternately in the same process (``--runs`` rounds); prints best-time ratios and the median
of the per-round ratios (goal ≤ 1.2×).
Usage: python bench/bench_insert.py [--repeat 30] [--runs 7]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_RATIO = 1.2


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _rounds(fns, runs: int) -> list[list[float]]:
    """Run the functions alternately ``runs`` times (so machine load hits both sides alike)."""
    return [[_timed(fn) for fn in fns] for _ in range(runs)]


def run(repeat: int = 30, runs: int = 7) -> dict[str, float]:
    import docx

    from docplan.document import PlanDocument
    from docplan.insert import Target, insert_items
    from docplan.loaders import load_plan
    from tests.docfactory import PLACEHOLDER, municipal_plan

    data = municipal_plan(repeat=repeat)
    plan = load_plan(ROOT / "examples" / "osterdalen.yaml")

    def baseline() -> bytes:
        buf = io.BytesIO()
        docx.Document(io.BytesIO(data)).save(buf)
        return buf.getvalue()

    def docplan_table(source: bytes = data) -> bytes:
        doc = PlanDocument.open(source, name="plan.docx")
        insert_items(doc, plan, "measure-table", Target(placeholder=PLACEHOLDER))
        return doc.to_bytes()

    def docplan_insert(source: bytes = data) -> bytes:
        doc = PlanDocument.open(source, name="plan.docx")
        insert_items(doc, plan, "measure-table", Target(placeholder=PLACEHOLDER))
        insert_items(doc, plan, "goals", Target(heading="3 Mål"))
        return doc.to_bytes()

    once = docplan_insert()
    baseline()  # warm imports and caches on both sides
    rounds = _rounds([baseline, docplan_table, docplan_insert, lambda: docplan_insert(once)], runs)
    t_base, t_table, t_insert, t_update = (min(r[i] for r in rounds) for i in range(4))
    med = [statistics.median(r[i] / r[0] for r in rounds) for i in range(4)]
    return {"bytes": len(data), "baseline_s": t_base, "table_s": t_table, "insert_s": t_insert,
            "update_s": t_update, "table_ratio": t_table / t_base, "insert_ratio": t_insert / t_base,
            "update_ratio": t_update / t_base, "table_ratio_median": med[1], "insert_ratio_median": med[2],
            "update_ratio_median": med[3]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30, help="chapter repetitions (30 ≈ 110 pages)")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args(argv)
    r = run(args.repeat, args.runs)
    print(f"document: {r['bytes'] / 1024:.0f} KiB (repeat={args.repeat})")
    print(f"python-docx open+save (baseline): {r['baseline_s'] * 1000:.1f} ms")
    print(f"docplan insert table+save:        {r['table_s'] * 1000:.1f} ms  ratio {r['table_ratio']:.2f}x "
          f"(median of paired rounds {r['table_ratio_median']:.2f}x; goal <= {GOAL_RATIO}x)")
    print(f"docplan insert table+goals+save:  {r['insert_s'] * 1000:.1f} ms  ratio {r['insert_ratio']:.2f}x "
          f"(median {r['insert_ratio_median']:.2f}x)")
    print(f"docplan update (idempotent run):  {r['update_s'] * 1000:.1f} ms  ratio {r['update_ratio']:.2f}x "
          f"(median {r['update_ratio_median']:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
