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
from collections.abc import Mapping

from botocore.loaders import create_loader  # type: ignore[import-untyped]
from botocore.model import ServiceModel  # type: ignore[import-untyped]

from rolegate.aws.errors import AwsError, validation_error
from rolegate.aws.query_request import parse_form, read_input
from rolegate.aws.query_response import encode_policy_document, serialize_error, serialize_result
from rolegate.aws.validation import validation_errors, validation_message

__all__ = ["QueryProtocol", "encode_policy_document", "parse_form", "protocol_for"]


@functools.cache
def _service_model(service_name: str) -> ServiceModel:
    loader = create_loader()
    return ServiceModel(loader.load_service_model(service_name, "service-2"), service_name)


class QueryProtocol:
    """One Query-protocol service (`iam` or `sts`): its operations, parsing and serializing."""

    def __init__(self, service_name: str) -> None:
        model = _service_model(service_name)
        if model.protocol != "query":
            raise ValueError(f"{service_name} does not speak the query protocol")
        self._model = model
        self.service_name: str = service_name
        self.api_version: str = str(model.api_version)
        self.xml_namespace: str = str(model.metadata["xmlNamespace"])
        self._operations = frozenset(str(name) for name in model.operation_names)

    def operation_names(self) -> frozenset[str]:
        return self._operations

    def parse_request(self, form: Mapping[str, str]) -> tuple[str, dict[str, object]]:
        """(operation, params in botocore's input shape) from the decoded form pairs.

        Raises AwsError MissingAction / InvalidAction / MalformedInput / ValidationError.
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
        operation = self._model.operation_model(action)
        shape = operation.input_shape
        if shape is None:
            return action, {}
        params = read_input(shape, form)
        errors = validation_errors(shape, params)
        if errors:
            raise validation_error(validation_message(errors))
        return action, params

    def serialize_response(
        self, operation: str, result: Mapping[str, object], request_id: str
    ) -> bytes:
        """The XML body of a successful `operation`; `result` is in botocore's output shape."""
        output_shape = self._model.operation_model(operation).output_shape
        return serialize_result(operation, output_shape, self.xml_namespace, result, request_id)

    def serialize_error(self, error: AwsError, request_id: str) -> bytes:
        return serialize_error(self.xml_namespace, error, request_id)


@functools.cache
def protocol_for(service_name: str) -> QueryProtocol:
    """The process-wide QueryProtocol of a service (each model is loaded once)."""
    return QueryProtocol(service_name)
