"""A Query-protocol (IAM, STS) request signed in its query string cannot be re-aimed by
reordering it.

SigV4's canonical query sorts the pairs by name and then by value
(IAM/latest/UserGuide/reference_sigv-create-signed-request.html, "sort the parameters ... by
parameter name ... by value"), so `UserName=a&UserName=b` and `UserName=b&UserName=a` carry one
signature, and with "the last value wins" a replayer chose the user. A name given twice with
different values is refused with `400 InvalidQueryParameter` ("The AWS query string is malformed
or does not adhere to AWS standards", IAM/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

import pytest
from tests.rolegate_server import RunningServer
from tests.security.wire import exchange, request_bytes, signed_headers

SIGNED = "Action=GetUser&UserName=alice&UserName=bob&Version=2010-05-08"


@pytest.mark.parametrize(
    "sent",
    [
        "Action=GetUser&UserName=alice&UserName=bob&Version=2010-05-08",
        "Action=GetUser&UserName=bob&UserName=alice&Version=2010-05-08",
        "Action=GetUser&UserName=bob&User%4Eame=alice&Version=2010-05-08",
    ],
)
def test_a_repeated_parameter_is_refused_in_any_order(server: RunningServer, sent: str) -> None:
    owner = server.new_account()
    iam = server.client("iam", owner)
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    # `User%4Eame` is canonicalized to `UserName`: the same signature holds for all three.
    headers = signed_headers(owner, "GET", f"{server.url}/?{SIGNED}", service="iam")

    response = exchange(server.port, request_bytes("GET", f"/?{sent}", headers))

    assert response.status == 400, response.text
    assert "<Code>InvalidQueryParameter</Code>" in response.text


def test_a_parameter_repeated_with_one_value_is_taken(server: RunningServer) -> None:
    owner = server.new_account()
    server.client("iam", owner).create_user(UserName="carol")
    query = "Action=GetUser&UserName=carol&UserName=carol&Version=2010-05-08"
    headers = signed_headers(owner, "GET", f"{server.url}/?{query}", service="iam")

    response = exchange(server.port, request_bytes("GET", f"/?{query}", headers))

    assert response.status == 200, response.text
    assert "<UserName>carol</UserName>" in response.text
