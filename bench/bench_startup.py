"""Benchmark: `docplan check` on the small example, as whole processes, against a python-docx script.

The document is the Østerdalen example rendered with the standard template (about 25 pages). Each
round starts both commands once, in turn, as fresh processes (`timing.interleaved`):

- baseline: ``python -c "import docx, sys; docx.Document(sys.argv[1])" plan.docx``
- docplan: ``docplan check plan.docx`` (the console script next to this Python; ``python -m docplan``
  where there is none)

The figure is the median of the per-round ratios with its spread, so load from other processes
on the machine (which changes between rounds) weighs on both sides alike. Goal: at most 1.5x.
Run: ``python bench/bench_startup.py [--repeat 15]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import interleaved, median_time, ratio  # noqa: E402

GOAL = 1.5


def docplan_command() -> list[str]:
    """Return how a planner starts docplan with this Python: its console script, else ``-m docplan``."""
    script = Path(sys.executable).with_name("docplan")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "docplan"]


def example_docx(folder: Path) -> Path:
    """Render the Østerdalen example into ``folder`` and return the .docx path."""
    from docplan.loaders import load_plan
    from docplan.render import render_plan

    path = folder / "osterdalen.docx"
    path.write_bytes(render_plan(load_plan(ROOT / "examples" / "osterdalen.yaml")))
    return path


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if proc.returncode not in (0, 1):  # check exits 1 for findings; anything else is a broken run
        raise RuntimeError(f"{cmd} exited with {proc.returncode}:\n{proc.stderr.decode(errors='replace')}")


def run(repeat: int = 15, out=sys.stdout) -> dict:
    """Time both commands ``repeat`` rounds, alternately; print and return the ratio and spread."""
    with tempfile.TemporaryDirectory(prefix="docplan-startup-") as tmp:
        doc = str(example_docx(Path(tmp)))
        baseline = [sys.executable, "-c", "import docx, sys; docx.Document(sys.argv[1])", doc]
        ours = [*docplan_command(), "check", doc]
        _run(ours)  # warm the file cache and byte-code for both before timing
        _run(baseline)
        rounds = interleaved([lambda: _run(baseline), lambda: _run(ours)], repeat)
    r = ratio(rounds, 1)
    result = {"ratio": r.median, "low": r.low, "high": r.high, "rounds": r.rounds,
              "baseline_s": median_time(rounds, 0), "check_s": median_time(rounds, 1)}
    print(f"docplan check on the small example, whole processes, {repeat} rounds alternately:", file=out)
    print(f"  python-docx script: {result['baseline_s'] * 1000:6.0f} ms (median)", file=out)
    print(f"  docplan check:      {result['check_s'] * 1000:6.0f} ms (median)", file=out)
    print(f"  ratio: {r} (goal <= {GOAL}x)", file=out)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="rounds (each starts both commands once)")
    args = parser.parse_args(argv)
    run(args.repeat)


if __name__ == "__main__":
    main()
