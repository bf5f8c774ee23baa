"""Storage: the SQLite catalog, Parquet records, report folders, atomic writes.

The only part of ``pipeline`` that touches disk. The inbox is never written to.
"""
from pipeline.store.catalog import ActivityRow, Catalog, FileRow, RejectionRow, RunRow, utc_now
from pipeline.store.db import connect, migrate, transaction
from pipeline.store.files import atomic_directory, atomic_write_bytes, atomic_write_text, sha256_file
from pipeline.store.records import read_records, write_records

__all__ = [
    "ActivityRow", "Catalog", "FileRow", "RejectionRow", "RunRow", "utc_now",
    "connect", "migrate", "transaction",
    "atomic_directory", "atomic_write_bytes", "atomic_write_text", "sha256_file",
    "read_records", "write_records",
]
