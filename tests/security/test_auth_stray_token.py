"""A session token sent with a long-term access key is judged, not ignored.

AWS refuses a request whose X-Amz-Security-Token does not belong with its access key, whatever
kind of key it is: long-term keys with a stale AWS_SESSION_TOKEN beside them fail with
ExpiredToken ([seen] aws/aws-cli#7870, pulumi/pulumi-aws#2560), an unknown token with
InvalidClientTokenId "The security token included in the request is invalid"
(STS/latest/APIReference/CommonErrors.html). rolegate ignored the token and answered as the
key's owner, so a client that would fail against AWS passed here, and an audit reader could not
tell which identity a token-bearing request was judged as.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer


def other_session_token(server: RunningServer) -> str:
    someone = server.new_account()
    token = server.client("sts", someone).get_session_token()["Credentials"]["SessionToken"]
    assert isinstance(token, str)
    return token


@pytest.mark.parametrize("kind", ["another session's", "made-up"])
def test_long_term_key_with_a_session_token_is_refused(server: RunningServer, kind: str) -> None:
    owner = server.new_account()
    token = other_session_token(server) if kind == "another session's" else "bm90IGEgdG9rZW4="
    stray = Credentials(owner.access_key_id, owner.secret_access_key, token, owner.account_id)

    with pytest.raises(ClientError) as sts_refusal:
        server.client("sts", stray).get_caller_identity()
    with pytest.raises(ClientError) as s3_refusal:
        server.client("s3", stray).list_buckets()

    error = sts_refusal.value.response["Error"]
    assert error["Code"] == "InvalidClientTokenId"
    assert error["Message"] == "The security token included in the request is invalid."
    # S3 says it in its own words (AmazonS3/latest/API/ErrorResponses.html: InvalidToken, 400).
    error = s3_refusal.value.response["Error"]
    assert (error["Code"], s3_refusal.value.response["ResponseMetadata"]["HTTPStatusCode"]) == (
        "InvalidToken",
        400,
    )
    assert error["Message"] == "The provided token is malformed or otherwise invalid."
    # The key alone still works.
    assert server.client("sts", owner).get_caller_identity()["Account"] == owner.account_id
