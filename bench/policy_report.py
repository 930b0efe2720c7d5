"""The issue's targets checked against a run, and the run shown as rich tables."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from policy_engines import ENGINES
from policy_results import REFERENCE, SuiteResult
from timing import Budget


@dataclass(frozen=True, slots=True)
class TargetResult:
    name: str
    requirement: str
    measured: str
    passed: bool | None  # None: not measured in this run

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "requirement": self.requirement,
            "measured": self.measured,
            "passed": self.passed,
        }


def _latency(results: dict[str, SuiteResult], key: str, limit_us: float, name: str) -> TargetResult:
    requirement = f"rolegate median <= {limit_us:g} us"
    result = results.get(key)
    rolegate = result.engine(REFERENCE) if result else None
    if rolegate is None:
        return TargetResult(name, requirement, "not run", None)
    m = rolegate.measurement
    if m is None:
        return TargetResult(name, requirement, f"failed: {_short(rolegate.error or '')}", False)
    measured = f"{m.median_us:.2f} us (p90 {m.p90_us:.2f})"
    if not rolegate.correct:
        return TargetResult(name, requirement, f"{measured}, WRONG ANSWERS", False)
    return TargetResult(name, requirement, measured, m.median_us <= limit_us)


def _speedup(
    results: dict[str, SuiteResult], keys: list[str], peer: str, factor: float, name: str
) -> TargetResult:
    requirement = f">= {factor:g}x faster than {peer} (median / median)"
    ratios = []
    for key in keys:
        result = results.get(key)
        ratio = result.ratio(peer) if result else None
        if result is None:
            continue
        if ratio is None:
            failed = [
                e.error for e in result.engines if e.error and e.engine.key in (peer, REFERENCE)
            ]
            if failed:
                return TargetResult(name, requirement, f"{key} failed: {_short(failed[0])}", False)
            continue
        both_right = all(e.correct for e in result.engines if e.engine.key in (peer, REFERENCE))
        ratios.append((ratio, key, both_right))
    if not ratios:
        return TargetResult(name, requirement, "not run", None)
    worst, worst_key, _ = min(ratios)
    measured = f"{worst:.1f}x" + (f" (lowest: {worst_key})" if len(ratios) > 1 else "")
    if not all(right for _, _, right in ratios):
        return TargetResult(name, requirement, f"{measured}, answers differ", False)
    return TargetResult(name, requirement, measured, worst >= factor)


def targets(results: list[SuiteResult]) -> list[TargetResult]:
    by_key = {r.suite.key: r for r in results}
    agreeing = [r.suite.key for r in results]
    return [
        _latency(by_key, "a-trust", 4, "(a) trust policy"),
        _latency(by_key, "b-full-20", 4, "(b) 20-statement identity policy"),
        _latency(by_key, "c-full-200", 6, "(c) 200-statement policy set"),
        _speedup(by_key, ["moto-5"], "moto", 3, "vs moto prebuilt, 5 statements"),
        _speedup(by_key, ["moto-50"], "moto", 20, "vs moto prebuilt, 50 statements"),
        _speedup(by_key, agreeing, "cedarpy", 15, "vs cedarpy pre-parsed, every suite"),
        _speedup(
            by_key, agreeing, "cedarpy-batch", 15, "vs cedarpy batch API (stricter, for info)"
        ),
    ]


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _mark(passed: bool | None) -> str:
    return {True: "[green]pass[/]", False: "[red]FAIL[/]", None: "[dim]n/a[/]"}[passed]


# The target each (suite, engine) row is judged against: its text and a check of
# (rolegate-or-peer median, peer / rolegate ratio). cedarpy rows are all judged against 15x.
RowCheck = Callable[[float, float | None], bool]


def _at_most(limit: float) -> tuple[str, RowCheck]:
    return f"<= {limit:g} us", lambda median, _: median <= limit


def _at_least(factor: float) -> tuple[str, RowCheck]:
    return f">= {factor:g}x", lambda _, ratio: ratio is not None and ratio >= factor


_ROW_TARGETS: dict[tuple[str, str], tuple[str, RowCheck]] = {
    ("a-trust", "rolegate"): _at_most(4),
    ("b-full-20", "rolegate"): _at_most(4),
    ("c-full-200", "rolegate"): _at_most(6),
    ("moto-5", "moto"): _at_least(3),
    ("moto-50", "moto"): _at_least(20),
}


def _row_target(suite_key: str, engine_key: str, median: float, ratio: float | None) -> str:
    target = _at_least(15) if engine_key == "cedarpy" else _ROW_TARGETS.get((suite_key, engine_key))
    if target is None:
        return ""
    text, check = target
    if engine_key != REFERENCE and ratio is None:
        return ""  # rolegate did not run: nothing to compare with
    return f"{text} {_mark(check(median, ratio))}"


def _main_table(results: list[SuiteResult]) -> Table:
    table = Table(title="Policy evaluation, per decision (no decision cache)", title_justify="left")
    table.add_column("Suite")
    table.add_column("Stmts", justify="right")
    table.add_column("Engine")
    for name in ("Answers", "Median us", "p90 us", "x rolegate"):
        table.add_column(name, justify="right")
    table.add_column("Target")
    for result in results:
        suite = result.suite
        for i, e in enumerate(result.engines):
            m = e.measurement
            if m is None:
                table.add_row(
                    suite.key if i == 0 else "",
                    str(suite.statement_count) if i == 0 else "",
                    e.engine.label,
                    *[""] * 4,
                    f"[red]failed: {_short(e.error or '')}[/]",
                )
                continue
            ratio = result.ratio(e.engine.key)
            correct = e.correct
            answers = f"{e.agree}/{len(suite.calls)}"
            table.add_row(
                suite.key if i == 0 else "",
                str(suite.statement_count) if i == 0 else "",
                e.engine.label,
                answers if correct else f"[yellow]{answers}[/]",
                f"{m.median_us:,.2f}",
                f"{m.p90_us:,.2f}",
                "" if e.engine.key == REFERENCE or ratio is None else f"{ratio:,.1f}x",
                _row_target(suite.key, e.engine.key, m.median_us, ratio) if correct else "",
            )
            if not correct:
                shown = "; ".join(e.mismatches[:2]) + ("; ..." if len(e.mismatches) > 2 else "")
                table.add_row(
                    "", "", f"[yellow]! {e.engine.key} disagrees[/]", "", "", "", "",
                    f"[yellow]{shown}[/]" + (f"\n[dim]{e.note}[/]" if e.note else ""),
                )  # fmt: skip
        table.add_section()
    return table


def _targets_table(results: list[SuiteResult]) -> Table:
    table = Table(title="Targets from the issue", title_justify="left")
    table.add_column("Target")
    table.add_column("Requirement")
    table.add_column("Measured")
    table.add_column("")
    for t in targets(results):
        table.add_row(t.name, t.requirement, t.measured, _mark(t.passed))
    return table


def render(results: list[SuiteResult], budget: Budget, out: Path) -> None:
    # Piped output (make bench, CI logs) would otherwise be cut to 80 columns.
    console = Console() if sys.stdout.isatty() else Console(width=132)
    console.print(_main_table(results))
    console.print(_targets_table(results))
    reported = [
        f"{r.suite.key} {e.self_reported['build_request_us_median']:g}+"
        f"{e.self_reported['authz_us_median']:g}"
        for r in results
        for e in r.engines
        if e.engine.key == "cedarpy" and e.self_reported
    ]
    if reported:
        console.print(
            "cedarpy's own metrics, median us per call, build request + authorize: "
            + ", ".join(reported)
            + ". The rest of its time is the Python binding (JSON in and out)."
        )
    console.print("[bold]Engines[/]")
    for engine in ENGINES:
        console.print(f"  {engine.label}: {engine.api}")
    console.print(
        f"[dim]{budget.seconds:g} s of samples per engine and suite, at least "
        f"{budget.min_samples}, up to {budget.max_ops} decisions per sample; gc off while "
        f"timing. moto-N suites use only what moto evaluates correctly. JSON: {out}[/]"
    )
