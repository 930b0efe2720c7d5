"""Opening the default stores for a data dir."""

from __future__ import annotations

from pathlib import Path

from rolegate.store.interfaces import MetadataStore
from rolegate.store.sqlite_metadata import SqliteMetadataStore

METADATA_FILE = "metadata.sqlite3"


def open_metadata_store(data_dir: Path) -> MetadataStore:
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return SqliteMetadataStore(data_dir / METADATA_FILE)
