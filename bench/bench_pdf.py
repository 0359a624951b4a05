"""Benchmark: ``docplan batch --pdf`` of the nine Østerdalen editions against one ``soffice --convert-to pdf``.

Each round runs, as whole processes and one after the other (`timing.interleaved`):

- baseline: one ``soffice --convert-to pdf`` over the nine .docx files (already rendered; a fresh
  profile, as a script would run it);
- docplan: ``docplan batch examples/osterdalen.yaml --all --pdf --force`` — renders the nine editions
  and exports them as tagged PDF/UA on the LibreOffice converter started with the batch (a second
  one when the files waiting pay for its start);
- the same batch in a process whose two converters already run (the add-in server's case), in this
  process;
- for information, the same batch with ``DOCPLAN_PDF_CONVERTER=oneshot`` (one soffice run, the
  fallback where no converter can start).

The figures are the median of the per-round ratios (baseline time / docplan time: > 1 means docplan
is faster) with their spread. Goal: docplan faster than the one soffice run (ratio > 1).
Run: ``python bench/bench_pdf.py [--repeat 5] [--no-oneshot]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import interleaved, median_time, ratio  # noqa: E402

EXAMPLE = ROOT / "examples" / "osterdalen.yaml"


def docplan_command() -> list[str]:
    script = Path(sys.executable).with_name("docplan")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "docplan"]


def _run(cmd: list[str], env: dict | None = None) -> None:
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} exited with {proc.returncode}:\n{proc.stderr.decode(errors='replace')}")


def run(repeat: int = 5, oneshot: bool = True, out=sys.stdout) -> dict:
    """Time the sides ``repeat`` rounds, alternately; print and return the ratios and spreads."""
    from docplan.convert import CONVERTER_ENV, find_soffice

    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="docplan-bench-pdf-") as tmp:
        tmpdir = Path(tmp)
        _run([*docplan_command(), "batch", str(EXAMPLE), "-o", str(tmpdir / "docx"), "--all", "--force"])
        docx = sorted(str(p) for p in (tmpdir / "docx").glob("*.docx"))
        assert len(docx) == 9, docx

        def baseline() -> None:
            target = tmpdir / "soffice"
            shutil.rmtree(target, ignore_errors=True)
            with tempfile.TemporaryDirectory(prefix="docplan-bench-profile-") as profile:
                _run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                      "--convert-to", "pdf", "--outdir", str(target), *docx])
            assert len(list(target.glob("*.pdf"))) == 9

        def batch(env: dict | None = None, name: str = "batch"):
            def go() -> None:
                target = tmpdir / name
                _run([*docplan_command(), "batch", str(EXAMPLE), "-o", str(target), "--all", "--pdf", "--force"],
                     env=env)
                assert len(list(target.glob("*.pdf"))) == 9
            return go

        from docplan.batch import generate_batch
        from docplan.convert import shared_pool

        def warm() -> None:  # the add-in server's case: its converters already run
            summary = generate_batch(EXAMPLE, tmpdir / "warm", force=True, pdf=True, write_summary=False)
            assert summary.ok and len([r for r in summary.results if r.pdf]) == 9

        pool = shared_pool()
        pool.launch(pool.size)
        warm()  # starts them, and is not timed
        fns = [baseline, batch(), warm]
        if oneshot:
            fns.append(batch({**os.environ, CONVERTER_ENV: "oneshot"}, "oneshot"))
        rounds = interleaved(fns, repeat)
        pool.close()
    ours = ratio(rounds, 0, base=1)  # soffice time / docplan time
    result = {"rounds": repeat, "soffice_s": median_time(rounds, 0), "batch_s": median_time(rounds, 1),
              "ratio": ours.median, "low": ours.low, "high": ours.high}
    print(f"nine Østerdalen editions to PDF, whole processes, {repeat} rounds alternately, {os.cpu_count()} cores:",
          file=out)
    print(f"  one soffice --convert-to pdf over the 9 .docx:       {result['soffice_s']:5.2f} s (median)", file=out)
    print(f"  docplan batch --pdf (render + converters, PDF/UA):    {result['batch_s']:5.2f} s (median)", file=out)
    served = ratio(rounds, 0, base=2)
    result.update(warm_s=median_time(rounds, 2), warm_ratio=served.median, warm_low=served.low, warm_high=served.high)
    print(f"  batch in a process whose {pool.size} converters already run (the server): {result['warm_s']:5.2f} s "
          f"(median); soffice / it: {served}", file=out)
    if oneshot:
        fallback = ratio(rounds, 0, base=3)
        result.update(oneshot_s=median_time(rounds, 3), oneshot_ratio=fallback.median)
        print(f"  docplan batch --pdf, one-shot fallback (1 soffice):   {result['oneshot_s']:5.2f} s (median); "
              f"soffice / it: {fallback}", file=out)
    print(f"  ratio soffice / docplan: {ours} (goal > 1: docplan faster)", file=out)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (each runs every side once)")
    parser.add_argument("--no-oneshot", action="store_true", help="skip the one-shot fallback run")
    args = parser.parse_args(argv)
    run(args.repeat, oneshot=not args.no_oneshot)


if __name__ == "__main__":
    main()
