"""Identities and answers the attack tests share: an IAM user holding one inline policy, and the
(status, code) a refused boto3 call came back with."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer


def user_with_policy(
    server: RunningServer, root: Credentials, name: str, statements: list[Any]
) -> Credentials:
    """A new user of `root`'s account, allowed `statements` by one inline policy, with a key."""
    iam = server.client("iam", root)
    iam.create_user(UserName=name)
    document = json.dumps({"Version": "2012-10-17", "Statement": statements})
    iam.put_user_policy(UserName=name, PolicyName="s3", PolicyDocument=document)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, root.account_id)


def refusal(call: Callable[[], object]) -> tuple[int, str]:
    """(HTTP status, error code) of a call that must fail."""
    with pytest.raises(ClientError) as raised:
        call()
    response: dict[str, Any] = raised.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]
