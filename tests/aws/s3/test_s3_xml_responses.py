"""S3 response bodies read back by botocore's own rest-xml parser, field by field."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import botocore.session
import pytest
from botocore.handlers import decode_list_object, decode_list_object_v2
from botocore.parsers import create_parser

from rolegate.aws.errors import AwsError
from rolegate.aws.s3 import xml
from rolegate.aws.s3.checksums import ChecksumAlgorithm, ChecksumValue
from rolegate.aws.s3.errors import S3Error, invalid_bucket_name, method_not_allowed

MODEL = botocore.session.get_session().get_service_model("s3")
WHEN = datetime(2026, 11, 28, 9, 0, 0, 123456, tzinfo=UTC)
LATER = datetime(2026, 11, 29, 10, 30, 5, tzinfo=UTC)
OWNER = xml.Owner("75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a")
ODD_KEY = 'photos/2026 a+b/€ & <"x">\r\n\tend'
WHEN_MS = WHEN.replace(microsecond=123000)


def parse(operation: str, body: bytes, status: int = 200) -> dict[str, Any]:
    shape = MODEL.operation_model(operation).output_shape
    parsed: dict[str, Any] = create_parser("rest-xml").parse(
        {"body": body, "headers": {}, "status_code": status}, shape
    )
    parsed.pop("ResponseMetadata", None)
    return parsed


def test_list_all_my_buckets_result() -> None:
    body = xml.list_all_my_buckets_result(
        [xml.BucketEntry("alpha", WHEN, "eu-west-1"), xml.BucketEntry("beta", LATER)],
        xml.Owner("owner-id", "display"),
        continuation_token="tok",
        prefix="a",
    )
    assert body.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns='
    )
    assert parse("ListBuckets", body) == {
        "Buckets": [
            {"Name": "alpha", "CreationDate": WHEN_MS, "BucketRegion": "eu-west-1"},
            {"Name": "beta", "CreationDate": LATER},
        ],
        "Owner": {"ID": "owner-id", "DisplayName": "display"},
        "ContinuationToken": "tok",
        "Prefix": "a",
    }


def test_list_all_my_buckets_result_when_there_are_none() -> None:
    assert parse("ListBuckets", xml.list_all_my_buckets_result([], OWNER)) == {
        "Buckets": [],
        "Owner": {"ID": OWNER.id},
    }


ENTRY = xml.ObjectEntry(
    ODD_KEY,
    WHEN,
    "d41d8cd98f00b204e9800998ecf8427e",
    1234,
    owner_id=OWNER.id,
    checksum_algorithm=ChecksumAlgorithm.CRC64NVME,
    checksum_type="FULL_OBJECT",
)
PLAIN_ENTRY = xml.ObjectEntry("b", LATER, '"0123"', 0, storage_class="GLACIER")


def test_list_bucket_result_v1() -> None:
    body = xml.list_bucket_result_v1(
        bucket="bkt",
        prefix="photos/",
        marker="m",
        max_keys=2,
        is_truncated=True,
        contents=[ENTRY, PLAIN_ENTRY],
        common_prefixes=["photos/2026/", "photos/2027/"],
        delimiter="/",
        next_marker="photos/2027/",
    )
    assert parse("ListObjects", body) == {
        "Name": "bkt",
        "Prefix": "photos/",
        "Marker": "m",
        "NextMarker": "photos/2027/",
        "MaxKeys": 2,
        "Delimiter": "/",
        "IsTruncated": True,
        "Contents": [
            {
                "Key": ODD_KEY,
                "LastModified": WHEN_MS,
                "ETag": '"d41d8cd98f00b204e9800998ecf8427e"',
                "ChecksumAlgorithm": ["CRC64NVME"],
                "ChecksumType": "FULL_OBJECT",
                "Size": 1234,
                "Owner": {"ID": OWNER.id},
                "StorageClass": "STANDARD",
            },
            {
                "Key": "b",
                "LastModified": LATER,
                "ETag": '"0123"',
                "Size": 0,
                "StorageClass": "GLACIER",
            },
        ],
        "CommonPrefixes": [{"Prefix": "photos/2026/"}, {"Prefix": "photos/2027/"}],
    }


def test_list_bucket_result_v2() -> None:
    body = xml.list_bucket_result_v2(
        bucket="bkt",
        prefix="",
        max_keys=1000,
        is_truncated=True,
        contents=[PLAIN_ENTRY],
        common_prefixes=["p/"],
        delimiter="/",
        continuation_token="c1",
        next_continuation_token="c2",
        start_after="a",
    )
    assert parse("ListObjectsV2", body) == {
        "Name": "bkt",
        "Prefix": "",
        "StartAfter": "a",
        "ContinuationToken": "c1",
        "NextContinuationToken": "c2",
        "KeyCount": 2,
        "MaxKeys": 1000,
        "Delimiter": "/",
        "IsTruncated": True,
        "Contents": [
            {
                "Key": "b",
                "LastModified": LATER,
                "ETag": '"0123"',
                "Size": 0,
                "StorageClass": "GLACIER",
            }
        ],
        "CommonPrefixes": [{"Prefix": "p/"}],
    }


def test_an_empty_v2_page_has_no_contents() -> None:
    body = xml.list_bucket_result_v2(
        bucket="bkt", prefix="none/", max_keys=1000, is_truncated=False, contents=[]
    )
    assert parse("ListObjectsV2", body) == {
        "Name": "bkt",
        "Prefix": "none/",
        "KeyCount": 0,
        "MaxKeys": 1000,
        "IsTruncated": False,
    }


# S3's encoding as measured (https://github.com/brekkylab/backlot/issues/178): space is +, + is
# %2B, % is %25, / stays, UTF-8 is %XX.
ENCODED = {
    "a b.txt": "a+b.txt",
    "a+b.txt": "a%2Bb.txt",
    "100%.csv": "100%25.csv",
    "한글/x.txt": "%ED%95%9C%EA%B8%80/x.txt",
}


def test_encoding_type_url_encodes_keys_as_s3_does() -> None:
    keys = list(ENCODED)
    body = xml.list_bucket_result_v2(
        bucket="bkt",
        prefix="a b/",
        max_keys=10,
        is_truncated=False,
        contents=[xml.ObjectEntry(key, WHEN, "e", 1) for key in keys],
        common_prefixes=["run books/"],
        delimiter="/",
        start_after="x y",
        continuation_token="to+ken",
        encoding_type=xml.EncodingType.URL,
    )
    parsed = parse("ListObjectsV2", body)
    assert [entry["Key"] for entry in parsed["Contents"]] == list(ENCODED.values())
    assert parsed["CommonPrefixes"] == [{"Prefix": "run+books/"}]
    assert (parsed["Prefix"], parsed["StartAfter"], parsed["Delimiter"]) == ("a+b/", "x+y", "/")
    assert parsed["ContinuationToken"] == "to+ken"  # opaque: never encoded
    assert parsed["EncodingType"] == "url"
    # botocore undoes the encoding it asked for itself: the keys come back whole.
    decode_list_object_v2(parsed, {"encoding_type_auto_set": True})
    assert [entry["Key"] for entry in parsed["Contents"]] == keys
    assert parsed["StartAfter"] == "x y"


def test_encoding_type_url_in_v1_covers_markers() -> None:
    body = xml.list_bucket_result_v1(
        bucket="bkt",
        prefix="",
        marker="a b",
        max_keys=1,
        is_truncated=True,
        contents=[xml.ObjectEntry("c+d", WHEN, "e", 1)],
        delimiter="/",
        next_marker="c+d",
        encoding_type=xml.EncodingType.URL,
    )
    parsed = parse("ListObjects", body)
    assert (parsed["Marker"], parsed["NextMarker"], parsed["Contents"][0]["Key"]) == (
        "a+b",
        "c%2Bd",
        "c%2Bd",
    )
    decode_list_object(parsed, {"encoding_type_auto_set": True})
    assert (parsed["Marker"], parsed["NextMarker"], parsed["Contents"][0]["Key"]) == (
        "a b",
        "c+d",
        "c+d",
    )


def test_location_constraint() -> None:
    # botocore reads this one by hand (handlers.parse_get_bucket_location): the root's text.
    assert ET.fromstring(xml.location_constraint("eu-west-1")).text == "eu-west-1"
    root = ET.fromstring(xml.location_constraint("us-east-1"))
    assert root.text is None
    assert root.tag == "{http://s3.amazonaws.com/doc/2006-03-01/}LocationConstraint"


def test_copy_object_result() -> None:
    body = xml.copy_object_result(
        etag="9b2cf535f27731c974343645a3985328",
        last_modified=WHEN,
        checksum=ChecksumValue(ChecksumAlgorithm.CRC32C, "sOO8/Q=="),
        checksum_type="FULL_OBJECT",
    )
    assert parse("CopyObject", body) == {
        "CopyObjectResult": {
            "ETag": '"9b2cf535f27731c974343645a3985328"',
            "LastModified": WHEN_MS,
            "ChecksumType": "FULL_OBJECT",
            "ChecksumCRC32C": "sOO8/Q==",
        }
    }


def test_copy_part_result() -> None:
    body = xml.copy_part_result(
        etag='"abc"', last_modified=LATER, checksum=ChecksumValue(ChecksumAlgorithm.SHA1, "c2hh")
    )
    assert parse("UploadPartCopy", body) == {
        "CopyPartResult": {"ETag": '"abc"', "LastModified": LATER, "ChecksumSHA1": "c2hh"}
    }


def test_delete_result() -> None:
    body = xml.delete_result(
        [
            xml.DeletedEntry(ODD_KEY),
            xml.DeletedEntry("v", version_id="3", delete_marker=True, delete_marker_version_id="4"),
        ],
        [xml.DeleteErrorEntry("locked", "AccessDenied", "Access Denied", version_id="9")],
    )
    assert parse("DeleteObjects", body) == {
        "Deleted": [
            {"Key": ODD_KEY},
            {"Key": "v", "VersionId": "3", "DeleteMarker": True, "DeleteMarkerVersionId": "4"},
        ],
        "Errors": [
            {"Key": "locked", "VersionId": "9", "Code": "AccessDenied", "Message": "Access Denied"}
        ],
    }
    assert parse("DeleteObjects", xml.delete_result([], [])) == {}


def test_initiate_multipart_upload_result() -> None:
    body = xml.initiate_multipart_upload_result(bucket="bkt", key=ODD_KEY, upload_id="up/+1")
    assert parse("CreateMultipartUpload", body) == {
        "Bucket": "bkt",
        "Key": ODD_KEY,
        "UploadId": "up/+1",
    }


def test_complete_multipart_upload_result() -> None:
    body = xml.complete_multipart_upload_result(
        location="http://bkt.localhost:4566/k",
        bucket="bkt",
        key="k",
        etag="3858f62230ac3c915f300c664312c11f-9",
        checksum=ChecksumValue(ChecksumAlgorithm.CRC64NVME, "AAAAAAAAAAA="),
        checksum_type="FULL_OBJECT",
    )
    assert parse("CompleteMultipartUpload", body) == {
        "Location": "http://bkt.localhost:4566/k",
        "Bucket": "bkt",
        "Key": "k",
        "ETag": '"3858f62230ac3c915f300c664312c11f-9"',
        "ChecksumCRC64NVME": "AAAAAAAAAAA=",
        "ChecksumType": "FULL_OBJECT",
    }


def test_list_parts_result() -> None:
    body = xml.list_parts_result(
        bucket="bkt",
        key="k",
        upload_id="u",
        initiator=xml.Owner("arn:aws:iam::111122223333:user/alice", "alice"),
        owner=OWNER,
        part_number_marker=1,
        next_part_number_marker=3,
        max_parts=2,
        is_truncated=True,
        parts=[
            xml.PartEntry(2, WHEN, "7778aef83f66abc1fa1e8477f296d394", 10485760),
            xml.PartEntry(
                3, LATER, '"aaa"', 5, checksum=ChecksumValue(ChecksumAlgorithm.CRC32, "AAAAAA==")
            ),
        ],
        checksum_algorithm=ChecksumAlgorithm.CRC32,
        checksum_type="COMPOSITE",
    )
    assert parse("ListParts", body) == {
        "Bucket": "bkt",
        "Key": "k",
        "UploadId": "u",
        "Initiator": {"ID": "arn:aws:iam::111122223333:user/alice", "DisplayName": "alice"},
        "Owner": {"ID": OWNER.id},
        "StorageClass": "STANDARD",
        "PartNumberMarker": 1,
        "NextPartNumberMarker": 3,
        "MaxParts": 2,
        "IsTruncated": True,
        "ChecksumAlgorithm": "CRC32",
        "ChecksumType": "COMPOSITE",
        "Parts": [
            {
                "PartNumber": 2,
                "LastModified": WHEN_MS,
                "ETag": '"7778aef83f66abc1fa1e8477f296d394"',
                "Size": 10485760,
            },
            {
                "PartNumber": 3,
                "LastModified": LATER,
                "ETag": '"aaa"',
                "Size": 5,
                "ChecksumCRC32": "AAAAAA==",
            },
        ],
    }


def test_list_multipart_uploads_result() -> None:
    upload = xml.UploadEntry(
        "a b",
        "up1",
        WHEN,
        initiator=xml.Owner("init"),
        owner=OWNER,
        checksum_algorithm=ChecksumAlgorithm.SHA256,
        checksum_type="COMPOSITE",
    )
    body = xml.list_multipart_uploads_result(
        bucket="bkt",
        key_marker="",
        upload_id_marker="",
        max_uploads=3,
        is_truncated=True,
        uploads=[upload],
        common_prefixes=["photos/"],
        prefix="",
        delimiter="/",
        next_key_marker="a b",
        next_upload_id_marker="up1",
    )
    assert parse("ListMultipartUploads", body) == {
        "Bucket": "bkt",
        "KeyMarker": "",
        "UploadIdMarker": "",
        "NextKeyMarker": "a b",
        "NextUploadIdMarker": "up1",
        "Delimiter": "/",
        "Prefix": "",
        "MaxUploads": 3,
        "IsTruncated": True,
        "Uploads": [
            {
                "Key": "a b",
                "UploadId": "up1",
                "Initiator": {"ID": "init"},
                "Owner": {"ID": OWNER.id},
                "StorageClass": "STANDARD",
                "Initiated": WHEN_MS,
                "ChecksumAlgorithm": "SHA256",
                "ChecksumType": "COMPOSITE",
            }
        ],
        "CommonPrefixes": [{"Prefix": "photos/"}],
    }
    encoded = xml.list_multipart_uploads_result(
        bucket="bkt",
        key_marker="k m",
        upload_id_marker="",
        max_uploads=3,
        is_truncated=False,
        uploads=[upload],
        encoding_type=xml.EncodingType.URL,
    )
    parsed = parse("ListMultipartUploads", encoded)
    assert (parsed["KeyMarker"], parsed["Uploads"][0]["Key"], parsed["EncodingType"]) == (
        "k+m",
        "a+b",
        "url",
    )


# --- errors ---------------------------------------------------------------------------------------


def test_error_body_in_s3s_shape() -> None:
    body = xml.error_body(
        invalid_bucket_name("Bad_Name"), "4442587FB7D0A2F9", "/Bad_Name", host_id="aG9zdA=="
    )
    assert body == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidBucketName</Code>'
        b"<Message>The specified bucket is not valid.</Message><BucketName>Bad_Name</BucketName>"
        b"<Resource>/Bad_Name</Resource><RequestId>4442587FB7D0A2F9</RequestId>"
        b"<HostId>aG9zdA==</HostId></Error>"
    )
    # botocore takes RequestId and HostId from the x-amz-request-id and x-amz-id-2 headers and
    # drops them from the body; the exact bytes above show them there.
    assert parse("HeadBucket", body, status=400)["Error"] == {
        "Code": "InvalidBucketName",
        "Message": "The specified bucket is not valid.",
        "BucketName": "Bad_Name",
        "Resource": "/Bad_Name",
    }


def test_error_body_of_a_plain_aws_error_and_of_extra_elements() -> None:
    denied = AwsError("AccessDenied", "Access Denied", 403)
    plain = parse("GetObject", xml.error_body(denied, "r", None), 403)
    assert plain["Error"] == {"Code": "AccessDenied", "Message": "Access Denied"}
    root = ET.fromstring(xml.error_body(denied, "r", None))
    assert [child.tag for child in root] == ["Code", "Message", "RequestId", "HostId"]
    error = method_not_allowed("POST", "OBJECT")
    detailed = parse("GetObject", xml.error_body(error, "r2", "/b/k & <x>"), 405)["Error"]
    assert (detailed["Method"], detailed["ResourceType"], detailed["Resource"]) == (
        "POST",
        "OBJECT",
        "/b/k & <x>",
    )
    own = S3Error("NoSuchKey", "The specified key does not exist.", 404, key="k", resource="/b/k")
    parsed = parse("GetObject", xml.error_body(own, "r3", "/ignored"), 404)["Error"]
    assert (parsed["Key"], parsed["Resource"]) == ("k", "/b/k")


# --- writer and times ---------------------------------------------------------------------------


def test_escape_keeps_what_parsers_would_alter() -> None:
    text = 'a&b<c>"d"\re\nf\tg\x01h'
    escaped = xml.escape(text)
    assert escaped == "a&amp;b&lt;c&gt;&quot;d&quot;&#13;e\nf\tg&#1;h"
    assert xml.escape("plain text, ünïcode") == "plain text, ünïcode"
    # The CR survives a parse as a reference; a raw one would come back as LF.
    carriage = "a\rb"
    assert ET.fromstring("<k>" + xml.escape(carriage) + "</k>").text == carriage
    assert xml.element("Key", "<k>") == "<Key>&lt;k&gt;</Key>"


def test_iso_timestamps_and_http_dates() -> None:
    assert xml.iso_timestamp(datetime(2026, 11, 28, 9, 0, tzinfo=UTC)) == "2026-11-28T09:00:00.000Z"
    assert xml.iso_timestamp(WHEN) == "2026-11-28T09:00:00.123Z"
    assert xml.http_date(datetime(2026, 11, 28, 9, 0, 0, 999999, tzinfo=UTC)) == (
        "Sat, 28 Nov 2026 09:00:00 GMT"
    )
    plus_two = timezone(timedelta(hours=2))
    assert xml.http_date(datetime(2026, 1, 1, 1, 0, tzinfo=plus_two)) == (
        "Wed, 31 Dec 2025 23:00:00 GMT"
    )
    assert xml.iso_timestamp(datetime(2026, 1, 1, 1, 0, tzinfo=plus_two)) == (
        "2025-12-31T23:00:00.000Z"
    )
    assert xml.http_date(datetime(2026, 11, 28, 9, 0)) == "Sat, 28 Nov 2026 09:00:00 GMT"


@pytest.mark.parametrize("day", range(7))
def test_http_dates_name_every_weekday_in_english(day: int) -> None:
    moment = datetime(2026, 11, 23, tzinfo=UTC) + timedelta(days=day)  # a Monday onward
    assert xml.http_date(moment) == format_datetime(moment, usegmt=True)
