"""IAM's error answers, with the texts the live service sends.

Codes and statuses are IAM's (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
and each operation's "Errors" section): NoSuchEntity 404, EntityAlreadyExists 409, DeleteConflict
409, LimitExceeded 409, MalformedPolicyDocument 400, InvalidInput 400. The message texts are not
documented; each constructor names where the text was observed (tests cite the same sources).
"""

from __future__ import annotations

from rolegate.aws.errors import AwsError
from rolegate.model import PolicyOwnerKind
from rolegate.policy.errors import ErrorCode, PolicyValidationError

_STATUS_BY_POLICY_CODE = {
    ErrorCode.MALFORMED_POLICY_DOCUMENT: 400,
    ErrorCode.LIMIT_EXCEEDED: 409,
    ErrorCode.VALIDATION_ERROR: 400,
}


def no_such_entity(message: str) -> AwsError:
    return AwsError("NoSuchEntity", message, 404)


def no_such_owner(kind: PolicyOwnerKind, name: str) -> AwsError:
    # "The role with name X cannot be found." (e.g. aws-cli issue #6139, GetRole answers quoted in
    # jarpy/lambkin#3); the user text is the same with "user" (fog's IAM mock records it too).
    return no_such_entity(f"The {kind.value} with name {name} cannot be found.")


def no_such_inline_policy(kind: PolicyOwnerKind, policy_name: str) -> AwsError:
    # "The role policy with name X cannot be found." (aws/aws-cli#6139, DeleteRolePolicy).
    return no_such_entity(f"The {kind.value} policy with name {policy_name} cannot be found.")


def no_such_policy(arn: str) -> AwsError:
    # GetPolicy: "Policy arn:aws:iam::ACCT:policy/NAME was not found."
    return no_such_entity(f"Policy {arn} was not found.")


def not_attachable(arn: str) -> AwsError:
    # AttachRolePolicy/AttachUserPolicy (getmoto/moto#6482 quotes the live answer; Terraform and
    # Pulumi logs show it with status 404).
    return no_such_entity(f"Policy {arn} does not exist or is not attachable.")


def no_such_boundary(arn: str) -> AwsError:
    # A permissions boundary that does not exist (rosa CLI logs: "NoSuchEntity: Scope ARN: ARN
    # does not exist or is not attachable.", status 404).
    return no_such_entity(f"Scope ARN: {arn} does not exist or is not attachable.")


def no_such_policy_version(arn: str, version_id: str) -> AwsError:
    # Not confirmed against the live service: the wording follows the attach answer above.
    return no_such_entity(f"Policy {arn} version {version_id} does not exist or is not attachable.")


def no_such_access_key(access_key_id: str) -> AwsError:
    # "The Access Key with id X cannot be found." (paws.security.identity docs quote it).
    return no_such_entity(f"The Access Key with id {access_key_id} cannot be found.")


def already_exists(message: str) -> AwsError:
    return AwsError("EntityAlreadyExists", message, 409)


def owner_exists(kind: PolicyOwnerKind, name: str) -> AwsError:
    # "Role with name X already exists." / "User with name X already exists." (Terraform logs in
    # terraform-aws-modules/terraform-aws-ecs#363 and others, status 409).
    return already_exists(f"{kind.value.capitalize()} with name {name} already exists.")


def policy_exists(name: str) -> AwsError:
    # CreatePolicy: "A policy called X already exists. Duplicate names are not allowed."
    return already_exists(
        f"A policy called {name} already exists. Duplicate names are not allowed."
    )


def delete_conflict(message: str) -> AwsError:
    return AwsError("DeleteConflict", message, 409)


# What DeleteRole and DeleteUser answer while something still hangs off the identity
# (API_DeleteRole.html, API_DeleteUser.html list what must go first). The texts are the live
# service's: inline policies (rebuy-de/aws-nuke#294, cloud-custodian#6109), attached managed
# policies (the raw response quoted in ansible/ansible#22832), access keys
# (aws-controllers-k8s/community#2229).
MUST_DELETE_POLICIES = "Cannot delete entity, must delete policies first."
MUST_DETACH_POLICIES = "Cannot delete entity, must detach all policies first."
MUST_DELETE_ACCESS_KEYS = "Cannot delete entity, must delete access keys first."


def limit_exceeded(message: str) -> AwsError:
    return AwsError("LimitExceeded", message, 409)


def invalid_input(message: str) -> AwsError:
    return AwsError("InvalidInput", message, 400)


def from_policy_error(error: PolicyValidationError) -> AwsError:
    """The engine's first problem is the one IAM answers with."""
    return AwsError(error.code.value, error.message, _STATUS_BY_POLICY_CODE.get(error.code, 400))
