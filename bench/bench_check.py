"""Benchmark: `docplan check` on a generated ~100-page plan, as a ratio to python-docx ``Document()``.

Both are timed in the same run on the same bytes; the goal is a ratio of at most 1.5. "cold" clears
the checker's per-process memo of styles parts before every run (a plan from a template never seen
before); "warm" keeps it (the add-in server or a batch checking plans made from the same template).
Best times are compared, and (steadier on a machine whose speed drifts) the median of the ratios
taken within each round. Run: ``python bench/bench_check.py [--measures 150] [--repeat 15]``.
"""

from __future__ import annotations

import argparse
import copy
import gc
import io
import statistics
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def big_plan_docx(measures: int = 150) -> bytes:
    """Return the example plan rendered with ``measures`` measures (150 gives about 100 pages)."""
    from docplan.loaders import validate_plan
    from docplan.render import render_plan

    raw = yaml.safe_load((ROOT / "examples" / "osterdalen.yaml").read_text("utf-8"))
    base = raw["measures"]
    out = []
    for i in range(measures):
        m = copy.deepcopy(base[i % len(base)])
        m["id"] = f"T-{i + 1:03d}"
        out.append(m)
    raw["measures"] = out
    return render_plan(validate_plan(raw, {}, "bench.yaml", check_references=False))


def _interleaved(fns: list, repeat: int) -> list[list[float]]:
    """Return the times of each function per round, running them in turn ``repeat`` times.

    Interleaving puts baseline and check under the same machine load, so the ratio stays meaningful
    on a busy machine (timing one after the other let a burst of load land on one side only). What a
    function returns is released after its timing, and the garbage of the previous call (python-docx's
    object graph has cycles) is collected before each timing: neither side pays for releasing memory,
    python-docx's document or the checker's view of it.
    """
    rounds = []
    for _ in range(repeat):
        times = []
        for fn in fns:
            gc.collect()
            t = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t)
            del result
        rounds.append(times)
    return rounds


def run(measures: int = 150, repeat: int = 15) -> dict:
    """Return timings (seconds, best of ``repeat``) and the ratios check / python-docx (cold and warm)."""
    import docx

    from docplan.checks import docview, run_checks

    def check():  # as `docplan check` does: read the document, run the rules on the view
        view = docview.read_document(data)
        return view, run_checks(document=view)

    def cold():
        docview._STYLES_CACHE.clear()
        return check()

    data = big_plan_docx(measures)
    rounds = _interleaved([lambda: docx.Document(io.BytesIO(data)), cold, check], repeat)
    baseline, check_cold, warm = (min(times) for times in zip(*rounds))
    # the machine's speed drifts (a shared VM: up to 2x within a minute), so besides the best times the
    # ratio is also taken within each round, where the three runs are a few milliseconds apart
    per_round = {k: statistics.median(r[k] / r[0] for r in rounds) for k in (1, 2)}
    return {"bytes": len(data), "measures": measures, "python_docx_s": baseline, "check_s": check_cold,
            "ratio": check_cold / baseline, "check_warm_s": warm, "ratio_warm": warm / baseline,
            "ratio_round_median": per_round[1], "ratio_warm_round_median": per_round[2]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--measures", type=int, default=150)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    r = run(args.measures, args.repeat)
    print(f"plan: {r['measures']} tiltak, {r['bytes'] / 1024:.0f} KiB")
    print(f"python-docx Document(): {r['python_docx_s'] * 1000:.1f} ms (baseline 1.00x)")
    print(f"docplan check, cold:    {r['check_s'] * 1000:.1f} ms ({r['ratio']:.2f}x, goal <= 1.5x; "
          f"median of the rounds' ratios {r['ratio_round_median']:.2f}x)")
    print(f"docplan check, warm:    {r['check_warm_s'] * 1000:.1f} ms ({r['ratio_warm']:.2f}x; "
          f"median of the rounds' ratios {r['ratio_warm_round_median']:.2f}x; styles part seen before)")


if __name__ == "__main__":
    main()
