"""Bucket operations (API_CreateBucket.html, API_DeleteBucket.html, API_HeadBucket.html, ...)."""

from __future__ import annotations

import secrets

from rolegate.aws.errors import AwsError
from rolegate.aws.s3.errors import S3Error
from rolegate.aws.s3.routing import check_bucket_name
from rolegate.aws.s3.xml import parse_create_bucket_configuration
from rolegate.aws.s3.xml_listings import BucketEntry, list_all_my_buckets_result
from rolegate.aws.s3.xml_results import location_constraint
from rolegate.model import Bucket, PrincipalBinding
from rolegate.policy.dialects import S3 as S3_DIALECT
from rolegate.policy.errors import PolicyValidationError
from rolegate.policy.kinds import PolicyKind
from rolegate.policy.parser import parse_policy
from rolegate.services.s3.body_limits import BUCKET_POLICY_LIMIT, CREATE_BUCKET_LIMIT
from rolegate.services.s3.call import S3Call, S3Reply
from rolegate.services.s3.errors import no_such_bucket
from rolegate.services.s3.service import S3Service, canonical_owner
from rolegate.services.s3.unserved import refuse_object_lock_bucket
from rolegate.store import AlreadyExists
from rolegate.store.objects import BucketNotEmpty, NoSuchBucket

XML = "application/xml"


async def list_buckets(svc: S3Service, call: S3Call) -> S3Reply:
    buckets = svc.objects.list_buckets(call.caller.account_id)
    entries = [BucketEntry(b.name, b.created, b.region) for b in buckets]
    body = list_all_my_buckets_result(entries, canonical_owner(call.caller.account_id))
    return S3Reply(200, [], body, XML)


async def create_bucket(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket_name is not None
    check_bucket_name(call.bucket_name)
    refuse_object_lock_bucket(call.headers)
    config = parse_create_bucket_configuration(await call.body.read_all(CREATE_BUCKET_LIMIT))
    constraint = config.location_constraint
    # us-east-1 takes no LocationConstraint; any other region must match the endpoint's.
    region = constraint or "us-east-1"
    if constraint == "us-east-1" or region != svc.region:
        if constraint is None and svc.region != "us-east-1":
            region = svc.region
        else:
            raise S3Error(
                "InvalidLocationConstraint"
                if constraint == "us-east-1"
                else "IllegalLocationConstraintException",
                "The specified location-constraint is not valid"
                if constraint == "us-east-1"
                else f"The {constraint} location constraint is incompatible for the region "
                "specific endpoint this request was sent to.",
                400,
            )
    # A fresh id: whatever is in flight against a bucket this name had before is not for this one.
    bucket = Bucket(
        call.bucket_name, call.caller.account_id, region, call.now, bucket_id=secrets.token_hex(16)
    )
    try:
        svc.objects.create_bucket(bucket)
    except AlreadyExists:
        existing = svc.objects.get_bucket(call.bucket_name)
        if existing is not None and existing.account_id == call.caller.account_id:
            if existing.region == "us-east-1":
                # us-east-1 answers 200 to its owner re-creating a bucket (API_CreateBucket.html).
                return S3Reply(200, [("Location", f"/{call.bucket_name}")])
            raise S3Error(
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already "
                "own it.",
                409,
                bucket_name=call.bucket_name,
            ) from None
        raise S3Error(
            "BucketAlreadyExists",
            "The requested bucket name is not available. The bucket namespace is shared by all "
            "users of the system. Please select a different name and try again.",
            409,
            bucket_name=call.bucket_name,
        ) from None
    return S3Reply(200, [("Location", f"/{call.bucket_name}")])


async def head_bucket(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket is not None
    return S3Reply(200, [("x-amz-bucket-region", call.bucket.region)])


async def delete_bucket(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket_name is not None
    try:
        svc.objects.delete_bucket(call.bucket_name, call.bucket)
    except BucketNotEmpty:
        raise S3Error(
            "BucketNotEmpty",
            "The bucket you tried to delete is not empty",
            409,
            bucket_name=call.bucket_name,
        ) from None
    except NoSuchBucket:
        raise no_such_bucket(call.bucket_name) from None
    return S3Reply(204)


async def get_bucket_location(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket is not None
    return S3Reply(200, [], location_constraint(call.bucket.region), XML)


async def put_bucket_policy(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket_name is not None
    text = (await call.body.read_all(BUCKET_POLICY_LIMIT)).decode("utf-8", errors="replace")
    try:
        parse_policy(text, PolicyKind.RESOURCE)
    except PolicyValidationError as error:
        # S3 answers MalformedPolicy with its own texts (the engine's S3 dialect).
        raise AwsError("MalformedPolicy", error.message, 400) from None
    # Users and roles named by ARN are kept with their unique ids; one that does not exist is
    # MalformedPolicy "Invalid principal in policy" (services/principal_bindings.py).
    principals = svc.principals.bind(text, S3_DIALECT)
    _set_policy(svc, call, text, principals)
    return S3Reply(204)


def _set_policy(
    svc: S3Service, call: S3Call, text: str | None, principals: tuple[PrincipalBinding, ...]
) -> None:
    """On the bucket the request was authorized against only: once its body is read, the bucket
    may have been deleted and the name taken by another account, whose bucket it must not touch."""
    assert call.bucket_name is not None
    try:
        svc.objects.set_bucket_policy(call.bucket_name, text, principals, call.bucket)
    except NoSuchBucket:
        raise no_such_bucket(call.bucket_name) from None


async def get_bucket_policy(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket is not None
    if call.bucket.policy is None:
        raise S3Error(
            "NoSuchBucketPolicy",
            "The bucket policy does not exist",
            404,
            bucket_name=call.bucket.name,
        )
    # A user or role deleted since the policy named it shows as its unique id, as in AWS.
    shown = svc.principals.resolve(call.bucket.policy, call.bucket.policy_principals)
    return S3Reply(200, [], shown.encode(), "application/json")


async def delete_bucket_policy(svc: S3Service, call: S3Call) -> S3Reply:
    assert call.bucket_name is not None
    _set_policy(svc, call, None, ())
    return S3Reply(204)
