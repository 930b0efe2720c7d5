"""The seed end to end over S3: the platform's role assumes the customer's role and reads the
customer's bucket; writes and other buckets are refused with the explained message.

Expected outcomes: the seed's permission policy allows s3:GetObject and s3:ListBucket on one
bucket (UG/reference_policies_evaluation-logic.html: anything else is an implicit deny);
AmazonS3/latest/userguide/example-bucket-policies.html for bucket policies granting another
account or everyone; cross-account object access needs both the bucket policy and the caller's
identity policy (UG/reference_policies_evaluation-logic-cross-account.html).
"""

from __future__ import annotations

import json

import pytest
import urllib3
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer
from tests.server.seed_world import Platform, assume, seed_permission_policy, seed_trust_policy


@pytest.fixture(scope="module")
def seed(server: RunningServer) -> dict[str, object]:
    platform = Platform.create(server)
    customer = server.new_account()
    bucket = f"customer-data-{customer.account_id}"
    other = f"customer-private-{customer.account_id}"
    s3 = server.client("s3", customer)
    for name in (bucket, other):
        s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=bucket, Key="sales/2026/11.csv", Body=b"day,amount\n1,10\n2,12\n")
    s3.put_object(Bucket=other, Key="secret.csv", Body=b"no")
    iam = server.client("iam", customer)
    role_arn = iam.create_role(
        RoleName="qwak-access-role", AssumeRolePolicyDocument=seed_trust_policy(platform.account)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="qwak-access-role",
        PolicyName="read-bucket",
        PolicyDocument=seed_permission_policy(bucket),
    )
    session = platform.session_of(platform.add_role("qwak-eks-base-reader"))
    reader = Credentials.from_sts(
        assume(server, session, role_arn, RoleSessionName="ds-sales")["Credentials"]
    )
    return {"bucket": bucket, "other": other, "reader": reader, "customer": customer}


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error.get("Message", "")


def test_the_assumed_role_lists_and_reads_the_bucket(server: RunningServer, seed) -> None:
    s3 = server.client("s3", seed["reader"])
    listed = s3.list_objects_v2(Bucket=seed["bucket"], Prefix="sales/")
    assert [o["Key"] for o in listed["Contents"]] == ["sales/2026/11.csv"]
    body = s3.get_object(Bucket=seed["bucket"], Key="sales/2026/11.csv")["Body"].read()
    assert body.startswith(b"day,amount")


def test_writing_is_refused_with_the_reason(server: RunningServer, seed) -> None:
    s3 = server.client("s3", seed["reader"])
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=seed["bucket"], Key="sales/new.csv", Body=b"x")
    code, message = _error(excinfo)
    account = seed["customer"].account_id
    assert code == "AccessDenied"
    assert message == (
        f"User: arn:aws:sts::{account}:assumed-role/qwak-access-role/ds-sales is not authorized "
        f'to perform: s3:PutObject on resource: "arn:aws:s3:::{seed["bucket"]}/sales/new.csv" '
        "because no identity-based policy allows the s3:PutObject action"
    )


def test_other_buckets_are_refused(server: RunningServer, seed) -> None:
    s3 = server.client("s3", seed["reader"])
    for call in (
        lambda: s3.get_object(Bucket=seed["other"], Key="secret.csv"),
        lambda: s3.list_objects_v2(Bucket=seed["other"]),
        s3.list_buckets,
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _error(excinfo)[0] == "AccessDenied"


def test_a_missing_key_is_404_because_the_role_may_list(server: RunningServer, seed) -> None:
    s3 = server.client("s3", seed["reader"])
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=seed["bucket"], Key="sales/none.csv")
    assert _error(excinfo)[0] == "NoSuchKey"


def test_prefix_conditions_see_the_listing_parameters(server: RunningServer) -> None:
    # s3:prefix is the ListObjects prefix parameter (AmazonS3 userguide, amazon-s3-policy-keys).
    owner = server.new_account()
    bucket = f"prefixed-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    iam = server.client("iam", owner)
    iam.create_user(UserName="analyst")
    iam.put_user_policy(
        UserName="analyst",
        PolicyName="only-reports",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:ListBucket",
                        "Resource": f"arn:aws:s3:::{bucket}",
                        "Condition": {"StringLike": {"s3:prefix": "reports/*"}},
                    }
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName="analyst")["AccessKey"]
    s3 = server.client("s3", Credentials(key["AccessKeyId"], key["SecretAccessKey"]))
    assert s3.list_objects_v2(Bucket=bucket, Prefix="reports/2026")["KeyCount"] == 0
    with pytest.raises(ClientError) as excinfo:
        s3.list_objects_v2(Bucket=bucket, Prefix="payroll/")
    assert _error(excinfo)[0] == "AccessDenied"


def test_bucket_policies_for_anonymous_and_cross_account_readers(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"shared-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="public/readme.txt", Body=b"hello")
    s3.put_object(Bucket=bucket, Key="partners/data.csv", Body=b"a,b")
    stranger = server.new_account()
    stranger_s3 = server.client("s3", stranger)
    with pytest.raises(ClientError):
        stranger_s3.get_object(Bucket=bucket, Key="partners/data.csv")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/public/*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{stranger.account_id}:root"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/partners/*",
            },
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
    # The stranger's root needs no identity policy of its own; its account trusts itself.
    assert stranger_s3.get_object(Bucket=bucket, Key="partners/data.csv")["Body"].read() == b"a,b"
    public = urllib3.request("GET", f"{server.url}/{bucket}/public/readme.txt")
    assert (public.status, public.data) == (200, b"hello")
    private = urllib3.request("GET", f"{server.url}/{bucket}/partners/data.csv")
    assert private.status == 403 and b"<Code>AccessDenied</Code>" in private.data


def test_a_malformed_bucket_policy_is_refused(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"strict-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_policy(
            Bucket=bucket,
            Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}),
        )
    assert _error(excinfo)[0] == "MalformedPolicy"
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_policy(Bucket=bucket)
    assert _error(excinfo)[0] == "NoSuchBucketPolicy"
