"""Functions batch executions run in the tests, imported by name in spawned worker processes."""

from __future__ import annotations

import time

import pandas as pd


def double_amount(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(amount=frame["amount"] * 2)


def fail_on_part_3(frame: pd.DataFrame) -> pd.DataFrame:
    if (frame["part"] == 3).any():
        raise ValueError("part 3 is not for us")
    return double_amount(frame)


def not_a_frame(frame: pd.DataFrame) -> int:
    return len(frame)


def slow(frame: pd.DataFrame) -> pd.DataFrame:
    time.sleep(5)
    return frame


def burn_cpu(frame: pd.DataFrame) -> pd.DataFrame:
    """CPU-bound work for the benchmark: a pure-Python loop the GIL cannot share."""
    total = 0
    for i in range(3_000_000):
        total = (total + i * i) % 1_000_003
    return frame.assign(checksum=total)
