"""S3 request bodies as botocore serializes them, parsed back; and what is refused as MalformedXML."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.serialize import create_serializer
from hypothesis import given
from hypothesis import strategies as st

from rolegate.aws.s3 import xml
from rolegate.aws.s3.checksums import ChecksumAlgorithm, ChecksumValue
from rolegate.aws.s3.errors import S3Error

MODEL = botocore.session.get_session().get_service_model("s3")


def botocore_body(operation: str, params: dict[str, Any]) -> bytes:
    request = create_serializer("rest-xml").serialize_to_request(
        params, MODEL.operation_model(operation)
    )
    body: bytes = request["body"]
    return body


def assert_malformed(parse: Any, body: bytes) -> None:
    with pytest.raises(S3Error) as caught:
        parse(body)
    error = caught.value
    assert (error.code, error.status) == ("MalformedXML", 400)
    assert error.message == (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


# --- CreateBucketConfiguration --------------------------------------------------------------------


def test_create_bucket_configuration_from_botocore() -> None:
    body = botocore_body(
        "CreateBucket",
        {"Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}},
    )
    assert xml.parse_create_bucket_configuration(body) == xml.CreateBucketConfiguration("eu-west-1")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"  \n",
        b"<CreateBucketConfiguration/>",
        b"<CreateBucketConfiguration><Tags/></CreateBucketConfiguration>",
    ],
)
def test_no_location_constraint(body: bytes) -> None:
    assert xml.parse_create_bucket_configuration(body).location_constraint is None


def test_create_bucket_configuration_with_the_wrong_root_is_malformed() -> None:
    assert_malformed(xml.parse_create_bucket_configuration, b"<Delete/>")


# --- Delete ---------------------------------------------------------------------------------------

ODD_KEY = ' a&<b> "c"/\u00e9\t '


def test_delete_from_botocore_keeps_keys_exactly() -> None:
    body = botocore_body(
        "DeleteObjects",
        {
            "Bucket": "b",
            "Delete": {
                "Objects": [
                    {"Key": ODD_KEY},
                    {"Key": "k2", "VersionId": "v2"},
                    {"Key": "k3", "ETag": '"e3"'},
                ],
                "Quiet": True,
            },
        },
    )
    assert xml.parse_delete(body) == xml.DeleteRequest(
        (
            xml.ObjectToDelete(ODD_KEY),
            xml.ObjectToDelete("k2", version_id="v2"),
            xml.ObjectToDelete("k3", etag='"e3"'),
        ),
        quiet=True,
    )


# What XML 1.0 can carry: no C0 controls but tab and LF (a raw CR comes back as LF from any
# parser, and botocore writes it raw), no surrogates, no U+FFFE/U+FFFF.
XML_CHARACTERS = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
) | st.sampled_from("\t\n")


@given(st.lists(st.text(XML_CHARACTERS, min_size=1, max_size=30), min_size=1, max_size=20))
def test_any_keys_round_trip(keys: list[str]) -> None:
    body = botocore_body(
        "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [{"Key": k} for k in keys]}}
    )
    parsed = xml.parse_delete(body)
    assert [entry.key for entry in parsed.objects] == keys
    assert parsed.quiet is False


def _delete_of(count: int) -> bytes:
    objects = "".join(f"<Object><Key>k{i}</Key></Object>" for i in range(count))
    return f"<Delete>{objects}</Delete>".encode()


def test_a_thousand_keys_are_fine_and_one_more_is_malformed() -> None:
    assert len(xml.parse_delete(_delete_of(1000)).objects) == 1000
    assert_malformed(xml.parse_delete, _delete_of(1001))


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml",
        b"<Delete><Quiet>true</Quiet></Delete>",  # no Object: S3 answers MalformedXML
        b"<Delete><Object><VersionId>1</VersionId></Object></Delete>",  # no Key
        b"<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>",
        b"<Delete><Object><Key>a</Key></Object><Quiet>yes</Quiet></Delete>",
        b"<Delete><Object><Key>a</Key></Object>",  # unclosed
        b"<Other><Object><Key>a</Key></Object></Other>",
    ],
)
def test_malformed_delete_bodies(body: bytes) -> None:
    assert_malformed(xml.parse_delete, body)


def test_the_namespace_is_optional_and_quiet_is_case_insensitive() -> None:
    body = b"<Delete><Object><Key>a</Key></Object><Quiet> TRUE </Quiet></Delete>"
    assert xml.parse_delete(body) == xml.DeleteRequest((xml.ObjectToDelete("a"),), True)


# --- entities and document types ------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<Delete><Object><Key>&lol3;</Key></Object></Delete>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<Delete><Object><Key>&xxe;</Key></Object></Delete>"
)


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        BILLION_LAUGHS.decode().replace('"1.0"', '"1.0" encoding="UTF-16"').encode("utf-16"),
        b"<!DOCTYPE Delete><Delete><Object><Key>a</Key></Object></Delete>",
        b"<Delete><Object><Key>&undeclared;</Key></Object></Delete>",
    ],
)
def test_document_types_and_entities_are_refused(body: bytes) -> None:
    assert_malformed(xml.parse_delete, body)


def test_character_references_are_plain_text() -> None:
    body = b"<Delete><Object><Key>a&amp;b&#13;&#x20AC;</Key></Object></Delete>"
    assert xml.parse_delete(body).objects[0].key == "a&b\r€"


# --- CompleteMultipartUpload ----------------------------------------------------------------------


def test_complete_multipart_upload_from_botocore() -> None:
    body = botocore_body(
        "CompleteMultipartUpload",
        {
            "Bucket": "b",
            "Key": "k",
            "UploadId": "u",
            "MultipartUpload": {
                "Parts": [
                    {"PartNumber": 1, "ETag": '"e1"', "ChecksumCRC32": "AAAAAA=="},
                    {"PartNumber": 2, "ETag": "e2", "ChecksumCRC64NVME": "AAAAAAAAAAA="},
                    {"PartNumber": 3, "ETag": '"e3"', "ChecksumSHA256": "c2hh"},
                ]
            },
        },
    )
    assert xml.parse_complete_multipart_upload(body) == xml.CompleteMultipartUploadRequest(
        (
            xml.CompletedPart(1, '"e1"', (ChecksumValue(ChecksumAlgorithm.CRC32, "AAAAAA=="),)),
            xml.CompletedPart(
                2, "e2", (ChecksumValue(ChecksumAlgorithm.CRC64NVME, "AAAAAAAAAAA="),)
            ),
            xml.CompletedPart(3, '"e3"', (ChecksumValue(ChecksumAlgorithm.SHA256, "c2hh"),)),
        )
    )


def test_part_order_and_range_are_left_to_the_service() -> None:
    body = (
        b"<CompleteMultipartUpload><Part><ETag>b</ETag><PartNumber>20000</PartNumber></Part>"
        b"<Part><PartNumber> 3 </PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>"
    )
    parts = xml.parse_complete_multipart_upload(body).parts
    assert [(part.part_number, part.etag) for part in parts] == [(20000, "b"), (3, "a")]


@pytest.mark.parametrize(
    "body",
    [
        b"<CompleteMultipartUpload/>",
        b"<CompleteMultipartUpload><Part><ETag>a</ETag></Part></CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>a</ETag></Part>"
        b"</CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><PartNumber>+1</PartNumber><ETag>a</ETag></Part>"
        b"</CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><PartNumber>1_0</PartNumber><ETag>a</ETag></Part>"
        b"</CompleteMultipartUpload>",
        b"<CompleteMultipartUpload><Part><PartNumber>99999999999</PartNumber><ETag>a</ETag>"
        b"</Part></CompleteMultipartUpload>",
        b"<Complete><Part><PartNumber>1</PartNumber><ETag>a</ETag></Part></Complete>",
    ],
)
def test_malformed_complete_multipart_upload_bodies(body: bytes) -> None:
    assert_malformed(xml.parse_complete_multipart_upload, body)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be", "utf-32"])
def test_markup_past_what_a_complete_could_hold_is_malformed_in_any_encoding(
    encoding: str,
) -> None:
    # 200,000 empty elements: more than 10,000 parts with every checksum could hold.
    flood = "<CompleteMultipartUpload>" + "<a/>" * 200_000 + "</CompleteMultipartUpload>"
    declared = f'<?xml version="1.0" encoding="{encoding.upper()}"?>' + flood
    with pytest.raises(S3Error) as raised:
        xml.parse_complete_multipart_upload(declared.encode(encoding))
    assert raised.value.code == "MalformedXML"


def test_an_attribute_flood_in_a_delete_is_malformed() -> None:
    attributes = " ".join(f"a{n}='1'" for n in range(60_000))
    with pytest.raises(S3Error) as raised:
        xml.parse_delete(f"<Delete {attributes}><Object><Key>k</Key></Object></Delete>".encode())
    assert raised.value.code == "MalformedXML"
