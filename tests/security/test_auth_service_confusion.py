"""A signature names one service; the request goes to that service and no other.

SigV4 derives the signing key from the credential scope's service
(IAM/latest/UserGuide/reference_sigv-create-signed-request.html: "the service ... in the
credential scope"), so a signature made for STS is not one for S3. rolegate serves all three on
one endpoint and routes by that scope; these attacks made the router read the scope differently
from the verifier:

- A presigned STS GetCallerIdentity URL is the usual proof of identity handed to a third party
  (it can do nothing else). Re-spelling its query keys (`X-Amz-%43redential=`, `%41ction=`)
  leaves the canonical query, and so the signature, unchanged; the router then saw no scope and
  no Action and sent it to S3, which verified the STS signature and answered ListBuckets as the
  victim.
- An Authorization header with a decoy `XCredential=.../s3/aws4_request` token before the real
  Credential: the router read the decoy, the verifier the real one (an STS scope), and S3 then
  failed with a 500.

S3 answers a scope for another service AuthorizationHeaderMalformed / AuthorizationQueryParameters
Error ("This endpoint belongs to \\"s3\\""); here the request simply reaches the service it was
signed for, which is what AWS's separate endpoints amount to.
"""

from __future__ import annotations

import hashlib

from tests.rolegate_server import Credentials, RunningServer
from tests.security.wire import exchange, presigned_target, request_bytes, signed_headers


def victim_with_bucket(server: RunningServer) -> tuple[Credentials, str]:
    victim = server.new_account()
    bucket = f"confused-{victim.account_id}"
    server.client("s3", victim).create_bucket(Bucket=bucket)
    return victim, bucket


def presigned_get_caller_identity(server: RunningServer, victim: Credentials) -> str:
    url = f"{server.url}/?Action=GetCallerIdentity&Version=2011-06-15"
    return presigned_target(victim, url, service="sts", expires=900)


def test_presigned_sts_url_respelled_is_not_an_s3_request(server: RunningServer) -> None:
    victim, bucket = victim_with_bucket(server)
    target = presigned_get_caller_identity(server, victim)
    host = {"Host": f"127.0.0.1:{server.port}"}
    as_given = exchange(server.port, request_bytes("GET", target, host))
    assert as_given.status == 200 and b"GetCallerIdentityResult" in as_given.body

    # Same canonical query (%43 is "C", %41 is "A"), so the same signature.
    respelled = target.replace("X-Amz-Credential=", "X-Amz-%43redential=").replace(
        "Action=", "%41ction="
    )
    for extra in ({}, {"x-amz-content-sha256": hashlib.sha256(b"").hexdigest()}):
        answer = exchange(server.port, request_bytes("GET", respelled, {**host, **extra}))

        assert b"ListAllMyBucketsResult" not in answer.body
        assert bucket.encode() not in answer.body
        assert answer.status != 500
        # It is still the GetCallerIdentity it was signed as.
        assert answer.status == 200 and b"GetCallerIdentityResult" in answer.body


def test_decoy_credential_token_does_not_route_an_sts_signature_to_s3(
    server: RunningServer,
) -> None:
    victim, bucket = victim_with_bucket(server)
    headers = signed_headers(
        victim, "GET", f"{server.url}/?Action=GetCallerIdentity&Version=2011-06-15", service="sts"
    )
    decoy = f"XCredential={victim.access_key_id}/20200101/us-east-1/s3/aws4_request, "
    headers["Authorization"] = headers["Authorization"].replace(
        "AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256 " + decoy
    )
    for extra in ({}, {"x-amz-content-sha256": hashlib.sha256(b"").hexdigest()}):
        answer = exchange(
            server.port,
            request_bytes(
                "GET", "/?%41ction=GetCallerIdentity&Version=2011-06-15", {**headers, **extra}
            ),
        )

        assert answer.status != 500
        assert b"ListAllMyBucketsResult" not in answer.body
        assert bucket.encode() not in answer.body
