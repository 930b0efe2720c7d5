"""What IAM says about a malformed Resource ARN, in the order IAM checks it.

UG/reference_policies_elements_resource.html and UG/reference_identifiers.html give the ARN form;
the messages are the IAM API's own answers (recorded against the live API in moto's
`tests/test_iam/test_iam_policies.py`, and quoted in public issue threads):
- no colon at all: `Resource X must be in ARN format or "*".`
- a partition other than `aws`: `Partition "P" is not valid for resource "arn:P:...".`
- nothing after the partition, or a wildcard in the service: `Resource vendor must be fully
  qualified and cannot contain regexes.`
- a region in an IAM or S3 ARN, which are global: `... cannot contain region information.`
- an IAM resource whose path is not one of IAM's resource types.
- "legacy parsing" failures (an empty service, or fewer than six parts with an empty one).
A short ARN such as `arn:aws:fdsasf` is accepted: IAM completes missing parts with `*`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

LEGACY_PARSING = "The policy failed legacy parsing"
_IAM_RESOURCE_TYPES = (
    "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
    "server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/",
    "access-report/",
)  # fmt: skip
_REGION_MESSAGES = {
    "iam": "IAM resource {resource} cannot contain region information.",
    "s3": "Resource {resource} can not contain region information.",
}


class ResourceCheck(IntEnum):
    """Which of IAM's checking phases a resource problem belongs to (see parser's Phase)."""

    LEGACY = 1
    FORMAT = 2


@dataclass(frozen=True, slots=True)
class ResourceProblem:
    message: str
    check: ResourceCheck


def _field(parts: list[str], index: int) -> str:
    if index < len(parts):
        return parts[index] if parts[index] != "" or len(parts) > 1 else "*"
    return "*"


def resource_problem(resource: str) -> ResourceProblem | None:
    """The problem IAM reports for one Resource/NotResource value, or None when it is valid."""
    if resource == "*":
        return None
    if ":" not in resource:
        return ResourceProblem(
            f'Resource {resource} must be in ARN format or "*".', ResourceCheck.FORMAT
        )
    _, _, after_prefix = resource.partition(":")
    partition, colon, rest = after_prefix.partition(":")
    if partition != "aws":
        parts = rest.split(":")
        shown = ":".join([_field(parts, 0), _field(parts, 1), _field(parts, 2),
                          ":".join(parts[3:]) if len(parts) > 3 else "*"])  # fmt: skip
        message = f'Partition "{partition}" is not valid for resource "arn:{partition}:{shown}".'
        return ResourceProblem(message, ResourceCheck.FORMAT)
    if not colon:
        return ResourceProblem(
            "Resource vendor must be fully qualified and cannot contain regexes.",
            ResourceCheck.FORMAT,
        )
    pieces = resource.split(":")
    if pieces[2] == "" or (resource.count(":") < 5 and "::" in resource):
        return ResourceProblem(LEGACY_PARSING, ResourceCheck.LEGACY)
    service = pieces[2]
    if "*" in service or "?" in service:
        return ResourceProblem(
            "Resource vendor must be fully qualified and cannot contain regexes.",
            ResourceCheck.FORMAT,
        )
    region = pieces[3] if len(pieces) > 3 else ""
    if service in _REGION_MESSAGES and region != "":
        return ResourceProblem(
            _REGION_MESSAGES[service].format(resource=resource), ResourceCheck.FORMAT
        )
    if service == "iam":
        path = resource.split(":", 5)[5] if resource.count(":") >= 5 else ""
        if path != "*" and not path.startswith(_IAM_RESOURCE_TYPES):
            listed = ", ".join(_IAM_RESOURCE_TYPES)
            return ResourceProblem(
                f'IAM resource path must either be "*" or start with {listed}.',
                ResourceCheck.FORMAT,
            )
    return None


def complete_arn(resource: str) -> str:
    """A short ARN pattern with its missing components filled with `*`, as IAM completes it."""
    if resource == "*" or resource.count(":") >= 5:
        return resource
    return resource + ":*" * (5 - resource.count(":"))
