"""Benchmark: docplan's compiled renderer against a naive docxtpl loop, alternately in one run.

Both sides render the standard template with the Østerdalen example in this process:
- baseline: ``DocxTemplate(path).render(ctx, jinja_env=make_environment()); save()`` per document,
  as a user would write it (the template is re-read, re-patched and its Jinja recompiled every time);
- docplan: `docplan.render.render_plan` (template compiled once; unchanged zip parts copied
  pre-compressed; rendered XML checked; docplan's record of the ~90 controls written).

The sides run alternately (`timing.interleaved`); the figure is the median of the per-round speed-ups
(baseline time / docplan time) with their spread. Usage: python bench/bench_render.py [--rounds 15] [--lang nb]
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import interleaved, median_time, ratio  # noqa: E402


def run(rounds: int = 15, lang: str = "nb", out=sys.stdout) -> dict:
    from docxtpl import DocxTemplate

    from docplan.loaders import load_plan
    from docplan.render import build_context, make_environment, render_plan, standard_template

    plan = load_plan(ROOT / "examples" / "osterdalen.yaml")
    plan.meta.language = lang
    template = standard_template(lang)
    ctx = build_context(plan)
    render_plan(plan)  # compile once, as a long-running process or batch worker would

    def naive() -> bytes:
        tpl = DocxTemplate(str(template))
        tpl.render(ctx, jinja_env=make_environment(), autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
        return buf.getvalue()

    times = interleaved([naive, lambda: render_plan(plan)], rounds)
    speedup = ratio(times, 0, 1)  # baseline time / docplan time, per round
    result = {"rounds": rounds, "docxtpl_s": median_time(times, 0), "docplan_s": median_time(times, 1),
              "speedup": speedup}
    print(f"render the standard template ({lang}), {rounds} rounds, sides alternately in one process:", file=out)
    print(f"  docxtpl loop (baseline): {result['docxtpl_s'] * 1000:7.1f} ms per document (median)", file=out)
    print(f"  docplan compiled:        {result['docplan_s'] * 1000:7.1f} ms per document (median)", file=out)
    print(f"  speed-up: {speedup}", file=out)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--lang", choices=["nb", "nn"], default="nb")
    args = parser.parse_args()
    run(args.rounds, args.lang)
