"""What one run measured: per suite, per engine, the timing and how the answers compared."""

from __future__ import annotations

from dataclasses import dataclass, field

from policy_cases import Suite
from policy_engines import Engine
from timing import Measurement

REFERENCE = "rolegate"


@dataclass(frozen=True, slots=True)
class EngineResult:
    engine: Engine
    measurement: Measurement | None  # None when the engine could not take the suite
    agree: int
    mismatches: tuple[str, ...]
    prepare_ms: float
    note: str | None
    error: str | None = None
    self_reported: dict[str, float] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return self.error is None and not self.mismatches


@dataclass(frozen=True, slots=True)
class SuiteResult:
    suite: Suite
    engines: tuple[EngineResult, ...]

    def engine(self, key: str) -> EngineResult | None:
        return next((e for e in self.engines if e.engine.key == key), None)

    def ratio(self, key: str) -> float | None:
        """How many times slower than rolegate `key` is (peer median / rolegate median)."""
        peer, reference = self.engine(key), self.engine(REFERENCE)
        if peer is None or reference is None or not peer.measurement or not reference.measurement:
            return None
        return peer.measurement.median_us / reference.measurement.median_us

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.suite.key,
            "title": self.suite.title,
            "statements": self.suite.statement_count,
            "policies": len(self.suite.identity) + (1 if self.suite.trust else 0),
            "requests": len(self.suite.calls),
            "moto_supported": self.suite.moto_supported,
            "engines": {
                e.engine.key: {
                    **(e.measurement.as_dict() if e.measurement else {"error": e.error}),
                    "ratio_vs_rolegate": _rounded(self.ratio(e.engine.key)),
                    "agree": e.agree,
                    "mismatches": list(e.mismatches),
                    "prepare_ms": round(e.prepare_ms, 3),
                    "note": e.note,
                    "self_reported": e.self_reported,
                }
                for e in self.engines
            },
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
