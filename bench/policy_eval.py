"""Per-decision cost of rolegate's policy engine beside moto's and cedarpy's, in one process.

    .venv/bin/python bench/policy_eval.py [--quick] [--json] [--suite KEY ...] [--out PATH]

For every suite of `policy_corpus` each engine is prepared once (policies compiled or parsed,
requests built), checked against the expected decisions, then timed in batches with gc off. No
engine keeps a decision cache. Results go to a table (or stdout with --json) and always to
.bench/policy_eval.json. Exits 1 when rolegate or cedarpy gives a wrong answer: the comparison
is only meaningful between engines that decide the same; moto's wrong answers are reported, since
its evaluator implements only part of IAM.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from policy_cases import Suite
from policy_corpus import check_corpus, suites
from policy_engines import ENGINES, Answer, Engine, Prepared
from policy_report import render, targets
from policy_results import EngineResult, SuiteResult
from timing import FULL, QUICK, Budget, measure_together

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / ".bench" / "policy_eval.json"
MUST_AGREE = {"rolegate", "cedarpy", "cedarpy-batch"}


@dataclass(frozen=True, slots=True)
class Options:
    quick: bool
    json: bool
    suites: tuple[str, ...]
    out: Path


def _parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few samples per engine (smoke)")
    parser.add_argument("--json", action="store_true", help="print the JSON result, no table")
    parser.add_argument("--suite", action="append", default=[], help="only this suite (repeat)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the JSON goes")
    args = parser.parse_args(argv)
    return Options(args.quick, args.json, tuple(args.suite), args.out)


def _mismatches(suite: Suite, answers: list[Answer]) -> list[str]:
    wrong = []
    for call, answer in zip(suite.calls, answers, strict=True):
        if answer.allowed != call.expected.allowed or answer.errors:
            errors = f" errors={list(answer.errors)}" if answer.errors else ""
            wrong.append(f"{call.label}: {answer.detail}, expected {call.expected}{errors}")
    return wrong


@dataclass(frozen=True, slots=True)
class _Ready:
    engine: Engine
    prepared: Prepared
    prepare_ms: float
    mismatches: tuple[str, ...]


def _prepare(engine: Engine, suite: Suite) -> _Ready | EngineResult:
    """The engine ready to time, or its result row if it cannot take the suite."""
    started = time.perf_counter()
    try:
        prepared = engine.prepare(suite)
        prepare_ms = (time.perf_counter() - started) * 1000
        answers = prepared.answers()
    except Exception as error:  # any failure is reported as that engine's row
        message = f"{type(error).__name__}: {error}"
        return EngineResult(engine, None, 0, (), 0.0, engine.note(suite), message)
    return _Ready(engine, prepared, prepare_ms, tuple(_mismatches(suite, answers)))


def _run_suite(suite: Suite, budget: Budget) -> SuiteResult:
    print(f"  {suite.key}", file=sys.stderr, flush=True)
    prepared = [_prepare(engine, suite) for engine in ENGINES]
    ready = [p for p in prepared if isinstance(p, _Ready)]
    measured = measure_together([(r.prepared.batch, len(suite.calls)) for r in ready], budget)
    timings = dict(zip((r.engine.key for r in ready), measured, strict=True))
    results = [
        p
        if isinstance(p, EngineResult)
        else EngineResult(
            engine=p.engine,
            measurement=timings[p.engine.key],
            agree=len(suite.calls) - len(p.mismatches),
            mismatches=p.mismatches,
            prepare_ms=p.prepare_ms,
            note=p.engine.note(suite),
            self_reported=p.prepared.self_reported(),
        )
        for p in prepared
    ]
    return SuiteResult(suite, tuple(results))


def _environment() -> dict[str, str | int | None]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "system": platform.platform(),
        "cpus": os.cpu_count(),
        "rolegate": version("rolegate"),
        "moto": version("moto"),
        "cedarpy": version("cedarpy"),
    }


def _as_json(results: list[SuiteResult], options: Options, budget: Budget) -> dict[str, object]:
    return {
        "benchmark": "policy_eval",
        "quick": options.quick,
        "environment": _environment(),
        "method": {
            "timer": "time.perf_counter_ns",
            "gc": "disabled while timing",
            "decision_cache": "none",
            "sample_seconds_per_engine": budget.seconds,
            "min_samples": budget.min_samples,
            "max_decisions_per_sample": budget.max_ops,
            "target_sample_ms": budget.sample_ns / 1e6,
        },
        "engines": {e.key: {"label": e.label, "api": e.api} for e in ENGINES},
        "suites": [r.as_dict() for r in results],
        "targets": [t.as_dict() for t in targets(results)],
    }


def main(argv: list[str] | None = None) -> int:
    options = _parse_args(argv)
    budget = QUICK if options.quick else FULL
    check_corpus()
    chosen = [s for s in suites() if not options.suites or s.key in options.suites]
    if not chosen:
        print(f"no suite named {options.suites}", file=sys.stderr)
        return 2
    results = [_run_suite(suite, budget) for suite in chosen]

    document = _as_json(results, options, budget)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(document, indent=2) + "\n")
    if options.json:
        print(json.dumps(document, indent=2))
    else:
        render(results, budget, options.out)
    wrong = [
        f"{r.suite.key}/{e.engine.key}"
        for r in results
        for e in r.engines
        if e.engine.key in MUST_AGREE and not e.correct
    ]
    if wrong:
        print(f"failed or wrong answers: {', '.join(wrong)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
