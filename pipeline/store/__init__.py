"""Storage: the SQLite catalog, Parquet records, report folders, atomic writes.

The only part of ``pipeline`` that touches disk. The inbox is never written to.

Names are imported from their modules on first use (PEP 562): ``pipeline.store.files`` or the
catalog alone never import pandas/pyarrow (``pipeline.store.records``), so a command that answers
from the catalog starts fast.
"""
from __future__ import annotations

from pipeline.core.lazy import lazy_exports

_WHERE = {
    "ActivityRow": "catalog", "Catalog": "catalog", "FileRow": "catalog", "RejectionRow": "catalog",
    "RunRow": "catalog", "utc_now": "catalog",
    "connect": "db", "migrate": "db", "transaction": "db",
    "atomic_directory": "files", "atomic_write_bytes": "files", "atomic_write_text": "files", "sha256_file": "files",
    "read_records": "records", "write_records": "records",
}

__all__ = list(_WHERE)


__getattr__ = lazy_exports(__name__, _WHERE)
