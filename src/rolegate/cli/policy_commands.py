"""`rolegate policy simulate|validate`: the offline IAM policy simulator and validator."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from rolegate.cli.inputs import InputError, read_json_argument, read_text_argument
from rolegate.cli.terminal_text import cell
from rolegate.policy import PolicyKind, Problem, validate_policy
from rolegate.policy.decision import Decision
from rolegate.policy.simulator import (
    ContextEntry,
    SimulationInput,
    SimulationInputError,
    SimulationResult,
    simulate,
)
from rolegate.services.iam.simulation import result_json

# The aws CLI exits 254 when the service returned an error and 252 for bad command-line input.
EXIT_SERVICE_ERROR = 254
EXIT_USAGE = 252
_CONTEXT_TYPES = {
    "string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip", "ipList",
    "binary", "binaryList", "date", "dateList",
}  # fmt: skip
_DECISION_STYLES = {
    Decision.ALLOWED: "bold green",
    Decision.EXPLICIT_DENY: "bold red",
    Decision.IMPLICIT_DENY: "bold yellow",
}


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    policy = groups.add_parser("policy", help="validate and simulate IAM policies offline")
    commands = policy.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sim = commands.add_parser(
        "simulate",
        help="the offline twin of `aws iam simulate-custom-policy`",
        description="Evaluate actions on resources against policies, as `aws iam "
        "simulate-custom-policy` does; a role trust policy given as --resource-policy is "
        "evaluated for sts:AssumeRole the way the live service does. Policies are inline JSON "
        "or file://PATH.",
    )
    sim.add_argument("--policy-input-list", nargs="+", required=True, metavar="POLICY")
    sim.add_argument("--permissions-boundary-policy-input-list", nargs="+", default=[])
    sim.add_argument("--action-names", nargs="+", required=True, metavar="ACTION")
    sim.add_argument("--resource-arns", nargs="+", default=["*"], metavar="ARN")
    sim.add_argument("--resource-policy", metavar="POLICY")
    sim.add_argument("--resource-owner", metavar="ARN")
    sim.add_argument("--caller-arn", metavar="ARN")
    sim.add_argument(
        "--context-entries",
        nargs="+",
        default=[],
        metavar="ENTRIES",
        help='JSON list of {"ContextKeyName", "ContextKeyValues", "ContextKeyType"} (or file://), '
        "or shorthand ContextKeyName=K,ContextKeyValues=V,ContextKeyType=T",
    )
    sim.add_argument("--output", choices=["json", "table"], default="json")
    sim.set_defaults(handler=run_simulate)

    val = commands.add_parser(
        "validate",
        help="report every problem AWS would report for a policy document",
        description="Validate a policy document as AWS does for its kind; exit 1 when invalid.",
    )
    val.add_argument("file", metavar="FILE", help="policy file (or - for standard input)")
    val.add_argument(
        "--kind", choices=[k.value for k in PolicyKind], default=PolicyKind.IDENTITY.value
    )
    val.add_argument("--json", action="store_true", help="print the problems as JSON")
    val.set_defaults(handler=run_validate)


def _context_entries(values: list[str]) -> tuple[ContextEntry, ...]:
    entries: list[ContextEntry] = []
    for value in values:
        stripped = value.strip()
        if stripped.startswith(("[", "{", "file://")):
            raw = read_json_argument(stripped, "--context-entries")
            items = raw if isinstance(raw, list) else [raw]
        else:
            items = [_shorthand(stripped)]
        entries.extend(_context_entry(item) for item in items)
    return tuple(entries)


def _shorthand(text: str) -> dict[str, object]:
    """`ContextKeyName=k,ContextKeyValues=v1,v2,ContextKeyType=stringList` (aws CLI shorthand)."""
    fields: dict[str, object] = {}
    current = ""
    for part in text.split(","):
        name, sep, value = part.partition("=")
        if sep and name in ("ContextKeyName", "ContextKeyValues", "ContextKeyType"):
            current = name
            fields[name] = [value] if name == "ContextKeyValues" else value
        elif current == "ContextKeyValues":
            values = fields[current]
            assert isinstance(values, list)
            values.append(part)
        else:
            raise InputError(f"--context-entries: cannot read {text!r}")
    return fields


def _context_entry(item: object) -> ContextEntry:
    if not isinstance(item, dict) or "ContextKeyName" not in item:
        raise InputError("--context-entries: each entry needs ContextKeyName and ContextKeyValues")
    name = item["ContextKeyName"]
    values = item.get("ContextKeyValues", [])
    kind = item.get("ContextKeyType", "string")
    if not isinstance(name, str) or not isinstance(values, list) or kind not in _CONTEXT_TYPES:
        raise InputError(
            f"--context-entries: bad entry for {name!r}: ContextKeyValues must be a list and "
            f"ContextKeyType one of {', '.join(sorted(_CONTEXT_TYPES))}"
        )
    texts = tuple(v if isinstance(v, str) else json.dumps(v) for v in values)
    return ContextEntry(name, texts, kind)


def _simulation_input(args: argparse.Namespace) -> SimulationInput:
    resource_policy = args.resource_policy
    return SimulationInput(
        policy_input_list=tuple(
            read_text_argument(p, "--policy-input-list") for p in args.policy_input_list
        ),
        action_names=tuple(args.action_names),
        resource_arns=tuple(args.resource_arns),
        permissions_boundary_policy_input_list=tuple(
            read_text_argument(p, "--permissions-boundary-policy-input-list")
            for p in args.permissions_boundary_policy_input_list
        ),
        resource_policy=(
            read_text_argument(resource_policy, "--resource-policy") if resource_policy else None
        ),
        resource_owner=args.resource_owner,
        caller_arn=args.caller_arn,
        context_entries=_context_entries(args.context_entries),
    )


def run_simulate(args: argparse.Namespace) -> int:
    try:
        results = simulate(_simulation_input(args))
    except InputError as error:
        print(f"rolegate policy simulate: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SimulationInputError as error:
        print(
            "An error occurred (InvalidInput) when calling the SimulateCustomPolicy operation: "
            f"{error}",
            file=sys.stderr,
        )
        return EXIT_SERVICE_ERROR
    if args.output == "json":
        document = {"EvaluationResults": [result_json(r) for r in results], "IsTruncated": False}
        print(json.dumps(document, indent=4))
    else:
        Console().print(simulation_table(results))
    return 0


def simulation_table(results: list[SimulationResult]) -> Table:
    table = Table(title="Policy simulation", show_lines=True)
    for column in ("Action", "Resource", "Decision", "Why", "Deciding statements", "Missing keys"):
        table.add_column(column, overflow="fold")
    for item in results:
        decision = item.result.decision
        statements = "\n".join(
            cell(f"{m.source_policy_id} {m.sid or ''}".strip())
            + (f" (line {m.start.line})" if m.start else "")
            for m in item.matched
        )
        # Statement ids, resources and explanations quote the policies' own text.
        table.add_row(
            cell(item.action),
            cell(item.resource),
            f"[{_DECISION_STYLES[decision]}]{decision.value}[/]",
            cell(item.explanation),
            statements or "-",
            cell(", ".join(item.result.missing_context_keys) or "-"),
        )
    return table


def run_validate(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else _read_file(args.file)
    except InputError as error:
        print(f"rolegate policy validate: {error}", file=sys.stderr)
        return EXIT_USAGE
    kind = PolicyKind(args.kind)
    problems = validate_policy(text, kind)
    if args.json:
        print(
            json.dumps(
                {"Valid": not problems, "Problems": [_problem_json(p) for p in problems]}, indent=2
            )
        )
    elif problems:
        article = "an" if kind.value[0] in "aeiou" else "a"
        title = f"{args.file}: {len(problems)} problem(s) as {article} {kind.value} policy"
        table = Table(title=title)
        for column in ("Code", "Where", "Message"):
            table.add_column(column, overflow="fold")
        for problem in problems:
            table.add_row(
                cell(problem.code.value), cell(problem.location()), cell(problem.explain())
            )
        Console(stderr=True).print(table)
    else:
        print(f"{args.file}: valid {kind.value} policy")
    return 1 if problems else 0


def _read_file(name: str) -> str:
    return read_text_argument(
        name if name.startswith("file://") else f"file://{Path(name)}", "FILE"
    )


def _problem_json(problem: Problem) -> dict[str, object]:
    out: dict[str, object] = {
        "Code": problem.code.value,
        "Message": problem.message,
        "Pointer": problem.pointer,
    }
    if problem.detail:
        out["Detail"] = problem.detail
    if problem.line is not None:
        out["Line"] = problem.line
        out["Column"] = problem.column
    return out
