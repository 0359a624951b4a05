"""Timing two or more functions fairly on a machine whose speed drifts: alternately, in one run.

Each round runs every function once, in turn, after collecting the previous call's garbage; the ratio of
each function to the first (the baseline) is taken within the round, where the runs are milliseconds
apart. A benchmark reports the median of those ratios and their spread (lowest–highest), never a ratio
of best times taken minutes apart.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Ratio:
    """The ratios of one function to the baseline over the rounds."""

    median: float
    low: float
    high: float
    rounds: int

    def __str__(self) -> str:
        return f"{self.median:.2f}x (spread {self.low:.2f}–{self.high:.2f}x over {self.rounds} rounds)"


def interleaved(fns: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """Return each function's time per round (seconds), running them in turn ``repeat`` times."""
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


def ratio(rounds: list[list[float]], k: int, base: int = 0) -> Ratio:
    """Return the median and spread of function ``k``'s time over the baseline's, round by round."""
    values = sorted(r[k] / r[base] for r in rounds)
    return Ratio(statistics.median(values), values[0], values[-1], len(values))


def median_time(rounds: list[list[float]], k: int) -> float:
    return statistics.median(r[k] for r in rounds)
