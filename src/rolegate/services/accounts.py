"""Accounts: created with their root access key (the credentials `rolegate account create` prints)."""

from __future__ import annotations

from datetime import UTC, datetime

from rolegate.aws.errors import AwsError
from rolegate.model import AccessKey, AccessKeyStatus, Account
from rolegate.services.ids import access_key_id, account_id, secret_access_key
from rolegate.store import AlreadyExists, MetadataStore


def create_account(store: MetadataStore, requested_id: str | None = None) -> AccessKey:
    """A new account and its root key; raises AwsError if the id is malformed or taken."""
    if requested_id is not None and not (requested_id.isdigit() and len(requested_id) == 12):
        raise AwsError("ValidationError", f"Account id must be 12 digits, got {requested_id!r}.")
    now = datetime.now(UTC)
    account = Account(requested_id or account_id(), now)
    key = AccessKey(
        access_key_id(), secret_access_key(), account.account_id, None, AccessKeyStatus.ACTIVE, now
    )
    with store.transaction():
        try:
            store.insert(account)
        except AlreadyExists:
            raise AwsError(
                "EntityAlreadyExists", f"Account {account.account_id} already exists.", 409
            ) from None
        store.insert(key)
    return key
