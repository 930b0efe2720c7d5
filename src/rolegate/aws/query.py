"""The AWS Query protocol (IAM, STS), driven by botocore's own service models.

Requests are `Action=...&Version=...&<parameters>` form pairs sent by GET or POST
(https://docs.aws.amazon.com/IAM/latest/UserGuide/programming.html; the common parameters are at
https://docs.aws.amazon.com/IAM/latest/APIReference/CommonParameters.html, the `param.n` list
notation at https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html);
responses are XML in the service's namespace. Instead of a hand-written template per
operation, the operation's input and output shapes from botocore's `service-2.json` drive both
directions, so every member boto3 and the aws CLI know round-trips.

Error codes the protocol itself produces (all `Sender`, HTTP 400; Common Errors in the IAM API
reference lists them):
- `MissingAction` "Missing Action": no (or an empty) Action. The wording is rolegate's; AWS's
  exact text for this case was not found in public sources.
- `InvalidAction` "Could not find operation X for version Y": an unknown Action, or a Version
  other than the service's (the wording is AWS's, quoted in aws/aws-cli#37).
- `MalformedInput`: a parameter that cannot be read as its type (see `query_request`).
- `ValidationError`: the model's constraints, worded as AWS words them (see `validation`).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping

from botocore.loaders import create_loader  # type: ignore[import-untyped]
from botocore.model import ServiceModel  # type: ignore[import-untyped]

from rolegate.aws.errors import AwsError, validation_error
from rolegate.aws.query_request import InputReader, parse_form
from rolegate.aws.query_response import (
    ResponsePlan,
    ResponseWriter,
    encode_policy_document,
    serialize_error,
)
from rolegate.aws.shapes import Facts, FactsMemo, Shape, shape_facts
from rolegate.aws.validation import Validator, validation_errors, validation_message

__all__ = ["QueryProtocol", "encode_policy_document", "parse_form", "protocol_for"]


@functools.cache
def _service_model(service_name: str) -> ServiceModel:
    loader = create_loader()
    return ServiceModel(loader.load_service_model(service_name, "service-2"), service_name)


class _Input:
    """What parsing one operation's requests needs, read from its input shape once."""

    __slots__ = ("reader", "shape", "valid")

    def __init__(self, shape: Shape, facts: Facts) -> None:
        self.shape = shape
        self.reader = InputReader(facts)
        self.valid = Validator(facts)


class QueryProtocol:
    """One Query-protocol service (`iam` or `sts`): its operations, parsing and serializing.

    Each operation's input and output shapes are read from the botocore model on its first
    request and kept as plain plans (see `shapes.Facts`), so later requests do not touch
    botocore's Shape objects.
    """

    def __init__(self, service_name: str) -> None:
        model = _service_model(service_name)
        if model.protocol != "query":
            raise ValueError(f"{service_name} does not speak the query protocol")
        self._model = model
        self.service_name: str = service_name
        self.api_version: str = str(model.api_version)
        self.xml_namespace: str = str(model.metadata["xmlNamespace"])
        self._operations = frozenset(str(name) for name in model.operation_names)
        # Plans are built on an operation's first use, under the lock: a half-built one (the
        # memo holds shapes before their members are read) must not be seen by another thread.
        self._lock = threading.Lock()
        self._facts: FactsMemo = {}
        self._inputs: dict[str, _Input | None] = {}
        self._outputs: dict[str, ResponsePlan] = {}
        self._writer = ResponseWriter(self.xml_namespace)

    def operation_names(self) -> frozenset[str]:
        return self._operations

    def parse_request(self, form: Mapping[str, str]) -> tuple[str, dict[str, object]]:
        """(operation, params in botocore's input shape) from the decoded form pairs.

        Raises AwsError MissingAction / InvalidAction / MalformedInput / ValidationError.
        """
        action = self.operation_of(form)
        return action, self.read_params(action, form)

    def operation_of(self, form: Mapping[str, str]) -> str:
        """The operation a form names: a dictionary look-up, whatever else the form holds.

        Raises AwsError MissingAction / InvalidAction.
        """
        action = form.get("Action", "")
        if not action:
            raise AwsError("MissingAction", "Missing Action")
        # A request without Version is read as the current version; botocore always sends it.
        version = form.get("Version") or self.api_version
        if action not in self._operations or version != self.api_version:
            raise AwsError(
                "InvalidAction", f"Could not find operation {action} for version {version}"
            )
        return action

    def read_params(self, action: str, form: Mapping[str, str]) -> dict[str, object]:
        """The params of `action` (from `operation_of`), typed and validated: work in the size
        of the form, so done only for a caller who has been authenticated.

        Raises AwsError MalformedInput / ValidationError.
        """
        plan = self._inputs[action] if action in self._inputs else self._input_plan(action)
        if plan is None:
            return {}
        params = plan.reader.read(form)
        if not plan.valid(params):
            # Only now are the messages worded, in the model's order, from the botocore shape.
            errors = validation_errors(plan.shape, params)
            if errors:
                raise validation_error(validation_message(errors))
        return params

    def serialize_response(
        self, operation: str, result: Mapping[str, object], request_id: str
    ) -> bytes:
        """The XML body of a successful `operation`; `result` is in botocore's output shape."""
        plan = self._outputs.get(operation) or self._output_plan(operation)
        return plan.serialize(result, request_id)

    def serialize_error(self, error: AwsError, request_id: str) -> bytes:
        return serialize_error(self.xml_namespace, error, request_id)

    def _input_plan(self, action: str) -> _Input | None:
        with self._lock:
            if action not in self._inputs:
                shape = self._model.operation_model(action).input_shape
                facts = None if shape is None else shape_facts(shape, self._facts)
                self._inputs[action] = None if facts is None else _Input(shape, facts)
            return self._inputs[action]

    def _output_plan(self, operation: str) -> ResponsePlan:
        with self._lock:
            if operation not in self._outputs:
                shape = self._model.operation_model(operation).output_shape
                output = None if shape is None else (shape, shape_facts(shape, self._facts))
                self._outputs[operation] = self._writer.plan(operation, output)
            return self._outputs[operation]


@functools.cache
def protocol_for(service_name: str) -> QueryProtocol:
    """The process-wide QueryProtocol of a service (each model is loaded once)."""
    return QueryProtocol(service_name)
