"""S3 names credential failures in its own words, not IAM's (AmazonS3/latest/API/
ErrorResponses.html): an access key that does not exist is 403 InvalidAccessKeyId naming the key;
a session token that does not authenticate is 400 InvalidToken. SDKs and tools branch on these
codes (botocore refreshes credentials on ExpiredToken; `aws s3` prints the code)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer


def test_unknown_access_key_is_invalid_access_key_id(server: RunningServer) -> None:
    owner = server.new_account()
    ghost = Credentials("AKIAZZZZZZZZZZZZZZZZ", owner.secret_access_key, None, owner.account_id)

    with pytest.raises(ClientError) as refused:
        server.client("s3", ghost).list_buckets()

    response = refused.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["Error"]["Code"] == "InvalidAccessKeyId"
    assert (
        response["Error"]["Message"]
        == "The AWS Access Key Id you provided does not exist in our records."
    )
    assert response["Error"]["AWSAccessKeyId"] == "AKIAZZZZZZZZZZZZZZZZ"


def test_forged_session_token_is_invalid_token(server: RunningServer) -> None:
    owner = server.new_account()
    real = server.client("sts", owner).get_session_token()["Credentials"]
    forged = Credentials(
        real["AccessKeyId"],
        real["SecretAccessKey"],
        real["SessionToken"][:-8] + "AAAAAAA=",
        owner.account_id,
    )

    with pytest.raises(ClientError) as refused:
        server.client("s3", forged).list_buckets()

    response = refused.value.response
    assert (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]) == (
        400,
        "InvalidToken",
    )
