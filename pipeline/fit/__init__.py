"""FIT ingest: classify ``.fit``, ``.fit.gz`` and ``.zip`` files and decode what they hold —
:class:`Activity` objects, or a smart scale's :class:`ScaleReading` values (:func:`read_fit`).

Names are imported from their modules on first use (PEP 562): importing a light module of this
package (``pipeline.fit.readings``) never loads fitparse, numpy or pandas.
"""
from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "RECORD_COLUMNS": "models", "Activity": "models", "Leg": "models", "UserProfile": "models",
    "ScaleReading": "readings",
    "FitContents": "reader", "IngestResult": "reader", "ScaleFile": "reader", "decode_activity": "reader",
    "read_activities": "reader", "read_activity": "reader", "read_fit": "reader", "read_scale_readings": "reader",
}

__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline.fit' has no attribute {name!r}")
    return getattr(importlib.import_module(f"pipeline.fit.{module}"), name)
