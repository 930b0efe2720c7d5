"""The evaluation corpus: requests from AWS documentation and the decisions it states.

Every case in tests/corpus/*.json is one test (id = the case name). The format and the reading of
the ambiguous pages are described in tests/corpus/README.md. An expectation is never taken from
what the engine returns: when a case fails, re-read the cited page.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from rolegate.policy import (
    CompiledPolicy,
    Decision,
    EvaluationResult,
    PolicyKind,
    PolicySet,
    PolicyType,
    Principal,
    Request,
    evaluate,
    parse_policy,
)

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"
MINIMUM_CASES = 150
DOCS_PREFIX = "https://docs.aws.amazon.com/"

_CASE_KEYS = {"name", "source", "why", "policies", "request", "expected"}
_POLICY_KEYS = {"identity", "resource", "resource_kind", "boundary", "session"}
_REQUEST_KEYS = {
    "principal",
    "role_arn",
    "principal_tags",
    "action",
    "resource",
    "resource_account",
    "context",
}
_EXPECTED_KEYS = {"decision", "matched_sids", "missing_context_keys"}
_RESOURCE_KINDS = {"resource": PolicyKind.RESOURCE, "trust": PolicyKind.TRUST}


@dataclass(frozen=True, slots=True)
class CorpusCase:
    """One case, narrowed from its JSON object; `file` is where it came from."""

    file: str
    name: str
    source: str
    why: str
    policies: Mapping[str, object]
    request: Mapping[str, object]
    expected: Mapping[str, object]

    @classmethod
    def from_json(cls, file: str, raw: object) -> CorpusCase:
        where = f"{file}: {raw!r:.80}"
        assert isinstance(raw, dict), f"{where}: a case must be a JSON object"
        unknown = set(raw) - _CASE_KEYS
        assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
        policies, request, expected = raw.get("policies", {}), raw["request"], raw["expected"]
        assert isinstance(policies, dict) and not set(policies) - _POLICY_KEYS, where
        assert isinstance(request, dict) and not set(request) - _REQUEST_KEYS, where
        assert isinstance(expected, dict) and not set(expected) - _EXPECTED_KEYS, where
        return cls(
            file=file,
            name=_text(raw, "name"),
            source=_text(raw, "source"),
            why=_text(raw, "why"),
            policies=policies,
            request=request,
            expected=expected,
        )

    @property
    def decision(self) -> Decision:
        return Decision(_text(self.expected, "decision"))

    def describe(self) -> str:
        return f"{self.file}::{self.name}\n  doc: {self.source}\n  why: {self.why}"


def _text(mapping: Mapping[str, object], key: str) -> str:
    value = mapping[key]
    assert isinstance(value, str) and value, f"{key!r} must be a non-empty string"
    return value


def _texts(mapping: Mapping[str, object], key: str) -> list[str]:
    value = mapping.get(key, [])
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), key
    return list(value)


def load_corpus(directory: Path = CORPUS_DIR) -> list[CorpusCase]:
    cases: list[CorpusCase] = []
    for path in sorted(directory.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(raw, list), f"{path.name}: a corpus file is a JSON list of cases"
        cases.extend(CorpusCase.from_json(path.name, item) for item in raw)
    return cases


CASES = load_corpus()


def _document(value: object, where: str) -> Mapping[str, object]:
    assert isinstance(value, dict), f"{where} must be a policy document (a JSON object)"
    return value


def _documents(value: object, where: str) -> list[Mapping[str, object]]:
    assert isinstance(value, list), f"{where} must be a list of policy documents"
    return [_document(item, f"{where}[{i}]") for i, item in enumerate(value)]


def build_policy_set(case: CorpusCase) -> PolicySet:
    policies = case.policies
    identity = tuple(
        parse_policy(doc, PolicyKind.IDENTITY, policy_id=f"identity-{i}")
        for i, doc in enumerate(_documents(policies.get("identity", []), "identity"))
    )
    resource: CompiledPolicy | None = None
    if "resource" in policies:
        kind = _RESOURCE_KINDS[str(policies.get("resource_kind", "resource"))]
        resource = parse_policy(
            _document(policies["resource"], "resource"), kind, policy_id=kind.value
        )
    boundary: CompiledPolicy | None = None
    if "boundary" in policies:
        boundary = parse_policy(
            _document(policies["boundary"], "boundary"),
            PolicyKind.IDENTITY,
            policy_id="boundary",
            policy_type=PolicyType.PERMISSIONS_BOUNDARY,
        )
    session = tuple(
        parse_policy(
            doc, PolicyKind.SESSION, policy_id=f"session-{i}", policy_type=PolicyType.SESSION
        )
        for i, doc in enumerate(_documents(policies.get("session", []), "session"))
    )
    return PolicySet(identity=identity, resource=resource, boundary=boundary, session=session)


def build_principal(request: Mapping[str, object]) -> Principal:
    spec = request["principal"]
    if spec == "anonymous":
        principal = Principal.anonymous()
    elif isinstance(spec, dict):
        principal = Principal.for_service(_text(spec, "service"))
    else:
        assert isinstance(spec, str), "principal must be an ARN, 'anonymous' or {'service': ...}"
        role_arn = request.get("role_arn")
        assert role_arn is None or isinstance(role_arn, str)
        principal = Principal.from_arn(spec, role_arn=role_arn)
    tags = request.get("principal_tags", {})
    assert isinstance(tags, dict)
    if tags:
        principal = dataclasses.replace(principal, tags=tuple((k, str(v)) for k, v in tags.items()))
    return principal


def build_request(case: CorpusCase) -> Request:
    request = case.request
    context = request.get("context", {})
    assert isinstance(context, dict)
    resource_account = request.get("resource_account")
    assert resource_account is None or isinstance(resource_account, str)
    return Request.build(
        principal=build_principal(request),
        action=_text(request, "action"),
        resource=_text(request, "resource"),
        context=context,
        resource_account=resource_account,
    )


def explain(case: CorpusCase, result: EvaluationResult) -> str:
    matched = ", ".join(ref.describe() for ref in result.matched_statements) or "none"
    return (
        f"{case.describe()}\n  expected: {case.decision.value}\n"
        f"  got: {result.decision.value} ({result.basis.value}); matched: {matched};"
        f" missing keys: {list(result.missing_context_keys)}"
    )


def test_corpus_has_enough_cases() -> None:
    assert len(CASES) >= MINIMUM_CASES


def test_case_names_are_unique() -> None:
    seen: dict[str, str] = {}
    for case in CASES:
        assert case.name not in seen, f"{case.name} in {case.file} and {seen[case.name]}"
        seen[case.name] = case.file


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case_cites_aws_documentation(case: CorpusCase) -> None:
    assert case.source.startswith(DOCS_PREFIX), case.describe()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_case(case: CorpusCase) -> None:
    result = evaluate(build_request(case), build_policy_set(case))

    assert result.decision is case.decision, explain(case, result)
    expected_sids: Sequence[str] = _texts(case.expected, "matched_sids")
    matched_sids = {ref.sid for ref in result.matched_statements}
    assert set(expected_sids) <= matched_sids, explain(case, result)
    expected_missing = {key.lower() for key in _texts(case.expected, "missing_context_keys")}
    reported_missing = {key.lower() for key in result.missing_context_keys}
    assert expected_missing <= reported_missing, explain(case, result)
