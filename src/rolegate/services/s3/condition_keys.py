"""The S3 condition keys a request carries beyond the global ones (services/request_context.py).

A key a request does not carry makes a plain condition on it false, so a Deny written on it does
not apply: each documented key rolegate left out was a Deny that never fired. These are the
documented keys whose values rolegate knows:

- Authentication (API/bucket-policy-s3-sigv4-conditions.html), for signed requests only:
  `s3:authType` (REST-HEADER, or REST-QUERY-STRING for a presigned URL), `s3:signatureversion`
  (AWS4-HMAC-SHA256: rolegate takes no other), `s3:signatureAge` (milliseconds since the
  signature's X-Amz-Date; "this condition works only for presigned URLs"), and
  `s3:x-amz-content-sha256` (the header; "this condition key doesn't support
  x-amz-content-sha256 as a query string parameter"). The page's own example, "deny any presigned
  URL request on objects if the signature is more than 10 minutes old", is
  `NumericGreaterThan s3:signatureAge 600000`.
- Object writes (userguide/amazon-s3-policy-keys.html, service-authorization list_amazons3.html
  for s3:PutObject): the request headers `x-amz-acl`, `x-amz-grant-*`,
  `x-amz-server-side-encryption[-aws-kms-key-id]`, `x-amz-storage-class`,
  `x-amz-website-redirect-location`, `x-amz-metadata-directive`, and `x-amz-copy-source` as
  `bucket/key` ("Restrict object copy to a specific source": `StringNotLike
  s3:x-amz-copy-source amzn-s3-demo-source-bucket/public/*`).
- The resource's owner: `aws:ResourceAccount` (UG/reference_policies_condition-keys.html, "the
  resource owner's AWS account ID") and `s3:ResourceAccount` (list_amazons3.html), the account
  that owns the bucket; data-perimeter policies are written on it ("Deny ... StringNotEquals
  aws:ResourceAccount [our accounts]"), and without it they denied everything or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from rolegate.aws.sigv4 import SignedAuth
from rolegate.model import Bucket
from rolegate.services.s3.copy_source import parse_copy_source

SIGV4 = "AWS4-HMAC-SHA256"
_WRITES = frozenset({"PutObject", "CopyObject", "CreateMultipartUpload"})
_WRITE_HEADERS = (
    "x-amz-acl",
    "x-amz-grant-full-control",
    "x-amz-grant-read",
    "x-amz-grant-read-acp",
    "x-amz-grant-write",
    "x-amz-grant-write-acp",
    "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id",
    "x-amz-storage-class",
    "x-amz-website-redirect-location",
    "x-amz-metadata-directive",
)


def resource_account_context(bucket: Bucket) -> dict[str, object]:
    return {"aws:ResourceAccount": bucket.account_id, "s3:ResourceAccount": bucket.account_id}


def signature_context(auth: SignedAuth, now: datetime) -> dict[str, object]:
    context: dict[str, object] = {"s3:signatureversion": SIGV4}
    if auth.presigned:
        context["s3:authType"] = "REST-QUERY-STRING"
        age = now - auth.amz_date
        context["s3:signatureAge"] = str(max(0, int(age.total_seconds() * 1000)))
    else:
        context["s3:authType"] = "REST-HEADER"
        if auth.payload_hash is not None:
            context["s3:x-amz-content-sha256"] = auth.payload_hash
    return context


def write_context(operation: str, headers: Mapping[str, str]) -> dict[str, object]:
    """The object-write keys of `operation` (empty for any other operation)."""
    if operation not in _WRITES:
        return {}
    context: dict[str, object] = {}
    for name in _WRITE_HEADERS:
        value = headers.get(name)
        if value is not None:
            context[f"s3:{name}"] = value
    if operation == "CopyObject":
        context["s3:x-amz-copy-source"] = parse_copy_source(
            headers.get("x-amz-copy-source")
        ).condition_value
    return context
