"""Timing in batches: many samples of many operations, gc off, median and p90 per operation.

One sample runs a prepared batch once and is timed with `perf_counter_ns`; its duration divided by
the batch's operation count is one per-operation figure. The batch size is chosen so that a sample
lasts about `sample_ns` (amortising the timer and loop set-up) but never holds more than
`max_ops` operations. Engines compared with each other are sampled in interleaved rounds, so that
a slow spell of a shared machine lands on all of them rather than on whichever ran then.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

MakeBatch = Callable[[int], Callable[[], object]]  # reps -> a closure doing reps * unit operations


@dataclass(frozen=True, slots=True)
class Budget:
    seconds: float  # time spent sampling one (suite, engine), warm-up excluded
    min_samples: int
    max_samples: int
    sample_ns: int = 4_000_000
    max_ops: int = 1_000
    warmup_seconds: float = 0.05


FULL = Budget(seconds=0.6, min_samples=25, max_samples=400)
QUICK = Budget(seconds=0.04, min_samples=3, max_samples=30, warmup_seconds=0.005)


@dataclass(frozen=True, slots=True)
class Measurement:
    median_us: float
    p90_us: float
    min_us: float
    samples: int
    ops_per_sample: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "median_us": round(self.median_us, 3),
            "p90_us": round(self.p90_us, 3),
            "min_us": round(self.min_us, 3),
            "samples": self.samples,
            "ops_per_sample": self.ops_per_sample,
        }


def _once(run: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    run()
    return time.perf_counter_ns() - start


def _reps_for(make_batch: MakeBatch, unit: int, budget: Budget) -> int:
    """How many passes over the requests make one sample, from a timed single pass."""
    probe = make_batch(1)
    probe()  # first call pays for lazy set-up; do not let it size the batch
    single = max(min(_once(probe) for _ in range(3)), 1)
    by_time = budget.sample_ns // single
    by_ops = budget.max_ops // unit
    return max(1, min(by_time, by_ops))


def measure(make_batch: MakeBatch, unit: int, budget: Budget) -> Measurement:
    return measure_together([(make_batch, unit)], budget)[0]


def measure_together(batches: list[tuple[MakeBatch, int]], budget: Budget) -> list[Measurement]:
    """Time several batches in interleaved rounds, so a slow spell of the machine is shared by all.

    Each round gives every batch still short of its budget a few samples; a batch is done once it
    has `min_samples` and has spent `budget.seconds`, or has `max_samples`.
    """
    runs = []
    for make_batch, unit in batches:
        reps = _reps_for(make_batch, unit, budget)
        runs.append((make_batch(reps), reps * unit))
    samples: list[list[int]] = [[] for _ in runs]
    spent = [0] * len(runs)
    budget_ns = int(budget.seconds * 1e9)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for run, _ in runs:
            warm_until = time.perf_counter_ns() + int(budget.warmup_seconds * 1e9)
            while time.perf_counter_ns() < warm_until:
                run()
        pending = set(range(len(runs)))
        while pending:
            for i in sorted(pending):
                for _ in range(_SAMPLES_PER_ROUND):
                    elapsed = _once(runs[i][0])
                    samples[i].append(elapsed)
                    spent[i] += elapsed
                done = len(samples[i]) >= budget.max_samples or (
                    len(samples[i]) >= budget.min_samples and spent[i] >= budget_ns
                )
                if done:
                    pending.discard(i)
    finally:
        if was_enabled:
            gc.enable()
    return [_summary(taken, ops) for taken, (_, ops) in zip(samples, runs, strict=True)]


_SAMPLES_PER_ROUND = 3


def _summary(samples: list[int], ops: int) -> Measurement:
    per_op = sorted(ns / ops / 1000 for ns in samples)
    return Measurement(
        median_us=statistics.median(per_op),
        p90_us=_percentile(per_op, 0.9),
        min_us=per_op[0],
        samples=len(per_op),
        ops_per_sample=ops,
    )


def _percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    rank = max(1, round(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
