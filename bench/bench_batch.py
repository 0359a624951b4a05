"""Benchmark: `docplan batch` against a plain docxtpl loop, for N municipalities, in the same run.

Data: N plans, one per municipality of the 2024 register (the nine Østerdalen ones first), each the
standard plan of the Østerdalen example (4 hovedmål, 20 tiltak: the local ones made that
municipality's) with its own kommuneplan catalogue; Vestland municipalities write nynorsk.

- baseline: one process, ``DocxTemplate(path).render(ctx, jinja_env=make_environment()); save(path)``
  per municipality, the way a user would write it (template re-read and Jinja recompiled each time);
- docplan: ``generate_batch(plans, out, force=True)`` — as many workers as the amount of work pays for
  (forked with the templates compiled, where fork is safe), atomic writes, manifest, summary;
- for information, the same from a folder of N YAML files (each file is loaded in a worker).

Both sides start from plans already validated in memory (building them is not timed), so the ratio
compares document generation. Each side runs in its own fresh Python process, alternately: a round
runs the baseline, docplan as it chooses its workers, and docplan with ``--jobs 1``; each ratio is
taken within its round (seconds per document) and the figure is the median of the rounds' ratios with
their spread (bench/timing.py), so other load on the machine weighs on both sides alike. Peak RSS is
the peak of the summed RSS of a side's process and all its workers, sampled from /proc every 50 ms
(``resource.getrusage`` of self as a floor).

``--break-even`` instead measures, in one process and alternately, one process against a pool of two
for growing batch sizes and each start method: the figures behind `docplan.batch.JOB_SECONDS` and
`docplan.batch.POOL_START_SECONDS`.

Usage: python bench/bench_batch.py [--n 357] [--baseline-n 60] [--rounds 5] [--jobs J] [--no-folder]
       [--profile] [--break-even]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

GOAL_RATIO = 10.0
GOAL_RSS_MB = 500.0


def synthetic_raw(n: int) -> list[dict]:
    """Return ``n`` plans (raw data), one per municipality: the standard plan with all 20 tiltak.

    The nine Østerdalen municipalities come first, then the 2024 register in number order; a
    municipality outside Østerdalen gets Tynset's kommuneplan catalogue; Vestland writes nynorsk.
    """
    from docplan.loaders import load_raw
    from docplan.municipalities import municipality_register

    raw, _ = load_raw(ROOT / "examples" / "osterdalen.yaml")
    raw.pop("example_known_issues", None)
    base = {m["number"]: m for m in raw["municipalities"]}
    register = municipality_register()
    numbers = (list(base) + [k for k in sorted(register) if k not in base])[:n]
    plans = []
    for number in numbers:
        info = register[number]
        one = copy.deepcopy(raw)
        muni = copy.deepcopy(base.get(number) or base["3427"])
        muni["number"], muni["name"] = number, info.name.split(" - ")[0]
        if info.county == "Vestland":
            muni["language"] = "nn"
        one["municipalities"] = [muni]
        one["plan"]["host_municipality"] = number

        def local(ref: str) -> str:
            return f"{number}:{ref.split(':', 1)[1]}" if ":" in ref else ref

        for m in one["measures"]:
            if m.get("scope") == "lokal":
                m["municipalities"] = [number]
            m["kp_refs"] = [local(r) for r in m.get("kp_refs", [])]
            for f in m.get("funding", []):
                if f.get("budget_ref"):
                    f["budget_ref"] = local(f["budget_ref"])
        for g in one["goals"]:
            g["kp_refs"] = [local(r) for r in g.get("kp_refs", [])]
            for sg in g.get("sub_goals", []):
                sg["kp_refs"] = [local(r) for r in sg.get("kp_refs", [])]
        plans.append(one)
    return plans


def synthetic_plans(n: int) -> list:
    from docplan.loaders import validate_plan

    return [validate_plan(raw, {}, f"syntetisk-{i}") for i, raw in enumerate(synthetic_raw(n))]


class RssSampler:
    """Sample the summed RSS of this process and all its descendants (Linux /proc), keeping the peak."""

    def __init__(self, interval: float = 0.05):
        import threading

        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self):
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self):
        try:
            parents = {}
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        with open(f"/proc/{entry}/stat") as fh:
                            parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                    except (OSError, IndexError, ValueError):
                        pass
            family = {os.getpid()}
            grew = True
            while grew:
                more = {pid for pid, ppid in parents.items() if ppid in family} - family
                family |= more
                grew = bool(more)
            total = 0
            for pid in family:
                try:
                    with open(f"/proc/{pid}/status") as fh:
                        for line in fh:
                            if line.startswith("VmRSS:"):
                                total += int(line.split()[1])
                except OSError:
                    pass
            self.peak_kb = max(self.peak_kb, total)
        except OSError:
            pass


def phase_baseline(n: int, out: Path) -> dict:
    from docxtpl import DocxTemplate

    from docplan.batch import job_language, safe_filename
    from docplan.render import build_context, make_environment, standard_template

    plans = synthetic_plans(n)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    for plan in plans:
        m = plan.municipalities[0]
        lang = job_language(plan, m.number)
        ctx = build_context(plan, municipality=m.number)
        ctx["lang"] = lang
        tpl = DocxTemplate(str(standard_template(lang)))
        tpl.render(ctx, jinja_env=make_environment(), autoescape=True)
        tpl.save(str(out / safe_filename(m.number, m.name)))
    return {"docs": len(plans), "seconds": time.perf_counter() - t0}


def phase_batch(n: int, out: Path, jobs: int | None) -> dict:
    from docplan.batch import generate_batch

    plans = synthetic_plans(n)
    t0 = time.perf_counter()
    summary = generate_batch(plans, out, force=True, jobs=jobs)
    seconds = time.perf_counter() - t0
    assert summary.ok and len(summary.made) == n, [r.message for r in summary.failed][:3]
    return {"docs": len(summary.made), "seconds": seconds, "workers": summary.workers}


def phase_folder(n: int, out: Path, jobs: int | None) -> dict:
    """The same documents from a folder of YAML plan files: loading each file is part of the time."""
    import yaml

    from docplan.batch import generate_batch

    folder = out.parent / "plans"
    folder.mkdir(parents=True, exist_ok=True)
    for raw in synthetic_raw(n):
        number = raw["municipalities"][0]["number"]
        (folder / f"{number}.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    t0 = time.perf_counter()
    summary = generate_batch(folder, out, force=True, jobs=jobs)
    seconds = time.perf_counter() - t0
    assert summary.ok and len(summary.made) == n, [r.message for r in summary.failed][:3]
    return {"docs": len(summary.made), "seconds": seconds}


def _run_phase(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark phase {args[:2]} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(n: int = 357, baseline_n: int | None = None, jobs: int | None = None, folder: bool = True,
        rounds: int = 5, out=sys.stdout) -> dict:
    """Run the sides alternately, each in a fresh process, ``rounds`` times; print and return the ratios.

    A round runs the docxtpl loop, docplan's batch as it chooses its workers (or ``jobs``), and
    docplan with ``jobs=1``, one after the other; each ratio is taken within its round (seconds per
    document), so a change of load between rounds weighs on both sides alike. The figures are the
    median of the rounds' ratios and their spread.
    """
    from timing import ratio

    baseline_n = min(baseline_n or 60, n)
    extra = ["--jobs", str(jobs)] if jobs else []
    per_doc: list[list[float]] = []  # per round: baseline, docplan, docplan --jobs 1 (seconds per document)
    rss = {"baseline": 0.0, "batch": 0.0, "one": 0.0}
    with tempfile.TemporaryDirectory(prefix="docplan-bench-") as tmp:
        tmpdir = Path(tmp)
        for k in range(rounds):
            base = _run_phase(["--phase", "baseline", "--n", str(baseline_n), "--out", str(tmpdir / f"naive{k}")])
            ours = _run_phase(["--phase", "batch", "--n", str(n), "--out", str(tmpdir / f"batch{k}"), *extra])
            one = _run_phase(["--phase", "batch", "--n", str(n), "--out", str(tmpdir / f"one{k}"), "--jobs", "1"])
            per_doc.append([base["seconds"] / base["docs"], ours["seconds"] / ours["docs"],
                            one["seconds"] / one["docs"]])
            for key, phase in (("baseline", base), ("batch", ours), ("one", one)):
                rss[key] = max(rss[key], phase["rss_mb"])
            workers = ours["workers"]
        files = _run_phase(["--phase", "folder", "--n", str(n), "--out", str(tmpdir / "f" / "out"), *extra]) \
            if folder else None
    speedup = ratio(per_doc, 0, base=1)  # baseline time over docplan time: how many times faster
    over_one = ratio(per_doc, 2, base=1)  # --jobs 1 over the chosen pool: > 1 means the pool is faster
    median_doc = sorted(r[1] for r in per_doc)[len(per_doc) // 2]
    result = {
        "n": n, "baseline_n": baseline_n, "cores": os.cpu_count(), "workers": workers, "rounds": rounds,
        "baseline_docs_per_s": 1 / sorted(r[0] for r in per_doc)[len(per_doc) // 2],
        "batch_docs_per_s": 1 / median_doc, "batch_seconds": median_doc * n,
        "ratio": speedup.median, "ratio_low": speedup.low, "ratio_high": speedup.high,
        "over_jobs1": over_one.median, "over_jobs1_low": over_one.low, "over_jobs1_high": over_one.high,
        "baseline_rss_mb": rss["baseline"], "batch_rss_mb": rss["batch"],
    }
    print(f"{n} municipalities, standard plan (4 hovedmål, 20 tiltak) each, {result['cores']} cores, "
          f"{rounds} rounds alternately (each side a fresh process); peak RSS = sampled sum over the process "
          "and all its workers:", file=out)
    print(f"  baseline docxtpl loop, 1 process ({baseline_n} docs): {result['baseline_docs_per_s']:7.1f} docs/s "
          f"(median), peak RSS {rss['baseline']:.0f} MB", file=out)
    print(f"  docplan batch, plans in memory ({n} docs, {workers} worker(s) chosen, "
          f"{result['batch_seconds']:.1f} s): {result['batch_docs_per_s']:7.1f} docs/s (median), "
          f"peak RSS {rss['batch']:.0f} MB", file=out)
    if files:
        result["folder_docs_per_s"] = files["docs"] / files["seconds"]
        result["folder_rss_mb"] = files["rss_mb"]
        print(f"  docplan batch, folder of YAML files ({n} docs, {files['seconds']:.1f} s, loading included, "
              f"one run): {result['folder_docs_per_s']:7.1f} docs/s, peak RSS {files['rss_mb']:.0f} MB", file=out)
    print(f"  ratio (in memory): {speedup} the baseline (goal >= {GOAL_RATIO:.0f}x); "
          f"memory goal < {GOAL_RSS_MB:.0f} MB", file=out)
    print(f"  chosen pool against --jobs 1: {over_one} as fast (goal >= 1x)", file=out)
    return result


def break_even(sizes: tuple[int, ...] = (2, 4, 6, 9, 12, 18, 27), rounds: int = 7, out=sys.stdout) -> dict:
    """Measure where a pool of two starts to pay: one process against two workers, per start method.

    In this process, alternately; the compiled templates are dropped before every run, as a fresh
    ``docplan batch`` starts without them. Prints, per size, the ratio (one process / pool: > 1 means
    the pool is faster) and what `docplan.batch.pool_size` chooses.
    """
    import docplan.batch as batch
    from docplan.render import _compiled
    from timing import interleaved, median_time, ratio

    plans = synthetic_plans(max(sizes))
    methods = [m for m in ("fork", "forkserver") if m in __import__("multiprocessing").get_all_start_methods()]
    table: dict = {}
    with tempfile.TemporaryDirectory(prefix="docplan-break-even-") as tmp:
        def one_run(k: int, jobs: int, method: str | None = None):
            def go():
                _compiled.cache_clear()
                if method:
                    os.environ[batch.START_METHOD_ENV] = method
                try:
                    summary = batch.generate_batch(plans[:k], Path(tmp) / f"{k}-{jobs}-{method}", force=True,
                                                   jobs=jobs, write_summary=False)
                finally:
                    os.environ.pop(batch.START_METHOD_ENV, None)
                assert summary.ok
            return go

        print(f"break-even of a pool of two, {os.cpu_count()} cores, {rounds} rounds alternately "
              "(ratio = one process / pool; > 1: the pool is faster):", file=out)
        for k in sizes:
            fns = [one_run(k, 1)] + [one_run(k, 2, m) for m in methods]
            timed = interleaved(fns, rounds)
            row = {"one_s": median_time(timed, 0)}
            cells = []
            for i, m in enumerate(methods, start=1):
                r = ratio(timed, 0, base=i)
                row[m] = {"ratio": r.median, "low": r.low, "high": r.high, "pool_s": median_time(timed, i),
                          "start_s": median_time(timed, i) - row["one_s"] / 2}
                cells.append(f"{m} {r}")
            chosen = {m: batch.pool_size([batch.Job(p.municipalities[0].number) for p in plans[:k]],
                                         2, m) for m in methods}
            table[k] = row
            print(f"  {k:3d} docs: one process {row['one_s'] * 1000:6.0f} ms; " + "; ".join(cells)
                  + f"; pool_size chooses {chosen}", file=out)
    return table


def profile(n: int) -> None:
    """Profile the batch in one process (jobs=1) and print where the time goes."""
    import cProfile
    import pstats

    from docplan.batch import generate_batch

    plans = synthetic_plans(n)
    with tempfile.TemporaryDirectory(prefix="docplan-prof-") as tmp:
        prof = cProfile.Profile()
        prof.enable()
        generate_batch(plans, Path(tmp) / "out", force=True, jobs=1)
        prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(20)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=357, help="number of municipalities (documents)")
    parser.add_argument("--baseline-n", type=int, help="documents for the slow baseline (default: N)")
    parser.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    parser.add_argument("--no-folder", action="store_true", help="skip the folder-of-files run")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the alternating comparison")
    parser.add_argument("--profile", action="store_true", help="profile the batch in one process instead")
    parser.add_argument("--break-even", action="store_true",
                        help="measure where a pool of two starts to pay, per start method, instead")
    parser.add_argument("--phase", choices=["baseline", "batch", "folder"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        with RssSampler() as rss:
            if args.phase == "baseline":
                res = phase_baseline(args.n, args.out)
            elif args.phase == "batch":
                res = phase_batch(args.n, args.out, args.jobs)
            else:
                res = phase_folder(args.n, args.out, args.jobs)
        self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        res["rss_mb"] = max(rss.peak_kb / 1024, self_mb)
        print(json.dumps(res))
    elif args.profile:
        profile(args.n)
    elif args.break_even:
        break_even(rounds=args.rounds)
    else:
        run(args.n, args.baseline_n, args.jobs, folder=not args.no_folder, rounds=args.rounds)


if __name__ == "__main__":
    main()
