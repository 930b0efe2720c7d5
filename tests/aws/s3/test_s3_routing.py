"""S3 routing: requests as botocore builds them resolve to the operation, bucket and key it meant."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import botocore.session
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from hypothesis import given
from hypothesis import strategies as st

from rolegate.aws.s3 import operations
from rolegate.aws.s3.errors import S3Error
from rolegate.aws.s3.routing import S3Target, check_bucket_name, parse_query, resolve

BASE_HOSTS = ("localhost:4566",)
S3_MODEL = botocore.session.get_session().get_service_model("s3")
ODD_KEY = "a b/c+d/../é//x%2F?#=&;~*'!"


def route(method: str, url: str, copy_source: bool = False) -> S3Target:
    parts = urlsplit(url)
    return resolve(
        method,
        parts.path.encode("ascii"),
        parse_query(parts.query.encode("ascii")),
        parts.netloc,
        BASE_HOSTS,
        copy_source=copy_source,
    )


# --- against botocore's own requests --------------------------------------------------------------


class _EmptyBody:
    def stream(self, *args: object, **kwargs: object) -> Iterator[bytes]:
        return iter([b""])

    def read(self, *args: object, **kwargs: object) -> bytes:
        return b""


def _client(addressing: str, endpoint: str | None) -> tuple[Any, list[AWSPreparedRequest]]:
    sent: list[AWSPreparedRequest] = []

    def capture(request: AWSPreparedRequest, **kwargs: object) -> AWSResponse:
        sent.append(request)
        return AWSResponse(request.url, 200, {}, _EmptyBody())

    client = botocore.session.get_session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(s3={"addressing_style": addressing}, retries={"max_attempts": 1}),
    )
    client.meta.events.register("before-send", capture)
    return client, sent


# (operation, parameters): every operation the issue names, and a few it does not.
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("ListBuckets", {}),
    ("CreateBucket", {"Bucket": "bkt"}),
    ("HeadBucket", {"Bucket": "bkt"}),
    ("DeleteBucket", {"Bucket": "bkt"}),
    ("GetBucketLocation", {"Bucket": "bkt"}),
    ("PutBucketPolicy", {"Bucket": "bkt", "Policy": "{}"}),
    ("GetBucketPolicy", {"Bucket": "bkt"}),
    ("DeleteBucketPolicy", {"Bucket": "bkt"}),
    ("ListObjects", {"Bucket": "bkt", "Prefix": "a+b"}),
    ("ListObjectsV2", {"Bucket": "bkt", "StartAfter": "x"}),
    ("ListMultipartUploads", {"Bucket": "bkt"}),
    ("DeleteObjects", {"Bucket": "bkt", "Delete": {"Objects": [{"Key": "k"}]}}),
    ("PutObject", {"Bucket": "bkt", "Key": ODD_KEY, "Body": b"x"}),
    ("CopyObject", {"Bucket": "bkt", "Key": ODD_KEY, "CopySource": "src/k"}),
    ("GetObject", {"Bucket": "bkt", "Key": ODD_KEY}),
    ("HeadObject", {"Bucket": "bkt", "Key": ODD_KEY}),
    ("DeleteObject", {"Bucket": "bkt", "Key": ODD_KEY}),
    ("CreateMultipartUpload", {"Bucket": "bkt", "Key": ODD_KEY}),
    ("UploadPart", {"Bucket": "bkt", "Key": ODD_KEY, "UploadId": "u", "PartNumber": 1}),
    (
        "UploadPartCopy",
        {"Bucket": "bkt", "Key": ODD_KEY, "UploadId": "u", "PartNumber": 2, "CopySource": "s/k"},
    ),
    (
        "CompleteMultipartUpload",
        {
            "Bucket": "bkt",
            "Key": ODD_KEY,
            "UploadId": "u",
            "MultipartUpload": {"Parts": [{"PartNumber": 1, "ETag": '"e"'}]},
        },
    ),
    ("AbortMultipartUpload", {"Bucket": "bkt", "Key": ODD_KEY, "UploadId": "u"}),
    ("ListParts", {"Bucket": "bkt", "Key": ODD_KEY, "UploadId": "u"}),
    ("GetBucketAcl", {"Bucket": "bkt"}),
    ("PutBucketTagging", {"Bucket": "bkt", "Tagging": {"TagSet": []}}),
    ("GetBucketVersioning", {"Bucket": "bkt"}),
    ("ListObjectVersions", {"Bucket": "bkt"}),
    ("DeleteBucketLifecycle", {"Bucket": "bkt"}),
    ("ListBucketMetricsConfigurations", {"Bucket": "bkt"}),
    ("GetBucketMetricsConfiguration", {"Bucket": "bkt", "Id": "m"}),
    ("GetObjectTagging", {"Bucket": "bkt", "Key": ODD_KEY}),
    ("PutObjectAcl", {"Bucket": "bkt", "Key": ODD_KEY, "ACL": "private"}),
    ("GetObjectAttributes", {"Bucket": "bkt", "Key": "k", "ObjectAttributes": ["ETag"]}),
    ("RestoreObject", {"Bucket": "bkt", "Key": "k"}),
]

_ADDRESSING = [
    ("path", "http://localhost:4566"),
    ("virtual", "http://localhost:4566"),
    ("virtual", None),  # the real endpoint: bkt.s3.amazonaws.com
    ("path", None),  # s3.amazonaws.com/bkt
]


@pytest.mark.parametrize(("addressing", "endpoint"), _ADDRESSING)
def test_every_botocore_request_routes_to_its_operation(
    addressing: str, endpoint: str | None
) -> None:
    client, sent = _client(addressing, endpoint)
    for operation, params in CALLS:
        call: Callable[..., Any] = getattr(client, botocore.xform_name(operation))
        # The empty 200 answer is one some operations cannot parse: irrelevant here.
        with contextlib.suppress(Exception):
            call(**params)
        request = sent[-1]
        copy_source = "x-amz-copy-source" in request.headers
        target = route(request.method, request.url, copy_source)
        expected_key = params.get("Key")
        expected_bucket = params.get("Bucket")
        assert target == S3Target(operation, expected_bucket, expected_key), request.url


def test_every_named_operation_is_one_of_botocores() -> None:
    names = set(operations.BUCKET_PLAIN.values()) | set(operations.OBJECT_PLAIN.values())
    for table in (operations.BUCKET_SUBRESOURCES, operations.OBJECT_SUBRESOURCES):
        for by_method in table.values():
            names |= set(by_method.values())
    names |= set(operations.CONFIGURATION_LISTS.values())
    names |= {"ListBuckets", "ListObjectsV2", "CopyObject", "UploadPartCopy"}
    assert names <= set(S3_MODEL.operation_names), names - set(S3_MODEL.operation_names)


# --- keys -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "bucket", "key"),
    [
        ("/bkt", "bkt", None),
        ("/bkt/", "bkt", None),
        ("/bkt//a", "bkt", "/a"),
        ("/bkt/a//b/", "bkt", "a//b/"),
        ("/bkt/../x/./y", "bkt", "../x/./y"),
        ("/bkt/a+b", "bkt", "a+b"),
        ("/bkt/a%2Bb%20c", "bkt", "a+b c"),
        ("/bkt/a%2Fb", "bkt", "a/b"),
        ("/bkt/%E2%82%AC%25", "bkt", "€%"),
        ("/bkt/caf\u00e9".encode().decode("latin-1"), "bkt", "café"),
    ],
)
def test_path_style_keys_are_taken_as_sent(path: str, bucket: str, key: str | None) -> None:
    raw = path.encode("latin-1")
    target = resolve("GET", raw, {}, "localhost:4566", BASE_HOSTS)
    assert (target.bucket, target.key) == (bucket, key)


@pytest.mark.parametrize(
    ("host", "path", "bucket", "key"),
    [
        ("bkt.localhost:4566", "/k", "bkt", "k"),
        ("my.dotted.bkt.localhost:4566", "//k", "my.dotted.bkt", "/k"),
        ("BKT.LOCALHOST:4566", "/", "bkt", None),
        ("bkt.s3.amazonaws.com", "/a/b", "bkt", "a/b"),
        ("bkt.s3.us-west-2.amazonaws.com", "/a", "bkt", "a"),
        ("bkt.s3-us-west-2.amazonaws.com", "/a", "bkt", "a"),
        ("bkt.s3.dualstack.eu-west-1.amazonaws.com", "/a", "bkt", "a"),
        ("s3.amazonaws.com", "/bkt/a", "bkt", "a"),
        ("s3.us-east-1.amazonaws.com", "/bkt/a", "bkt", "a"),
        ("localhost:4566", "/bkt/a", "bkt", "a"),
        ("127.0.0.1:4566", "/bkt/a", "bkt", "a"),
        ("[::1]:4566", "/bkt/a", "bkt", "a"),
        ("elsewhere.example:80", "/bkt/a", "bkt", "a"),
    ],
)
def test_virtual_hosted_and_path_style_hosts(
    host: str, path: str, bucket: str, key: str | None
) -> None:
    target = resolve("GET", path.encode(), {}, host, BASE_HOSTS)
    assert (target.bucket, target.key) == (bucket, key)


def test_a_base_host_without_port_matches_any_port() -> None:
    assert resolve("GET", b"/k", {}, "bkt.rolegate.test:9000", ["rolegate.test"]).bucket == "bkt"


@given(st.text(min_size=1, max_size=60).filter(lambda text: "\x00" not in text))
def test_any_key_round_trips_through_percent_encoding(key: str) -> None:
    raw = b"/bkt/" + quote(key, safe="/").encode("ascii")
    assert resolve("GET", raw, {}, None, BASE_HOSTS).key == key


@pytest.mark.parametrize("path", [b"/bkt/%FF%FE", b"bkt/key", b"*"])
def test_unreadable_paths_are_invalid_uri(path: bytes) -> None:
    with pytest.raises(S3Error) as caught:
        resolve("GET", path, {}, None, BASE_HOSTS)
    assert (caught.value.code, caught.value.status) == ("InvalidURI", 400)


def test_a_bucket_holding_an_encoded_slash_is_invalid() -> None:
    with pytest.raises(S3Error) as caught:
        resolve("GET", b"/a%2Fb/key", {}, None, BASE_HOSTS)
    assert caught.value.code == "InvalidBucketName"
    assert caught.value.bucket_name == "a/b"


# --- operations -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "query", "copy", "operation"),
    [
        ("GET", "/", "", False, "ListBuckets"),
        ("GET", "/bkt", "list-type=2&prefix=a", False, "ListObjectsV2"),
        ("GET", "/bkt", "list-type=1", False, "ListObjects"),
        ("GET", "/bkt", "location", False, "GetBucketLocation"),
        ("GET", "/bkt", "uploads&prefix=x", False, "ListMultipartUploads"),
        ("POST", "/bkt", "delete", False, "DeleteObjects"),
        ("PUT", "/bkt/k", "x-id=PutObject", False, "PutObject"),
        ("PUT", "/bkt/k", "", True, "CopyObject"),
        ("GET", "/bkt/k", "versionId=3&partNumber=2", False, "GetObject"),
        ("POST", "/bkt/k", "uploads", False, "CreateMultipartUpload"),
        ("PUT", "/bkt/k", "partNumber=1&uploadId=u", False, "UploadPart"),
        ("PUT", "/bkt/k", "partNumber=1&uploadId=u", True, "UploadPartCopy"),
        ("POST", "/bkt/k", "uploadId=u", False, "CompleteMultipartUpload"),
        ("DELETE", "/bkt/k", "uploadId=u", False, "AbortMultipartUpload"),
        ("GET", "/bkt/k", "uploadId=u", False, "ListParts"),
        ("HEAD", "/bkt/k", "uploadId=u", False, "HeadObject"),
        ("HEAD", "/bkt", "acl", False, "HeadBucket"),
        ("GET", "/bkt", "cors", False, "GetBucketCors"),
        ("PUT", "/bkt", "versioning", False, "PutBucketVersioning"),
        ("GET", "/bkt", "inventory", False, "ListBucketInventoryConfigurations"),
        ("GET", "/bkt", "inventory&id=i", False, "GetBucketInventoryConfiguration"),
        ("GET", "/bkt", "X-Amz-Algorithm=AWS4-HMAC-SHA256&policy", False, "GetBucketPolicy"),
    ],
)
def test_method_and_subresource_decide_the_operation(
    method: str, path: str, query: str, copy: bool, operation: str
) -> None:
    target = resolve(
        method, path.encode(), parse_query(query.encode()), None, BASE_HOSTS, copy_source=copy
    )
    assert target.operation == operation


@pytest.mark.parametrize(
    ("method", "path", "query", "resource_type"),
    [
        ("POST", "/bkt", "acl", "BUCKET"),
        ("DELETE", "/bkt", "location", "BUCKET"),
        ("POST", "/bkt/k", "", "OBJECT"),
        ("PATCH", "/bkt/k", "", "OBJECT"),
        ("PUT", "/", "", "SERVICE"),
    ],
)
def test_a_method_a_resource_does_not_take_is_method_not_allowed(
    method: str, path: str, query: str, resource_type: str
) -> None:
    with pytest.raises(S3Error) as caught:
        resolve(method, path.encode(), parse_query(query.encode()), None, BASE_HOSTS)
    error = caught.value
    assert (error.code, error.status) == ("MethodNotAllowed", 405)
    assert error.extra == {"Method": method, "ResourceType": resource_type}


def test_a_browser_form_post_is_not_implemented() -> None:
    with pytest.raises(S3Error) as caught:
        resolve("POST", b"/bkt", {}, None, BASE_HOSTS)
    error = caught.value
    assert (error.code, error.status) == ("NotImplemented", 501)
    assert error.message == "A header you provided implies functionality that is not implemented"


# --- query strings --------------------------------------------------------------------------------


def test_parse_query_decodes_like_a_form() -> None:
    parsed = parse_query(b"uploads&prefix=a+b%2Bc&prefix=%E2%82%AC&empty=&&k%20x=1")
    assert parsed == {"uploads": [""], "prefix": ["a b+c", "€"], "empty": [""], "k x": ["1"]}
    assert parse_query(b"") == {}


def test_parse_query_refuses_bytes_that_are_not_utf8() -> None:
    with pytest.raises(S3Error) as caught:
        parse_query(b"prefix=%FF")
    assert caught.value.code == "InvalidURI"


# --- bucket names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["abc", "a" * 63, "my-bucket.example", "1-2-3", "x.y.z", "amzn-s3-demo", "xn-a", "192.168.5"],
)
def test_valid_bucket_names(name: str) -> None:
    check_bucket_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Upper",
        "under_score",
        "-dash",
        "dash-",
        ".dot",
        "dot.",
        "two..dots",
        "192.168.5.4",
        "xn--punycode",
        "sthree-bucket",
        "sthree-configurator-x",
        "amzn-s3-demo-bucket",
        "alias-s3alias",
        "lambda--ol-s3",
        "region.mrap",
        "zone--usw2-az1--x-s3",
        "tables--table-s3",
        "spa ce",
        "",
        "caf\u00e9",
    ],
)
def test_invalid_bucket_names(name: str) -> None:
    with pytest.raises(S3Error) as caught:
        check_bucket_name(name)
    error = caught.value
    assert (error.code, error.status, error.message) == (
        "InvalidBucketName",
        400,
        "The specified bucket is not valid.",
    )
    assert error.bucket_name == name
