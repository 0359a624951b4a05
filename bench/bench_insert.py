"""Benchmark: insert + save into a ~100-page plan against python-docx open + save, and how insert and
refresh grow with the size of the measure table.

Document: `tests.docfactory.municipal_plan(repeat=30)` (about 110 pages in LibreOffice: own styles,
numbered headings, table, header/footer, comment, tracked changes, image, footnote).

- baseline: ``docx.Document(BytesIO(data)).save(BytesIO())`` — python-docx open + save, nothing changed;
- insert: ``PlanDocument.open``, the measure table (20 rows) at the placeholder, the record, ``to_bytes()``
  (``docplan insert --what measure-table`` without disk I/O). Goal: at most 1.3x the baseline;
- linearity: insert, then refresh after one data change, with 10, 100 and 1 000 measures (the same
  document). Goal: the 1 000-measure table costs at most 15x the 100-measure one.

Every comparison runs its sides alternately in one process (`timing.interleaved`); figures are the
median of the per-round ratios with their spread. Usage: python bench/bench_insert.py [--repeat 30] [--runs 15]
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import interleaved, median_time, ratio  # noqa: E402

GOAL_RATIO = 1.3
GOAL_GROWTH = 15.0
SIZES = (10, 100, 1000)


def plan_with(measures: int):
    """Return the example plan with ``measures`` measures (copies of the example's, new ids)."""
    from docplan.loaders import load_plan

    plan = load_plan(ROOT / "examples" / "osterdalen.yaml")
    base = list(plan.measures)
    plan.measures = [copy.deepcopy(base[i % len(base)]).model_copy(update={"id": f"T-{i + 1:04d}"})
                     for i in range(measures)]
    return plan


def run(repeat: int = 30, runs: int = 15, sizes: tuple[int, ...] = SIZES) -> dict:
    import docx

    from docplan.document import PlanDocument
    from docplan.insert import Target, insert_items
    from docplan.refresh import refresh
    from tests.docfactory import PLACEHOLDER, municipal_plan

    data = municipal_plan(repeat=repeat)
    example = plan_with(20)

    def baseline() -> bytes:
        buf = io.BytesIO()
        docx.Document(io.BytesIO(data)).save(buf)
        return buf.getvalue()

    def insert(plan=example, source: bytes = data) -> bytes:
        doc = PlanDocument.open(source, name="plan.docx")
        insert_items(doc, plan, "measure-table", Target(placeholder=PLACEHOLDER))
        return doc.to_bytes()

    rounds = interleaved([baseline, insert], runs)
    out = {"bytes": len(data), "baseline_s": median_time(rounds, 0), "insert_s": median_time(rounds, 1),
           "insert_ratio": ratio(rounds, 1), "sizes": {}}

    plans = {n: plan_with(n) for n in sizes}
    inserted = {n: insert(plans[n]) for n in sizes}
    changed = {}
    for n in sizes:
        p = plans[n].model_copy(deep=True)
        p.measures[0].title = "Endret tittel"
        changed[n] = p

    def refreshed(n: int):
        return lambda: refresh(PlanDocument.open(inserted[n]), changed[n]).updated

    fns = [baseline] + [lambda n=n: insert(plans[n]) for n in sizes] + [refreshed(n) for n in sizes]
    grow = interleaved(fns, max(3, runs // 3))
    k = len(sizes)
    for i, n in enumerate(sizes):
        out["sizes"][n] = {"insert_s": median_time(grow, 1 + i), "refresh_s": median_time(grow, 1 + k + i)}
    if 100 in sizes and 1000 in sizes:
        out["insert_growth"] = ratio(grow, 1 + sizes.index(1000), 1 + sizes.index(100))
        out["refresh_growth"] = ratio(grow, 1 + k + sizes.index(1000), 1 + k + sizes.index(100))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30, help="chapter repetitions (30 ≈ 110 pages)")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args(argv)
    r = run(args.repeat, args.runs)
    print(f"document: {r['bytes'] / 1024:.0f} KiB (repeat={args.repeat}); sides run alternately, same process")
    print(f"python-docx open+save (baseline): {r['baseline_s'] * 1000:.1f} ms (median)")
    print(f"docplan insert table+save:        {r['insert_s'] * 1000:.1f} ms (median)")
    print(f"ratio: {r['insert_ratio']} (goal <= {GOAL_RATIO}x)")
    for n, t in r["sizes"].items():
        print(f"{n:>5} measures: insert {t['insert_s'] * 1000:8.1f} ms, refresh {t['refresh_s'] * 1000:8.1f} ms")
    if "insert_growth" in r:
        print(f"1000 vs 100 measures: insert {r['insert_growth']}, refresh {r['refresh_growth']} "
              f"(goal <= {GOAL_GROWTH}x: linear)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
