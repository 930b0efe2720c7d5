"""S3 authorization: identity policies, the bucket policy, the bucket owner's account.

UG/reference_policies_evaluation-logic-cross-account.html and S3 userguide
access-control-auth-workflow-bucket-operation.html / -object-operation.html: within the bucket
owner's account the identity or the bucket policy may allow; across accounts both must; anonymous
callers only through a bucket policy naming `"*"`.

The bucket policy is the owner's alone (API_PutBucketPolicy.html, API_GetBucketPolicy.html,
API_DeleteBucketPolicy.html): another account granted `s3:*` still may not read or change it
(405 MethodNotAllowed), and the owner account's root may always, however the policy denies it,
so that an owner cannot lock itself out. Of the other bucket operations rolegate serves, the API
reference asks only for the permission "in a policy" (DeleteBucket, GetBucketLocation,
HeadBucket, ListObjects, ListMultipartUploads): a grant to another account holds for those.
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.errors import method_not_allowed
from rolegate.model import Bucket
from rolegate.policy.decision import Basis, Decision, EvaluationResult
from rolegate.policy.explain import reason
from rolegate.policy.kinds import PolicyKind, PolicyType
from rolegate.policy.principal import PrincipalType
from rolegate.services.authz import Authorizer, Judgement
from rolegate.services.call import Caller
from rolegate.services.s3.actions import PERMISSIONS, ResourceKind, resource_arn
from rolegate.services.s3.versions import VERSION_ACTIONS

# Only identities of the bucket owner's account may run these, and its root always may.
BUCKET_POLICY_OPERATIONS = frozenset({"PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy"})


class S3Authorizer:
    def __init__(self, authorizer: Authorizer) -> None:
        self._authorizer = authorizer

    def judge_action(
        self,
        caller: Caller,
        action: str,
        resource: str,
        bucket: Bucket | None,
        context: Mapping[str, object],
    ) -> Judgement:
        policy = None
        if bucket is not None and bucket.policy is not None:
            # Principals bound to ids that are gone match no one (services/principal_bindings.py).
            text = self._authorizer.principals.resolve(bucket.policy, bucket.policy_principals)
            policy = self._authorizer.cache.compile(
                text, PolicyKind.RESOURCE, "BucketPolicy", PolicyType.RESOURCE
            )
        return self._authorizer.judge(
            caller,
            action,
            resource,
            context,
            resource_policy=policy,
            resource_account=bucket.account_id if bucket is not None else caller.account_id,
        )

    def judge(
        self,
        caller: Caller,
        operation: str,
        bucket_name: str | None,
        key: str | None,
        bucket: Bucket | None,
        context: Mapping[str, object],
        version_id: str | None = None,
    ) -> Judgement:
        permission = PERMISSIONS[operation]
        kind = permission.resource if bucket_name is not None else ResourceKind.NONE
        resource = resource_arn(kind, bucket_name, key)
        # A request naming a version is the version's action (services/s3/versions.py).
        action = permission.action if version_id is None else VERSION_ACTIONS[operation]
        judgement = self.judge_action(caller, action, resource, bucket, context)
        if (
            not judgement.allowed
            and operation in BUCKET_POLICY_OPERATIONS
            and bucket is not None
            and _is_owner_root(caller, bucket)
        ):
            return _allowed_as_owner_root(judgement)
        return judgement


def _is_owner_root(caller: Caller, bucket: Bucket) -> bool:
    # The root user itself (long-term keys or its GetSessionToken session), not the account's
    # users or roles.
    return caller.principal.type is PrincipalType.ACCOUNT and caller.account_id == bucket.account_id


def _allowed_as_owner_root(denied: Judgement) -> Judgement:
    """The denial turned into an allow that says why, keeping the statements that denied."""
    result = denied.result
    allowed = EvaluationResult(
        Decision.ALLOWED,
        Basis.ALLOWED_AS_BUCKET_OWNER_ROOT,
        result.matched_statements,
        result.considered_conditions,
        result.context,
    )
    return Judgement(denied.action, denied.resource, allowed)


def check_expected_owner(expected: str | None, bucket: Bucket | None) -> None:
    """The bucket owner condition (userguide/bucket-owner-condition.html): a request that names
    the account it expects to own the bucket (`x-amz-expected-bucket-owner`, and CopyObject's
    `x-amz-source-expected-bucket-owner`) fails with 403 Access Denied when another account owns
    it, so that data is never written to, read from or deleted in a bucket someone else took."""
    if expected is not None and bucket is not None and expected.strip() != bucket.account_id:
        raise AwsError("AccessDenied", "Access Denied", 403)


def require_owner_account(
    caller: Caller, operation: str, bucket: Bucket | None, method: str
) -> None:
    """405 MethodNotAllowed for a bucket-policy operation by anyone outside the owner's account
    (anonymous callers included), once a policy has allowed it."""
    if (
        operation in BUCKET_POLICY_OPERATIONS
        and bucket is not None
        and caller.principal.account != bucket.account_id
    ):
        raise method_not_allowed(method, "BUCKET")


def s3_access_denied(caller: Caller, judgement: Judgement) -> AwsError:
    """S3's explained AccessDenied; anonymous callers get S3's plain "Access Denied"."""
    if caller.principal.is_anonymous:
        return AwsError("AccessDenied", "Access Denied", 403)
    return AwsError(
        "AccessDenied",
        f"User: {caller.arn} is not authorized to perform: {judgement.action} on resource: "
        f'"{judgement.resource}" {reason(judgement.result, judgement.action)}',
        403,
    )
