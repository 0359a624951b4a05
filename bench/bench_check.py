"""Benchmark: `docplan check` on a generated ~100-page plan, as a ratio to python-docx ``Document()``.

Both run alternately in the same process on the same bytes (`timing.interleaved`); the figure is the
median of the per-round ratios with its spread. Goal: at most 3x (pure Python, the one document model).
Run: ``python bench/bench_check.py [--measures 150] [--repeat 15]``.
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import interleaved, median_time, ratio  # noqa: E402

GOAL = 3.0


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


def run(measures: int = 150, repeat: int = 15) -> dict:
    """Return the median times (seconds) and the ratio check / python-docx with its spread."""
    import docx

    from docplan.checks import docview, run_checks

    def check():  # as `docplan check` does: read the document, run the rules on the view
        view = docview.read_document(data)
        return view, run_checks(document=view)

    data = big_plan_docx(measures)
    rounds = interleaved([lambda: docx.Document(io.BytesIO(data)), check], repeat)
    return {"bytes": len(data), "measures": measures, "python_docx_s": median_time(rounds, 0),
            "check_s": median_time(rounds, 1), "ratio": ratio(rounds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--measures", type=int, default=150)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    r = run(args.measures, args.repeat)
    print(f"plan: {r['measures']} tiltak, {r['bytes'] / 1024:.0f} KiB; baseline and check alternately, same process")
    print(f"python-docx Document(): {r['python_docx_s'] * 1000:.1f} ms (median; baseline)")
    print(f"docplan check:          {r['check_s'] * 1000:.1f} ms (median)")
    print(f"ratio: {r['ratio']} (goal <= {GOAL}x)")


if __name__ == "__main__":
    main()
