"""Bucket names can be re-used; a bucket cannot.

AmazonS3/latest/userguide/BucketRestrictions.html: "after a bucket is deleted, the name becomes
available for reuse" by any account. AmazonS3/latest/userguide/bucket-owner-condition.html says
why it matters: a request must never write to, read from or delete in "a bucket someone else
took". A request is authorized against the bucket it found when it arrived; if that bucket is
deleted while the request is still sending its body, and another account creates a bucket of the
same name, the request must fail with NoSuchBucket (API_PutObject.html: "NoSuchBucket"), never
act on the new owner's bucket.

The attacker controls the timing without any race: it sends the head of its request, holds the
rest of the body, deletes its bucket, lets the victim create one of the same name, and only then
sends the last bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import uuid
from typing import Any

from botocore.exceptions import ClientError
from tests.rolegate_server import Credentials, RunningServer
from tests.security.races import one_part_upload, outcome, racing
from tests.security.wire import RawResponse, read_response, request_bytes, signed_headers


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _held_request(
    server: RunningServer,
    creds: Credentials,
    method: str,
    target: str,
    body: bytes,
    extra: dict[str, str] | None = None,
) -> tuple[socket.socket, bytes]:
    """Send a signed request with all but the last 8 bytes of its body; return the socket and
    the bytes still owed."""
    headers = signed_headers(creds, method, f"{server.url}{target}", body, extra)
    raw = request_bytes(method, target, headers, body)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
    sock.sendall(raw[:-8])
    return sock, raw[-8:]


def _finish(sock: socket.socket, rest: bytes) -> RawResponse:
    with sock:
        sock.sendall(rest)
        return read_response(sock)


def _hand_over(
    server: RunningServer, attacker: Credentials, victim: Credentials, bucket: str
) -> Any:
    """The attacker deletes its (empty) bucket; the victim creates one of the same name."""
    server.client("s3", attacker).delete_bucket(Bucket=bucket)
    victim_s3 = server.client("s3", victim)
    victim_s3.create_bucket(Bucket=bucket)
    return victim_s3


def test_put_object_held_across_a_re_created_bucket_lands_nowhere(server: RunningServer) -> None:
    attacker, victim = server.new_account(), server.new_account()
    bucket = _name("reuse-put")
    server.client("s3", attacker).create_bucket(Bucket=bucket)
    body = b"planted by the previous owner " * 64
    sock, rest = _held_request(server, attacker, "PUT", f"/{bucket}/planted.txt", body)
    # The server has authorized the PUT against the attacker's bucket and is reading the body.
    victim_s3 = _hand_over(server, attacker, victim, bucket)
    answer = _finish(sock, rest)

    assert answer.status == 404 and b"<Code>NoSuchBucket</Code>" in answer.body, answer.text
    assert victim_s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_put_bucket_policy_held_across_a_re_created_bucket_lands_nowhere(
    server: RunningServer,
) -> None:
    attacker, victim = server.new_account(), server.new_account()
    bucket = _name("reuse-policy")
    server.client("s3", attacker).create_bucket(Bucket=bucket)
    # A policy that would hand the bucket's next owner's data to the attacker's account.
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{attacker.account_id}:root"},
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                }
            ],
        }
    ).encode()
    sock, rest = _held_request(server, attacker, "PUT", f"/{bucket}?policy", policy)
    victim_s3 = _hand_over(server, attacker, victim, bucket)
    victim_s3.put_object(Bucket=bucket, Key="secret.txt", Body=b"the victim's secret")
    answer = _finish(sock, rest)

    assert answer.status == 404 and b"<Code>NoSuchBucket</Code>" in answer.body, answer.text
    try:
        victim_s3.get_bucket_policy(Bucket=bucket)
        raise AssertionError("the previous owner's policy is on the victim's bucket")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "NoSuchBucketPolicy"
    try:
        server.client("s3", attacker).get_object(Bucket=bucket, Key="secret.txt")
        raise AssertionError("the previous owner reads the victim's object")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "AccessDenied"


def test_delete_objects_held_across_a_re_created_bucket_deletes_nothing(
    server: RunningServer,
) -> None:
    attacker, victim = server.new_account(), server.new_account()
    bucket = _name("reuse-delete")
    server.client("s3", attacker).create_bucket(Bucket=bucket)
    body = (
        b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<Object><Key>precious.txt</Key></Object></Delete>"
    )
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    sock, rest = _held_request(
        server, attacker, "POST", f"/{bucket}?delete", body, {"Content-MD5": md5}
    )
    victim_s3 = _hand_over(server, attacker, victim, bucket)
    victim_s3.put_object(Bucket=bucket, Key="precious.txt", Body=b"the victim's data")
    answer = _finish(sock, rest)

    assert answer.status == 404 and b"<Code>NoSuchBucket</Code>" in answer.body, answer.text
    kept = victim_s3.get_object(Bucket=bucket, Key="precious.txt")["Body"].read()
    assert kept == b"the victim's data"


def test_an_upload_in_progress_keeps_the_bucket_name(server: RunningServer) -> None:
    """Held: a bucket with a multipart upload in progress is not deleted (BucketNotEmpty), so an
    upload id can never complete into the name's next owner's bucket."""
    attacker = server.new_account()
    bucket = _name("reuse-upload")
    s3 = server.client("s3", attacker)
    s3.create_bucket(Bucket=bucket)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    try:
        s3.delete_bucket(Bucket=bucket)
        raise AssertionError("the bucket was deleted under an upload in progress")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "BucketNotEmpty"
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    s3.delete_bucket(Bucket=bucket)


# Multipart races: whichever request wins, the stored object is exactly the bytes of the parts
# its Complete listed, every byte of it readable (never a record pointing at freed blobs), and an
# upload is never both completed and aborted (API_AbortMultipartUpload.html: aborting an upload
# that no longer exists is NoSuchUpload; API_CompleteMultipartUpload.html likewise).

ROUNDS = 12


def _owner_bucket(server: RunningServer, prefix: str) -> tuple[Credentials, str]:
    owner = server.new_account()
    bucket = _name(prefix)
    server.client("s3", owner).create_bucket(Bucket=bucket)
    return owner, bucket


def test_complete_racing_abort_never_both_and_never_a_hollow_object(server: RunningServer) -> None:
    owner, bucket = _owner_bucket(server, "race-abort")
    s3, completer, aborter = (server.client("s3", owner) for _ in range(3))

    def one_round(round_number: int) -> None:
        key, data = f"k{round_number}", f"part of round {round_number} ".encode() * 100
        upload_id, parts = one_part_upload(s3, bucket, key, data)
        completed, aborted = racing(
            [
                lambda: completer.complete_multipart_upload(
                    Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload=parts
                ),
                lambda: aborter.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id),
            ]
        )
        assert sorted([completed, aborted]) in (["NoSuchUpload", "ok"],), (completed, aborted)
        if completed == "ok":
            assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data
        else:
            assert outcome(lambda: s3.head_object(Bucket=bucket, Key=key)) == "404"

    for round_number in range(ROUNDS):
        one_round(round_number)


def test_two_completes_racing_leave_one_whole_object(server: RunningServer) -> None:
    owner, bucket = _owner_bucket(server, "race-complete")
    s3, first, second = (server.client("s3", owner) for _ in range(3))

    def one_round(round_number: int) -> None:
        key, data = f"k{round_number}", f"round {round_number} ".encode() * 100
        upload_id, parts = one_part_upload(s3, bucket, key, data)
        outcomes = racing(
            [
                lambda client=client: client.complete_multipart_upload(  # type: ignore[misc]
                    Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload=parts
                )
                for client in (first, second)
            ]
        )
        assert "ok" in outcomes and set(outcomes) <= {"ok", "NoSuchUpload"}, outcomes
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data

    for round_number in range(ROUNDS):
        one_round(round_number)


def test_upload_part_racing_complete_stores_exactly_the_listed_part(
    server: RunningServer,
) -> None:
    owner, bucket = _owner_bucket(server, "race-part")
    s3, completer, uploader = (server.client("s3", owner) for _ in range(3))

    def one_round(round_number: int) -> None:
        key = f"k{round_number}"
        listed, replacement = b"listed " * 200, f"replacement {round_number} ".encode() * 150
        upload_id, parts = one_part_upload(s3, bucket, key, listed)
        completed, _ = racing(
            [
                lambda: completer.complete_multipart_upload(
                    Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload=parts
                ),
                lambda: uploader.upload_part(
                    Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=replacement
                ),
            ]
        )
        if completed == "ok":
            # The object is the part whose ETag was listed, never the one that replaced it.
            assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == listed
        else:
            assert completed in {"InvalidPart", "NoSuchUpload"}, completed
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)

    for round_number in range(ROUNDS):
        one_round(round_number)


# IAM names: one role per name however many workers race to create it (API_CreateRole.html:
# EntityAlreadyExists, 409), and no attachment ever outlives its policy (API_DeletePolicy.html:
# "you must detach the policy from all users, groups, and roles that it is attached to" first,
# else DeleteConflict), so a policy created later under the same name cannot inherit it.

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
NOTHING = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}],
    }
)


def test_create_role_racing_itself_makes_one_role(server: RunningServer) -> None:
    root = server.new_account()
    iam = server.client("iam", root)
    clients = [server.client("iam", root) for _ in range(3)]

    def one_round(round_number: int) -> None:
        name = f"raced-{round_number}"
        outcomes = racing(
            [
                lambda client=client: client.create_role(  # type: ignore[misc]
                    RoleName=name, AssumeRolePolicyDocument=TRUST
                )
                for client in clients
            ]
        )
        assert sorted(outcomes) == ["EntityAlreadyExists"] * 2 + ["ok"], outcomes

    for round_number in range(ROUNDS):
        one_round(round_number)
    names = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("raced-")]
    assert sorted(names) == sorted(f"raced-{n}" for n in range(ROUNDS))


def test_delete_policy_racing_attach_never_leaves_an_orphan_attachment(
    server: RunningServer,
) -> None:
    root = server.new_account()
    iam, deleter, attacher = (server.client("iam", root) for _ in range(3))
    iam.create_role(RoleName="holder", AssumeRolePolicyDocument=TRUST)

    def one_round(round_number: int) -> None:
        name = f"raced-policy-{round_number}"
        arn = iam.create_policy(PolicyName=name, PolicyDocument=NOTHING)["Policy"]["Arn"]
        deleted, attached = racing(
            [
                lambda: deleter.delete_policy(PolicyArn=arn),
                lambda: attacher.attach_role_policy(RoleName="holder", PolicyArn=arn),
            ]
        )
        held = [
            p["PolicyArn"]
            for p in iam.list_attached_role_policies(RoleName="holder")["AttachedPolicies"]
        ]
        if deleted == "ok":
            assert attached == "NoSuchEntity" and arn not in held, (deleted, attached, held)
            # A policy created again under the name is not attached to anything.
            again = iam.create_policy(PolicyName=name, PolicyDocument=NOTHING)["Policy"]
            assert again["AttachmentCount"] == 0
            iam.delete_policy(PolicyArn=arn)
        else:
            assert (deleted, attached) == ("DeleteConflict", "ok") and arn in held
            iam.detach_role_policy(RoleName="holder", PolicyArn=arn)
            iam.delete_policy(PolicyArn=arn)

    for round_number in range(ROUNDS):
        one_round(round_number)


def test_a_session_policy_re_created_under_its_name_does_not_widen_the_session(
    server: RunningServer,
) -> None:
    """A managed session policy (API_AssumeRole.html, PolicyArns) is the policy the session was
    issued with. Deleted, it allows nothing; a policy created later under the same name is
    another policy (its PolicyId differs: reference_identifiers.html#identifiers-unique-ids)
    and must not re-open what the session was limited to."""
    root = server.new_account()
    iam = server.client("iam", root)
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{root.account_id}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    role = iam.create_role(RoleName="wide", AssumeRolePolicyDocument=trust)["Role"]
    everything = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
    )
    iam.put_role_policy(RoleName="wide", PolicyName="all-s3", PolicyDocument=everything)
    narrow = iam.create_policy(PolicyName="narrow", PolicyDocument=NOTHING)["Policy"]
    # Roles are assumed by a user of the account, not by its root.
    iam.create_user(UserName="assumer")
    may_assume = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
        }
    )
    iam.put_user_policy(UserName="assumer", PolicyName="assume", PolicyDocument=may_assume)
    key = iam.create_access_key(UserName="assumer")["AccessKey"]
    sts = server.client(
        "sts", Credentials(key["AccessKeyId"], key["SecretAccessKey"], None, root.account_id)
    )
    session = sts.assume_role(
        RoleArn=role["Arn"], RoleSessionName="limited", PolicyArns=[{"arn": narrow["Arn"]}]
    )["Credentials"]
    limited = server.client("s3", Credentials.from_sts(session, root.account_id))
    bucket = _name("session-limited")
    assert outcome(lambda: limited.create_bucket(Bucket=bucket)) == "AccessDenied"

    iam.delete_policy(PolicyArn=narrow["Arn"])
    # Deleted, it allows nothing (this was a 500: the stand-in document did not parse).
    assert outcome(lambda: limited.create_bucket(Bucket=bucket)) == "AccessDenied"
    again = iam.create_policy(PolicyName="narrow", PolicyDocument=everything)["Policy"]
    assert again["Arn"] == narrow["Arn"] and again["PolicyId"] != narrow["PolicyId"]
    assert outcome(lambda: limited.create_bucket(Bucket=bucket)) == "AccessDenied"


def test_copy_racing_a_replaced_source_copies_the_old_or_the_new_never_a_mix(
    server: RunningServer,
) -> None:
    """API_CopyObject.html: a copy is "a single atomic action": the copy is one whole version of
    the source, whichever was current when it was read."""
    owner, bucket = _owner_bucket(server, "race-copy")
    s3, copier, writer = (server.client("s3", owner) for _ in range(3))
    size = 3 * 1024 * 1024  # three pieces of the copy loop, with turns for others in between

    def one_round(round_number: int) -> None:
        old, new = bytes([round_number]) * size, bytes([round_number + 100]) * size
        s3.put_object(Bucket=bucket, Key="source", Body=old)
        copied, replaced = racing(
            [
                lambda: copier.copy_object(
                    Bucket=bucket, Key=f"copy{round_number}", CopySource=f"{bucket}/source"
                ),
                lambda: writer.put_object(Bucket=bucket, Key="source", Body=new),
            ]
        )
        assert (copied, replaced) == ("ok", "ok")
        got = s3.get_object(Bucket=bucket, Key=f"copy{round_number}")["Body"].read()
        assert got in (old, new), "the copy mixes two versions of its source"

    for round_number in range(6):
        one_round(round_number)


def test_delete_objects_racing_put_leaves_a_whole_object_or_none(server: RunningServer) -> None:
    owner, bucket = _owner_bucket(server, "race-delete")
    s3, deleter, writer = (server.client("s3", owner) for _ in range(3))

    def one_round(round_number: int) -> None:
        data = f"round {round_number} ".encode() * 500
        s3.put_object(Bucket=bucket, Key="k", Body=b"before")
        deleted, put = racing(
            [
                lambda: deleter.delete_objects(
                    Bucket=bucket, Delete={"Objects": [{"Key": "k"}], "Quiet": True}
                ),
                lambda: writer.put_object(Bucket=bucket, Key="k", Body=data),
            ]
        )
        assert (deleted, put) == ("ok", "ok")
        found = outcome(lambda: s3.head_object(Bucket=bucket, Key="k"))
        if found == "ok":
            assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == data
        else:
            assert found == "404"

    for round_number in range(ROUNDS):
        one_round(round_number)


def test_delete_bucket_racing_put_object_never_hands_an_object_to_the_next_owner(
    server: RunningServer,
) -> None:
    """API_DeleteBucket.html: "All objects ... must be deleted before the bucket itself can be
    deleted": a PUT that commits first makes the delete BucketNotEmpty; one that commits after
    is NoSuchBucket. Never both succeed, and the name's next owner starts with an empty bucket."""
    previous, following = server.new_account(), server.new_account()
    owner_s3, deleter, writer = (server.client("s3", previous) for _ in range(3))
    next_s3 = server.client("s3", following)

    def one_round(round_number: int) -> None:
        bucket = _name(f"race-bucket{round_number}")
        owner_s3.create_bucket(Bucket=bucket)
        deleted, put = racing(
            [
                lambda: deleter.delete_bucket(Bucket=bucket),
                lambda: writer.put_object(Bucket=bucket, Key="k", Body=b"previous owner's"),
            ]
        )
        assert (deleted, put) in (("ok", "NoSuchBucket"), ("BucketNotEmpty", "ok")), (deleted, put)
        if deleted == "ok":
            next_s3.create_bucket(Bucket=bucket)
            assert next_s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
        else:
            owner_s3.delete_object(Bucket=bucket, Key="k")
            owner_s3.delete_bucket(Bucket=bucket)

    for round_number in range(ROUNDS):
        one_round(round_number)
