"""Opening the default stores for a data dir."""

from __future__ import annotations

import math
from pathlib import Path

from rolegate.store.blobs import BlobStore
from rolegate.store.interfaces import MetadataStore
from rolegate.store.objects import ObjectStore
from rolegate.store.sqlite_metadata import DATA_VERSION_POLL, SqliteMetadataStore
from rolegate.store.sqlite_objects import SqliteObjectStore

METADATA_FILE = "metadata.sqlite3"
OBJECTS_FILE = "objects.sqlite3"
BLOBS_DIR = "blobs"


def open_metadata_store(data_dir: Path, *, shared: bool = False) -> MetadataStore:
    """`shared`: other processes serve the same data dir, and the caller looks for their commits
    itself with `refresh_generation` (once per request) instead of the store polling every
    DATA_VERSION_POLL seconds."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    poll = math.inf if shared else DATA_VERSION_POLL
    return SqliteMetadataStore(data_dir / METADATA_FILE, data_version_poll=poll)


def open_object_store(data_dir: Path) -> ObjectStore:
    """S3 records; their bytes are in `open_blob_store(data_dir)`."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return SqliteObjectStore(data_dir / OBJECTS_FILE)


def open_blob_store(data_dir: Path) -> BlobStore:
    """Object bytes. At startup, before serving: `blobs.sweep(objects.referenced_blob)`."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return BlobStore(data_dir / BLOBS_DIR)
