"""XML bodies made of markup only must not hold a worker for a second each (issue 10, stalls).

A 5 MiB CompleteMultipartUpload is a legitimate size (10,000 parts with their checksums), but
the same 5 MiB spent on 1.3 million empty elements, or one start tag with 400,000 attributes, made
the worker build all of it before the schema was looked at: about a second of event loop per
request (measured: 970 ms element flood, 540 ms attribute flood, and 450 ms for an *anonymous*
2 MiB `POST ?delete`, which is parsed before any key is judged), while every other tenant of that
worker waited. A document S3 could accept has at most so many elements and attributes; past that
it cannot validate, and S3 answers MalformedXML ("The XML you provided was not well-formed or did
not validate against our published schema", AmazonS3/latest/API/ErrorResponses.html) whatever
else it holds: API_CompleteMultipartUpload.html (at most 10,000 Parts, userguide/qfacts.html),
API_DeleteObjects.html (at most 1,000 Objects).

Each test sends a batch of such bodies at once, meanwhile reads another tenant's object (each
read within a bound that only proves "not hung"), and counts the CPU seconds the server
processes spent: that count does not depend on how busy the machine is, and before the fix it
was ten times the bound.
"""

from __future__ import annotations

import base64
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor

from tests.rolegate_server import Credentials, RunningServer
from tests.security.server_processes import cpu_seconds
from tests.security.wire import RawResponse, exchange, request_bytes, signed_headers

BOUND = 5.0  # seconds for one read by the bystander
MIB = 1024 * 1024
ATTACKS = 16
# CPU seconds the server may spend on a batch of ATTACKS bodies (5 MiB each; 2 MiB for
# DeleteObjects): receiving and refusing them takes well under one; parsing them whole took 11.
CPU_BOUND = 3.0


def _bystander(server: RunningServer) -> tuple[Credentials, str]:
    tenant = server.new_account()
    bucket = f"bystander-{tenant.account_id}"
    s3 = server.client("s3", tenant)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    return tenant, bucket


def _served_while(server: RunningServer, attacks: list[bytes]) -> list[RawResponse]:
    """Send every attack at once; until all are answered, the bystander reads its object again
    and again, each read within BOUND. The server must spend under CPU_BOUND on the batch.
    Returns the attacks' answers."""
    tenant, bucket = _bystander(server)
    spent = cpu_seconds(server)
    s3 = server.client("s3", tenant, read_timeout=BOUND, connect_timeout=BOUND)
    with ThreadPoolExecutor(max_workers=len(attacks)) as pool:
        pending = [pool.submit(exchange, server.port, attack, timeout=120) for attack in attacks]
        time.sleep(0.5)  # the bodies are on their way; the workers are parsing them
        reads = 0
        while not all(future.done() for future in pending) or reads < 3:
            started = time.monotonic()
            body = s3.get_object(Bucket=bucket, Key="k")["Body"].read()
            assert body == b"hello"
            assert time.monotonic() - started < BOUND
            reads += 1
        answers = [future.result() for future in pending]
    assert cpu_seconds(server) - spent < CPU_BOUND
    return answers


def _complete_target(server: RunningServer, owner: Credentials, name: str) -> str:
    bucket = f"{name}-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    return f"/{bucket}/k?uploadId={upload}"


def _signed_post(server: RunningServer, owner: Credentials, target: str, body: bytes) -> bytes:
    headers = signed_headers(
        owner,
        "POST",
        f"{server.url}{target}",
        body,
        {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"},
    )
    return request_bytes("POST", target, headers, body)


def test_complete_multipart_of_empty_elements_or_attributes(server: RunningServer) -> None:
    owner = server.new_account()
    target = _complete_target(server, owner, "markup")
    root_open, root_close = b"<CompleteMultipartUpload>", b"</CompleteMultipartUpload>"
    elements = root_open + b"<a/>" * ((5 * MIB - 64) // 4) + root_close
    attributes = b"<CompleteMultipartUpload " + b" ".join(b"a%d='1'" % n for n in range(400_000))
    attributes += b"/>"
    attacks = [
        _signed_post(server, owner, target, elements if n % 2 else attributes)
        for n in range(ATTACKS)
    ]

    answers = _served_while(server, attacks)

    assert {(answer.status, answer.code) for answer in answers} == {(400, "MalformedXML")}


def test_anonymous_delete_of_empty_elements(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"anon-markup-{owner.account_id}"
    server.client("s3", owner).create_bucket(Bucket=bucket)
    body = b"<Delete>" + b"<a/>" * ((2 * MIB - 32) // 4) + b"</Delete>"
    md5 = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
    headers = {"Host": f"127.0.0.1:{server.port}", "Content-MD5": md5}
    attack = request_bytes("POST", f"/{bucket}?delete", headers, body)

    answers = _served_while(server, [attack] * (2 * ATTACKS))

    # Content-MD5 as DeleteObjects requires (API_DeleteObjects.html), so the document is read;
    # it cannot validate, whoever sends it.
    assert {(answer.status, answer.code) for answer in answers} == {(400, "MalformedXML")}


def test_a_legitimate_complete_of_10000_parts_still_reads(server: RunningServer) -> None:
    """The bound leaves room for the largest document S3 accepts: 10,000 parts, every checksum."""
    owner = server.new_account()
    target = _complete_target(server, owner, "legit")
    checksums = "".join(
        f"<Checksum{name}>{value}</Checksum{name}>"
        for name, value in (
            ("CRC32", "AAAAAA=="),
            ("CRC32C", "AAAAAA=="),
            ("CRC64NVME", "AAAAAAAAAAA="),
            ("SHA1", "A" * 27 + "="),
            ("SHA256", "A" * 43 + "="),
        )
    )
    parts = "".join(
        f'<Part><PartNumber>{n}</PartNumber><ETag>"{n:032x}"</ETag>{checksums}</Part>'
        for n in range(1, 10_001)
    )
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{parts}</CompleteMultipartUpload>'.encode()

    response = exchange(server.port, _signed_post(server, owner, target, body), timeout=60)

    # The document reads; its parts were never uploaded, which S3 calls InvalidPart
    # (API_CompleteMultipartUpload.html), not MalformedXML.
    assert (response.status, response.code) == (400, "InvalidPart")
