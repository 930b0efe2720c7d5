"""S3 authorization: identity policies, the bucket policy, the bucket owner's account.

UG/reference_policies_evaluation-logic-cross-account.html and S3 userguide
access-control-auth-workflow-bucket-operation.html / -object-operation.html: within the bucket
owner's account the identity or the bucket policy may allow; across accounts both must; anonymous
callers only through a bucket policy naming `"*"`.
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegate.aws.errors import AwsError
from rolegate.model import Bucket
from rolegate.policy.explain import reason
from rolegate.policy.kinds import PolicyKind, PolicyType
from rolegate.services.authz import Authorizer, Judgement
from rolegate.services.call import Caller
from rolegate.services.s3.actions import PERMISSIONS, ResourceKind, resource_arn


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
    ) -> Judgement:
        permission = PERMISSIONS[operation]
        kind = permission.resource if bucket_name is not None else ResourceKind.NONE
        resource = resource_arn(kind, bucket_name, key)
        return self.judge_action(caller, permission.action, resource, bucket, context)


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
