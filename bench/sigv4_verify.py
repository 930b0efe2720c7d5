"""µs per SigV4 verification: rolegate's verifier against recomputing the signature with botocore.

    .venv/bin/python bench/sigv4_verify.py           # about 5 s
    .venv/bin/python bench/sigv4_verify.py --quick   # a smoke run

Each case is one request signed by botocore and turned into what the ASGI layer hands over. The
rolegate rows time `parse_auth` + `SigV4Verifier.verify` (signing key cached, as on a server), and
`verify` alone. The botocore row is what a server without its own verifier would do per request:
rebuild an `AWSRequest` from the wire request and let `SigV4Auth` (or `S3SigV4Auth`) compute the
canonical request, string to sign and signature, then compare. Exit status 1 if any case does not
verify (the run is a correctness check too).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import botocore.auth
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from rolegate.aws.sigv4 import HttpRequest, SigV4Verifier, parse_auth
from timing import FULL, QUICK, Budget, measure_together

SIGNED_AT = datetime(2026, 11, 28, 8, 40, 4, tzinfo=UTC)
CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    signer: Any  # the botocore signer class: SigV4Auth or S3SigV4Auth
    service: str
    request: HttpRequest
    body: bytes
    body_hash: str | None  # what the server passes to verify()


def _signed(
    signer: Any, service: str, method: str, url: str, body: bytes, headers: dict[str, str]
) -> tuple[HttpRequest, bytes]:
    request = AWSRequest(method, url, data=body, headers=headers)
    naive = SIGNED_AT.replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: naive):
        signer(CREDS, service, "us-east-1").add_auth(request)
    prepared = request.prepare()
    parts = urlsplit(prepared.url)
    wire = [(k.lower().encode(), v.encode()) for k, v in prepared.headers.items()]
    wire.insert(0, (b"host", parts.netloc.encode()))
    return HttpRequest(method, parts.path.encode(), parts.query.encode(), tuple(wire)), body


def cases() -> list[Case]:
    iam, iam_body = _signed(
        SigV4Auth, "iam", "POST", "https://iam.amazonaws.com/",
        b"Action=ListUsers&Version=2010-05-08", FORM,
    )  # fmt: skip
    get, _ = _signed(
        S3SigV4Auth, "s3", "GET", "https://bucket.s3.amazonaws.com/photos/cat.jpg", b"", {}
    )
    listing, _ = _signed(
        S3SigV4Auth, "s3", "GET",
        "https://bucket.s3.amazonaws.com/?list-type=2&prefix=photos%2F2026%20nov&max-keys=50", b"", {},
    )  # fmt: skip
    iam_hash = hashlib.sha256(iam_body).hexdigest()
    return [
        Case("iam ListUsers (POST form)", SigV4Auth, "iam", iam, iam_body, iam_hash),
        Case("s3 GetObject", S3SigV4Auth, "s3", get, b"", None),
        Case("s3 ListObjectsV2 (query)", S3SigV4Auth, "s3", listing, b"", None),
    ]


def rolegate_batch(case: Case, parse: bool) -> Callable[[int], Callable[[], object]]:
    verifier = SigV4Verifier()
    secret = CREDS.secret_key
    request, body_hash = case.request, case.body_hash
    parsed = parse_auth(request)
    assert parsed is not None

    def make(reps: int) -> Callable[[], object]:
        def run() -> None:
            for _ in range(reps):
                auth = parse_auth(request) if parse else parsed
                verifier.verify(auth, request, secret, body_hash, SIGNED_AT)  # type: ignore[arg-type]

        return run

    return make


def botocore_batch(case: Case) -> Callable[[int], Callable[[], object]]:
    request = case.request
    authorization = next(v for k, v in request.headers if k == b"authorization").decode()
    provided = authorization[-64:]
    # Only the signed headers go into the rebuilt request (SigV4Auth signs all it is given); the
    # Authorization header is parsed once here, which favours botocore a little.
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    headers = {k.decode(): v.decode() for k, v in request.headers if k.decode() in signed}
    url = "https://" + headers["host"] + request.raw_path.decode()
    if request.query_string:
        url += "?" + request.query_string.decode()
    signer = case.signer(CREDS, case.service, "us-east-1")
    timestamp = SIGNED_AT.strftime("%Y%m%dT%H%M%SZ")

    def make(reps: int) -> Callable[[], object]:
        def run() -> None:
            for _ in range(reps):
                rebuilt = AWSRequest(request.method, url, data=case.body, headers=headers)
                rebuilt.context["timestamp"] = timestamp
                canonical = signer.canonical_request(rebuilt)
                signature = signer.signature(signer.string_to_sign(rebuilt, canonical), rebuilt)
                if not hmac.compare_digest(signature, provided):
                    raise AssertionError("botocore did not reproduce the signature")

        return run

    return make


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="few samples: a smoke run")
    args = parser.parse_args(argv)
    budget: Budget = QUICK if args.quick else FULL
    for case in cases():
        try:
            rolegate_batch(case, True)(1)()
            botocore_batch(case)(1)()
        except Exception as error:  # any failure is a wrong answer
            print(f"{case.name}: does not verify: {error!r}", file=sys.stderr)
            return 1
        full, verify_only, boto = measure_together(
            [
                (rolegate_batch(case, True), 1),
                (rolegate_batch(case, False), 1),
                (botocore_batch(case), 1),
            ],
            budget,
        )
        print(f"{case.name}")
        print(
            f"  rolegate parse_auth + verify  {full.median_us:7.2f} µs  (p90 {full.p90_us:.2f}, min {full.min_us:.2f})"
        )
        print(
            f"  rolegate verify only          {verify_only.median_us:7.2f} µs  (p90 {verify_only.p90_us:.2f}, min {verify_only.min_us:.2f})"
        )
        print(
            f"  botocore SigV4Auth recompute  {boto.median_us:7.2f} µs  (p90 {boto.p90_us:.2f}, min {boto.min_us:.2f})"
        )
        print(f"  speed-up (parse + verify)     {boto.median_us / full.median_us:7.1f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
