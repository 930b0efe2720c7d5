"""GetObject/HeadObject `partNumber` reads that part, not the whole object.

AmazonS3/latest/API/API_GetObject.html, partNumber: "Effectively performs a 'ranged' GET request
for the part specified. Useful for downloading just a part of an object." rolegate ignored it, so
a client fetching a multipart object part by part (SDK transfer managers do) got the whole object
for each part and stored it N times over: data corrupted on download, with a 200.
"""

from __future__ import annotations

from tests.rolegate_server import RunningServer
from tests.security.identities import refusal

PART = 5 * 1024 * 1024  # the smallest part but the last (API_UploadPart.html)


def test_part_number_reads_one_part(server: RunningServer) -> None:
    owner = server.new_account()
    bucket = f"parts-{owner.account_id}"
    s3 = server.client("s3", owner)
    s3.create_bucket(Bucket=bucket)
    first, second = b"a" * PART, b"tail of the object"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    parts = [
        {
            "PartNumber": n,
            "ETag": s3.upload_part(
                Bucket=bucket, Key="big", UploadId=upload, PartNumber=n, Body=body
            )["ETag"],
        }
        for n, body in ((1, first), (2, second))
    ]
    s3.complete_multipart_upload(
        Bucket=bucket, Key="big", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    got = s3.get_object(Bucket=bucket, Key="big", PartNumber=2)
    assert got["Body"].read() == second
    assert got["ContentRange"] == f"bytes {PART}-{PART + len(second) - 1}/{PART + len(second)}"
    assert got["PartsCount"] == 2
    head = s3.head_object(Bucket=bucket, Key="big", PartNumber=1)
    assert head["ContentLength"] == PART
    assert s3.get_object(Bucket=bucket, Key="big", PartNumber=1)["Body"].read() == first
    assert refusal(lambda: s3.get_object(Bucket=bucket, Key="big", PartNumber=3))[0] == 416
    assert refusal(lambda: s3.get_object(Bucket=bucket, Key="big", PartNumber=0)) == (
        400,
        "InvalidArgument",
    )
    assert (
        refusal(lambda: s3.get_object(Bucket=bucket, Key="big", PartNumber=1, Range="bytes=0-1"))[0]
        == 400
    )
    # An object put whole is one part.
    s3.put_object(Bucket=bucket, Key="small", Body=b"whole")
    assert s3.get_object(Bucket=bucket, Key="small", PartNumber=1)["Body"].read() == b"whole"
    assert refusal(lambda: s3.get_object(Bucket=bucket, Key="small", PartNumber=2))[0] == 416
