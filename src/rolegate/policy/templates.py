"""The seed's two policies, generated instead of pasted (../shared/seed/): pure functions to dicts.

The customer's role trusts the platform's account, narrowed with `ArnLike` on `aws:PrincipalArn` to
the platform's own roles, and gets a read-only permission policy on one bucket.
"""

from __future__ import annotations

from collections.abc import Sequence

# The seed's platform role patterns, with the account id as a placeholder.
SEED_PLATFORM_ROLE_PATTERNS = (
    "role/eksctl-Qwak-EKS-Cluster-nodegroup-*",
    "role/qwak-eks-base*",
)


def platform_trust_policy(
    platform_account: str,
    role_patterns: Sequence[str] = SEED_PLATFORM_ROLE_PATTERNS,
    external_id: str | None = None,
) -> dict[str, object]:
    """One statement per pattern, exactly as the seed writes it; an ExternalId when given.

    UG/confused-deputy.html recommends the external id for third parties acting for many customers.
    """
    statements: list[dict[str, object]] = []
    for pattern in role_patterns:
        condition: dict[str, object] = {
            "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{platform_account}:{pattern}"}
        }
        if external_id is not None:
            condition["StringEquals"] = {"sts:ExternalId": external_id}
        statements.append(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{platform_account}:root"},
                "Action": "sts:AssumeRole",
                "Condition": condition,
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def bucket_read_policy(bucket: str) -> dict[str, object]:
    """The seed's inline permission policy: read and list one bucket."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }


def assume_any_role_policy() -> dict[str, object]:
    """What a platform role needs on its own side to assume customers' roles across accounts."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
