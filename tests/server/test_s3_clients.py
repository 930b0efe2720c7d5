"""Real data clients against the S3 endpoint: boto3 transfers and paginators, the aws CLI,
pyarrow's S3FileSystem and DuckDB's httpfs — all with assumed-role (session token) credentials
where the issue asks for them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import duckdb
import duckdb_extension_httpfs
import pyarrow as pa
import pyarrow.fs
import pyarrow.parquet as pq
import pytest
from boto3.s3.transfer import TransferConfig
from tests.rolegate_server import Credentials, RunningServer, aws_cli
from tests.server.seed_world import Platform, assume, seed_permission_policy, seed_trust_policy

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def world(server: RunningServer) -> dict[str, Any]:
    customer = server.new_account()
    bucket = f"lake-{customer.account_id}"
    server.client("s3", customer).create_bucket(Bucket=bucket)
    platform = Platform.create(server)
    iam = server.client("iam", customer)
    role_arn = iam.create_role(
        RoleName="qwak-access-role", AssumeRolePolicyDocument=seed_trust_policy(platform.account)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="qwak-access-role",
        PolicyName="read",
        PolicyDocument=seed_permission_policy(bucket),
    )
    session = platform.session_of(platform.add_role("qwak-eks-base-clients"))
    reader = Credentials.from_sts(assume(server, session, role_arn)["Credentials"])
    return {"customer": customer, "bucket": bucket, "reader": reader}


def test_boto3_multipart_upload_and_download(server: RunningServer, world, tmp_path: Path) -> None:
    s3 = server.client("s3", world["customer"])
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(13 * MIB))
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_file(str(source), world["bucket"], "raw/big.bin", Config=config)
    head = s3.head_object(Bucket=world["bucket"], Key="raw/big.bin")
    assert head["ContentLength"] == 13 * MIB and head["ETag"].endswith('-3"')
    target = tmp_path / "back.bin"
    server.client("s3", world["reader"]).download_file(
        world["bucket"], "raw/big.bin", str(target), Config=config
    )
    assert (
        hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
    )


def test_paginators_walk_every_key_in_order(server: RunningServer, world) -> None:
    s3 = server.client("s3", world["customer"])
    keys = [f"many/{i:03d}.txt" for i in range(25)]
    for key in keys:
        s3.put_object(Bucket=world["bucket"], Key=key, Body=b"x")
    reader = server.client("s3", world["reader"])
    for operation in ("list_objects_v2", "list_objects"):
        pages = reader.get_paginator(operation).paginate(
            Bucket=world["bucket"], Prefix="many/", PaginationConfig={"PageSize": 7}
        )
        seen = [o["Key"] for page in pages for o in page.get("Contents", [])]
        assert seen == keys


def test_the_aws_cli_cp_sync_ls_and_s3api(server: RunningServer, world, tmp_path: Path) -> None:
    local = tmp_path / "site"
    (local / "sub").mkdir(parents=True)
    (local / "a.txt").write_text("alpha")
    (local / "sub" / "b.txt").write_text("beta")
    owner = world["customer"]
    target = f"s3://{world['bucket']}/cli/"
    assert aws_cli(server, owner, "s3", "sync", str(local), target).returncode == 0
    listed = aws_cli(server, owner, "s3", "ls", "--recursive", target)
    assert "cli/a.txt" in listed.stdout and "cli/sub/b.txt" in listed.stdout
    copied = tmp_path / "copy.txt"
    done = aws_cli(server, world["reader"], "s3", "cp", f"{target}sub/b.txt", str(copied))
    assert done.returncode == 0, done.stderr
    assert copied.read_text() == "beta"
    head = aws_cli(
        server, owner, "s3api", "head-object", "--bucket", world["bucket"], "--key", "cli/a.txt"
    )
    assert json.loads(head.stdout)["ContentLength"] == 5
    refused = aws_cli(server, world["reader"], "s3", "cp", str(copied), f"{target}nope.txt")
    assert refused.returncode != 0
    assert "s3:PutObject" in refused.stderr


def _parquet_bytes(rows: int) -> bytes:
    table = pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "amount": pa.array([i * 0.5 for i in range(rows)]),
            "city": pa.array([f"city-{i % 97}" for i in range(rows)]),
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=rows // 4)
    return sink.getvalue()


def test_pyarrow_reads_parquet_with_ranges_through_the_assumed_role(
    server: RunningServer, world
) -> None:
    s3 = server.client("s3", world["customer"])
    s3.put_object(Bucket=world["bucket"], Key="tables/sales.parquet", Body=_parquet_bytes(40_000))
    reader: Credentials = world["reader"]
    filesystem = pyarrow.fs.S3FileSystem(
        access_key=reader.access_key_id,
        secret_key=reader.secret_access_key,
        session_token=reader.session_token,
        endpoint_override=server.url.removeprefix("http://"),
        scheme="http",
        region="us-east-1",
    )
    table = pq.read_table(f"{world['bucket']}/tables/sales.parquet", filesystem=filesystem)
    assert table.num_rows == 40_000 and table.column("id")[-1].as_py() == 39_999
    # Reading one column of one row group fetches byte ranges, not the whole file.
    before = len(server.audit_entries())
    pq.ParquetFile(
        filesystem.open_input_file(f"{world['bucket']}/tables/sales.parquet")
    ).read_row_group(1, columns=["amount"])
    reads = [e for e in server.audit_entries()[before:] if e["operation"] == "GetObject"]
    assert reads and all(e["status"] == 206 for e in reads)


def test_duckdb_reads_csv_and_parquet_with_a_session_token(server: RunningServer, world) -> None:
    s3 = server.client("s3", world["customer"])
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["id", "name"])
    writer.writerows([i, f"n{i}"] for i in range(1000))
    s3.put_object(Bucket=world["bucket"], Key="duck/people.csv", Body=text.getvalue().encode())
    s3.put_object(Bucket=world["bucket"], Key="duck/sales.parquet", Body=_parquet_bytes(10_000))
    reader: Credentials = world["reader"]
    extension = (
        Path(duckdb_extension_httpfs.__file__).parent
        / "extensions"
        / f"v{duckdb.__version__}"
        / "httpfs.duckdb_extension"
    )
    con = duckdb.connect()
    con.execute(f"LOAD '{extension}'")
    con.execute(
        "CREATE SECRET reader (TYPE s3, KEY_ID ?, SECRET ?, SESSION_TOKEN ?, ENDPOINT ?, "
        "URL_STYLE 'path', USE_SSL false, REGION 'us-east-1')",
        [
            reader.access_key_id,
            reader.secret_access_key,
            reader.session_token,
            server.url.removeprefix("http://"),
        ],
    )
    people = con.execute(
        f"SELECT count(*), max(id) FROM read_csv('s3://{world['bucket']}/duck/people.csv')"
    ).fetchone()
    assert people == (1000, 999)
    sales = con.execute(
        f"SELECT count(*), sum(id) FROM read_parquet('s3://{world['bucket']}/duck/sales.parquet')"
    ).fetchone()
    assert sales == (10_000, sum(range(10_000)))
