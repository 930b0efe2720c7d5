"""IAM and STS forms are read only for a caller who signed them (issue 10, stalls).

A Query-protocol form may be 1 MiB. Its params used to be typed and validated before the
signature was looked at: 100,000 `Tags.member.N` entries cost the worker a quarter of a second
and came back as a 10 MB ValidationError listing every one, to a caller who signed nothing
(or signed with a made-up key). AWS authenticates first: an unsigned request is
MissingAuthenticationToken (403) and an unknown key InvalidClientTokenId (403), whatever its
params (IAM/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.rolegate_server import Credentials, RunningServer
from tests.security.server_processes import cpu_seconds
from tests.security.test_exhaust_xml import CPU_BOUND
from tests.security.wire import exchange, request_bytes, signed_headers

MIB = 1024 * 1024
FORM = "application/x-www-form-urlencoded; charset=utf-8"
SMALL = 4096  # bytes: an error document, not an echo of the request


def _flood() -> bytes:
    """A CreateUser form of ~1 MiB: 100,000 tags, each an element without Key or Value."""
    head = "Action=CreateUser&Version=2010-05-08&UserName=flood"
    members = "".join(f"&Tags.member.{n}=x" for n in range(1, 70_000))
    return (head + members).encode()[: MIB - 16].rpartition(b"&")[0]


def test_an_unsigned_flood_is_missing_authentication(server: RunningServer) -> None:
    body = _flood()
    headers = {"Host": f"127.0.0.1:{server.port}", "Content-Type": FORM}
    attack = request_bytes("POST", "/", headers, body)
    spent = cpu_seconds(server)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: exchange(server.port, attack, timeout=60), range(16)))

    for answer in answers:
        assert (answer.status, answer.code) == (403, "MissingAuthenticationToken")
        assert len(answer.body) < SMALL
    assert cpu_seconds(server) - spent < CPU_BOUND


def test_a_flood_signed_with_an_unknown_key_is_refused_unread(server: RunningServer) -> None:
    body = _flood()
    stranger = Credentials("AKIAEXAMPLEUNKNOWN00", "not-a-secret-anyone-holds")
    headers = signed_headers(
        stranger, "POST", f"{server.url}/", body, {"Content-Type": FORM}, service="iam"
    )

    answer = exchange(server.port, request_bytes("POST", "/", headers, body), timeout=60)

    assert (answer.status, answer.code) == (403, "InvalidClientTokenId")
    assert len(answer.body) < SMALL


def test_a_signed_flood_is_still_validated(server: RunningServer) -> None:
    """The owner of a key is answered as before: the form is read, and refused as invalid."""
    owner = server.new_account()
    body = _flood()
    headers = signed_headers(
        owner, "POST", f"{server.url}/", body, {"Content-Type": FORM}, service="iam"
    )

    answer = exchange(server.port, request_bytes("POST", "/", headers, body), timeout=60)

    assert (answer.status, answer.code) == (400, "ValidationError")


def test_a_signed_key_of_300000_segments_is_not_built(server: RunningServer) -> None:
    """`Tags.a.a.a...` names no member (Tags.member.N.Key is the deepest a tag goes), yet each
    segment became a dictionary before anything looked: a quarter CPU-second per form."""
    owner = server.new_account()
    form = "Action=TagUser&Version=2010-05-08&UserName=nobody"
    form += "&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags" + ".a" * 300_000 + "=x"
    body = form.encode()
    headers = signed_headers(
        owner, "POST", f"{server.url}/", body, {"Content-Type": FORM}, service="iam"
    )
    attack = request_bytes("POST", "/", headers, body)
    spent = cpu_seconds(server)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: exchange(server.port, attack, timeout=60), range(24)))

    # The deep key is ignored like any unknown one; the user does not exist
    # (IAM/latest/APIReference/API_TagUser.html: NoSuchEntity, 404).
    assert {(answer.status, answer.code) for answer in answers} == {(404, "NoSuchEntity")}
    assert cpu_seconds(server) - spent < CPU_BOUND
