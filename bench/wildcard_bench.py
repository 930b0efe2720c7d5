"""µs per wildcard match: a 1,000-byte key against a 10-wildcard pattern, beside plain patterns.

    .venv/bin/python bench/wildcard_bench.py           # about 10 s
    .venv/bin/python bench/wildcard_bench.py --quick   # a smoke run

Issue 10, finding 8: policy globs used to be regexes (`*` -> `.*`) whose backtracking made
`B/*a*a*a*a*a*a*a*a*a*b` against a key of `a`s cost O(n^10): seconds at 180 bytes, hours at 1,000.
Now (rolegate/policy/wildcard.py) a match costs at most O(len(key) x len(pattern)). The rows:

- the matcher on a 1,000-byte key: a plain prefix pattern (`B/*`, most real policies), a
  one-star pattern, and the 10-wildcard attack pattern (no match: the worst case), with and
  without `?`; the same through ArnLike's matcher; the attack pattern's ratio to the plain one;
- the attack pattern on 10,000 bytes: ten times the key should cost about ten times as much;
- the old regex on small keys only (one run each, it cannot be interrupted): what it was.
Exit status 1 when a match gives a wrong answer.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable

from rolegate.policy.arn import ArnPattern
from rolegate.policy.wildcard import Glob, any_glob
from timing import FULL, QUICK, Budget, measure_together

ATTACK = "B/" + "*a" * 9 + "*b"  # ten stars
# Worst cases for the new matcher: the key ends in `b`, so every segment is searched for, and
# the last one (`c`, or `a?c` whose `a` is everywhere) is found nowhere after a full scan.
SCAN = "B/" + "*a" * 8 + "*c*b"
SCAN_WITH_ANY = "B/" + "*a" * 8 + "*a?c*b"
PLAIN = "B/*"
ONE_STAR = "B/data/*.csv"
OLD_SIZES = (10, 20, 25, 30)  # the old regex's cost grows ~C(n, 10): 30 bytes is about a second


def old_regex(pattern: str) -> re.Pattern[str]:
    """How wildcard.py turned a glob into a regex before the fix."""
    source = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(source, re.DOTALL)


def batch(
    test: Callable[[str], bool], text: str, expected: bool
) -> Callable[[int], Callable[[], object]]:
    if test(text) is not expected:
        raise AssertionError(f"wrong answer for {len(text)} bytes")

    def make(reps: int) -> Callable[[], object]:
        def run() -> None:
            for _ in range(reps):
                test(text)

        return run

    return make


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few samples (smoke)")
    args = parser.parse_args(argv)
    budget: Budget = QUICK if args.quick else FULL
    key = "B/" + "a" * 998  # 1,000 bytes
    long_key = "B/" + "a" * 9_998
    arn = "arn:aws:s3:::"
    ends_in_b, long_ends_in_b = key[:-1] + "b", long_key[:-1] + "b"
    rows: list[tuple[str, Callable[[int], Callable[[], object]]]] = [
        (f"plain {PLAIN}", batch(any_glob([PLAIN]), key, True)),
        (f"one star {ONE_STAR}", batch(any_glob([ONE_STAR]), key, False)),
        (f"{ATTACK} (the attack: key of a's)", batch(Glob.of(ATTACK).matches, key, False)),
        (f"{SCAN} (key ends in b)", batch(Glob.of(SCAN).matches, ends_in_b, False)),
        (
            f"{SCAN_WITH_ANY} (key ends in b)",
            batch(Glob.of(SCAN_WITH_ANY).matches, ends_in_b, False),
        ),
        (
            f"ArnLike arn:aws:s3:::{SCAN}",
            batch(ArnPattern(arn + SCAN).matches, arn + ends_in_b, False),
        ),
        (f"{SCAN}, 10,000-byte key", batch(Glob.of(SCAN).matches, long_ends_in_b, False)),
        (
            f"{SCAN_WITH_ANY}, 10,000-byte key",
            batch(Glob.of(SCAN_WITH_ANY).matches, long_ends_in_b, False),
        ),
    ]
    try:
        found = measure_together([(make, 1) for _, make in rows], budget)
    except AssertionError as error:
        print(f"wrong answer: {error}", file=sys.stderr)
        return 1
    print("rolegate wildcard matcher, 1,000-byte key unless said (median µs per match; p90)")
    for (label, _), measured in zip(rows, found, strict=True):
        print(f"  {label:<50} {measured.median_us:9.2f} µs  (p90 {measured.p90_us:.2f})")
    plain = found[0].median_us
    scan, scan_any = found[3].median_us, found[4].median_us
    print(f"  10 wildcards / plain, worst case found: {max(scan, scan_any) / plain:8.1f} x")
    print(
        f"  10,000 / 1,000 bytes: {found[6].median_us / scan:.1f} x and "
        f"{found[7].median_us / scan_any:.1f} x (linear: 10)"
    )
    print("old regex (before the fix), the 10-wildcard pattern, one run per size")
    regex = old_regex(ATTACK)
    for size in OLD_SIZES if not args.quick else OLD_SIZES[:2]:
        text = "B/" + "a" * (size - 2)
        started = time.perf_counter()
        regex.fullmatch(text)
        took = time.perf_counter() - started
        print(f"  {size:>4}-byte key: {took * 1e6:14.1f} µs")
    print("  1000-byte key: not run (hours; issue 10, finding 8)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
