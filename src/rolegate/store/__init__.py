"""Persistence behind Protocols: nothing above this layer sees SQL or file paths."""

from rolegate.store.interfaces import AlreadyExists, MetadataStore, Record
from rolegate.store.open import open_metadata_store

__all__ = ["AlreadyExists", "MetadataStore", "Record", "open_metadata_store"]
