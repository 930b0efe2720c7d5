"""What the demo's customer owns: the seed's policies as written, the sales data, the results grant.

Orders arrive every ~7 seconds over four days (2026-01-01 to 2026-01-04, 12,500 a day), so the
same 50,000 rows make one CSV, one Parquet file and four daily CSV files for the batch execution.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pyarrow as pa  # type: ignore[import-untyped]  # no type information shipped
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

PLATFORM_ACCOUNT = "377488441568"  # the seed's "Qwak Cloud" account id
CUSTOMER_ACCOUNT = "111122223333"
ROLE_NAME = "qwak-access-role"
BUCKET = "customer-data"
RESULTS_BUCKET = "customer-results"
RESULTS_FOLDER = "platform/daily-revenue/"
SALES_PREFIX = "sales/2026/"
DAILY_FOLDER = f"{SALES_PREFIX}daily/"
ROWS = 50_000
DAYS = 4
_FIRST_ORDER = datetime(2026, 1, 1, tzinfo=UTC)

# The seed's trust policy, pasted as the article writes it; only <account-id> is filled in.
SEED_TRUST_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::<account-id>:root"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "ArnLike": {
          "aws:PrincipalArn": "arn:aws:iam::<account-id>:role/eksctl-Qwak-EKS-Cluster-nodegroup-*"
        }
      }
    },
    {
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::<account-id>:root"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "ArnLike": {
          "aws:PrincipalArn": "arn:aws:iam::<account-id>:role/qwak-eks-base*"
        }
      }
    }
  ]
}"""
SEED_PERMISSION_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:ListBucket"
      ],
      "Resource": [
        "arn:aws:s3:::BUCKET_NAME",
        "arn:aws:s3:::BUCKET_NAME/*"
      ]
    }
  ]
}"""


def seed_trust_policy() -> str:
    return SEED_TRUST_POLICY.replace("<account-id>", PLATFORM_ACCOUNT)


def seed_permission_policy() -> str:
    return SEED_PERMISSION_POLICY.replace("BUCKET_NAME", BUCKET)


def results_write_policy() -> str:
    """What a batch execution needs beyond the seed: writing its outputs, and only there."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{RESULTS_BUCKET}/{RESULTS_FOLDER}*",
                }
            ],
        },
        indent=2,
    )


def sales_table() -> pa.Table:
    start = int(_FIRST_ORDER.timestamp())
    seconds = DAYS * 86_400
    return pa.table(
        {
            "order_id": pa.array(range(ROWS), pa.int64()),
            "customer": [f"customer-{i % 977}" for i in range(ROWS)],
            "amount": [round((i * 37 % 10_000) / 100, 2) for i in range(ROWS)],
            "created_at": pa.array(
                [start + i * seconds // ROWS for i in range(ROWS)], pa.int64()
            ).cast(pa.timestamp("s")),
        }
    )


def daily_tables(table: pa.Table) -> dict[str, pa.Table]:
    """`YYYY-MM-DD.csv` file name -> that day's orders."""
    days = pc.strftime(table.column("created_at"), format="%Y-%m-%d")
    return {
        f"{day}.csv": table.filter(pc.equal(days, day)) for day in sorted(set(days.to_pylist()))
    }


def csv_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(table, sink)
    return sink.getvalue()


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=10_000)
    return sink.getvalue()
