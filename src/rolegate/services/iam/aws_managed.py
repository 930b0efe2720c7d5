"""A few AWS managed policies, with their real documents, attachable in every account.

Documents, default versions and dates are the live ones as the AWS Managed Policy Reference Guide
publishes them (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/NAME.html; e.g.
AmazonS3ReadOnlyAccess: v3, edited August 10, 2023); policy ids are the ones ListPolicies answers.
ReadOnlyAccess is left out on purpose: its document runs to thousands of actions and changes
monthly, and an abridged copy would grant something AWS's does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rolegate.services.iam.names import AWS_ACCOUNT, DEFAULT_PATH, policy_arn


@dataclass(frozen=True, slots=True)
class AwsManagedPolicy:
    name: str
    policy_id: str
    default_version_id: str
    description: str
    created: datetime
    updated: datetime
    document: str
    path: str = DEFAULT_PATH

    @property
    def arn(self) -> str:
        return policy_arn(AWS_ACCOUNT, self.path, self.name)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


AWS_MANAGED_POLICIES: tuple[AwsManagedPolicy, ...] = (
    AwsManagedPolicy(
        name="AdministratorAccess",
        policy_id="ANPAIWMBCKSKIEE64ZLYK",
        default_version_id="v1",
        description="Provides full access to AWS services and resources.",
        created=_at("2015-02-06T18:39:46"),
        updated=_at("2015-02-06T18:39:46"),
        document=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
        ),
    ),
    AwsManagedPolicy(
        name="AmazonS3FullAccess",
        policy_id="ANPAIFIR6V6BVTRAHWINE",
        default_version_id="v2",
        description="Provides full access to all buckets via the AWS Management Console.",
        created=_at("2015-02-06T18:40:58"),
        updated=_at("2021-09-27T20:16:37"),
        document=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
            '"Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}'
        ),
    ),
    AwsManagedPolicy(
        name="AmazonS3ReadOnlyAccess",
        policy_id="ANPAIZTJ4DXE7G6AGAE6M",
        default_version_id="v3",
        description="Provides read only access to all buckets via the AWS Management Console.",
        created=_at("2015-02-06T18:40:59"),
        updated=_at("2023-08-10T21:31:39"),
        document=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*",'
            '"s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],'
            '"Resource":"*"}]}'
        ),
    ),
)

_BY_ARN = {policy.arn: policy for policy in AWS_MANAGED_POLICIES}


def aws_managed_policy(arn: str) -> AwsManagedPolicy | None:
    return _BY_ARN.get(arn)
