"""kp import, extract and check over every real .docx of ../shared/corpus: each file is read or refused with a
docplan error, never a crash, and never takes longer than the per-file bound (a hang)."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from pebble import ProcessPool

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

#: Seconds one file may take for all three operations; the slowest takes under one second on the 2-CPU machine.
PER_FILE_SECONDS = 30


def _corpus_files(corpus_dir: Path) -> list[Path]:
    rows = (corpus_dir / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [corpus_dir / r.split("\t")[0] for r in rows if r.strip()]


def _read_all_ways(path: str) -> list[tuple[str, str, str]]:
    """Run kp import, extract and check on one file; return (operation, outcome, detail) for each.

    Outcome: "ok", "refused" (a docplan error: detail is its Norwegian text and exit code) or "crash"
    (anything else: detail is the traceback).
    """
    from docplan.checks import run_checks
    from docplan.checks.report import to_json
    from docplan.errors import DocplanError
    from docplan.extract import draft_dict, extract_plan
    from docplan.kommuneplan import catalogue_dict, import_kommuneplan

    def kp():
        result = import_kommuneplan(path, municipality="3427")
        catalogue_dict(result)

    def extract():
        draft_dict(extract_plan(path))

    def check():
        to_json(run_checks(document=path))

    out = []
    for name, op in (("kp import", kp), ("extract", extract), ("check", check)):
        try:
            op()
            out.append((name, "ok", ""))
        except DocplanError as exc:
            out.append((name, "refused", f"{exc.exit_code}: {exc.format()}"))
        except Exception:  # noqa: BLE001 - the test reports it as the crash it is
            out.append((name, "crash", traceback.format_exc()))
    return out


@pytest.fixture(scope="module")
def corpus_outcomes(corpus_dir):
    files = _corpus_files(corpus_dir)
    results: dict[Path, object] = {}
    with ProcessPool(max_workers=2) as pool:
        futures = {path: pool.schedule(_read_all_ways, (str(path),), timeout=PER_FILE_SECONDS) for path in files}
        for path, future in futures.items():
            try:
                results[path] = future.result()
            except TimeoutError:
                results[path] = "hang"
            except Exception as exc:  # noqa: BLE001 - a worker that died is a crash of that file
                results[path] = f"worker died: {exc!r}"
    return results


def test_no_file_of_the_corpus_hangs_kp_import_extract_or_check(corpus_outcomes):
    hung = [p.name for p, r in corpus_outcomes.items() if not isinstance(r, list)]
    assert len(corpus_outcomes) >= 300
    assert hung == [], f"over {PER_FILE_SECONDS} s or a dead worker: {hung}"


def test_no_file_of_the_corpus_crashes_kp_import_extract_or_check(corpus_outcomes):
    crashes = [f"{p.name} ({op}):\n{detail}" for p, r in corpus_outcomes.items() if isinstance(r, list)
               for op, outcome, detail in r if outcome == "crash"]
    assert crashes == [], "\n".join(crashes[:5])


def test_a_refused_corpus_file_is_refused_in_norwegian_with_an_input_exit_code(corpus_outcomes):
    refusals = [(p, op, detail) for p, r in corpus_outcomes.items() if isinstance(r, list)
                for op, outcome, detail in r if outcome == "refused"]
    assert refusals, "the corpus holds broken files; some must be refused"
    for path, op, detail in refusals:
        code, _, message = detail.partition(": ")
        assert code in ("1", "2"), (path.name, op, detail)
        assert path.name in message or "dokument" in message, (path.name, op, detail)
    # every file opens for check, so kp import and extract refuse only what the package checks refuse, or a
    # document that holds no kommuneplan goals (no_kp_items)
    checked = {p for p, r in corpus_outcomes.items() if isinstance(r, list) and r[2][1] == "ok"}
    assert len(checked) > 250
