"""How a batch starts its workers (`docplan.batch.pool_size`, `start_method`): as many as the work pays
for, forked where that is safe, and the same documents however they are made."""

from __future__ import annotations

import hashlib
import multiprocessing
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docplan import batch
from docplan.batch import Job, generate_batch, pool_size, start_method
from docplan.errors import ConfigError
from docplan.loaders import load_plan


def _jobs(n: int, files: bool = False) -> list[Job]:
    return [Job(None, file=f"{i}.yaml") if files else Job(f"{3000 + i}") for i in range(n)]


def test_the_nine_osterdalen_editions_stay_in_one_process_whatever_the_start_method():
    for method in ("fork", "forkserver", "spawn"):
        assert pool_size(_jobs(9), 2, method) == 1


def test_357_editions_use_every_core_whatever_the_start_method():
    for method in ("fork", "forkserver", "spawn"):
        assert pool_size(_jobs(357), 2, method) == 2
    assert pool_size(_jobs(357), 8, "fork") == 8


def test_a_pool_needs_more_work_when_its_workers_cost_more_to_start():
    def smallest_pooled(method: str) -> int:
        return next(n for n in range(1, 400) if pool_size(_jobs(n), 2, method) > 1)

    assert smallest_pooled("fork") < smallest_pooled("forkserver") < smallest_pooled("spawn")
    # a plan file to read is more work than an edition already in memory
    assert pool_size(_jobs(20, files=True), 2, "forkserver") > pool_size(_jobs(20), 2, "forkserver")


@given(n=st.integers(0, 500), limit=st.integers(1, 16), method=st.sampled_from(["fork", "forkserver", "spawn"]))
def test_pool_size_is_between_one_and_the_cores_and_never_more_than_the_jobs(n, limit, method):
    size = pool_size(_jobs(n), limit, method)
    assert 1 <= size <= max(1, min(limit, n))


def test_the_start_method_can_be_chosen_and_a_wrong_one_is_refused_in_norwegian(monkeypatch):
    methods = multiprocessing.get_all_start_methods()
    monkeypatch.setenv(batch.START_METHOD_ENV, methods[-1])
    assert start_method() == methods[-1]
    monkeypatch.setenv(batch.START_METHOD_ENV, "teleport")
    with pytest.raises(ConfigError) as err:
        start_method()
    assert "DOCPLAN_BATCH_START=teleport finnes ikke her" in err.value.message


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork is POSIX")
def test_a_threaded_caller_never_gets_fork(monkeypatch):
    monkeypatch.delenv(batch.START_METHOD_ENV, raising=False)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, args=(30,))
    other.start()
    try:
        assert start_method() != "fork"
    finally:
        stop.set()
        other.join(10)


def _digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.docx"))}


@pytest.mark.parametrize("method", [m for m in ("fork", "forkserver") if m in multiprocessing.get_all_start_methods()])
def test_workers_make_the_same_documents_as_one_process(example_path, tmp_path, monkeypatch, method):
    monkeypatch.setenv(batch.START_METHOD_ENV, method)
    plan = load_plan(example_path)
    plans = [plan.model_copy(update={"municipalities": [m]}) for m in plan.municipalities]  # a list of plans
    one = generate_batch(plans, tmp_path / "one", jobs=1)
    pooled = generate_batch(plans, tmp_path / "pool", jobs=2)
    assert one.ok and pooled.ok and one.workers == 1 and pooled.workers == 2
    assert _digests(tmp_path / "one") == _digests(tmp_path / "pool") and len(_digests(tmp_path / "one")) == 9
    assert not [p for p in (tmp_path / "pool").iterdir() if p.name.endswith(".docplan-tmp")]


def test_by_default_the_nine_editions_are_made_as_pool_size_decides(example_path, tmp_path, monkeypatch):
    monkeypatch.delenv(batch.START_METHOD_ENV, raising=False)
    summary = generate_batch(example_path, tmp_path)
    expected = pool_size(_jobs(9), batch.default_jobs(), start_method())
    assert summary.ok and summary.workers == expected
