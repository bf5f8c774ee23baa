"""FIT ingest: classify ``.fit``, ``.fit.gz`` and ``.zip`` files and decode what they hold —
:class:`Activity` objects, or a smart scale's :class:`ScaleReading` values (:func:`read_fit`).

Names are imported from their modules on first use (PEP 562): importing a light module of this
package (``pipeline.fit.readings``) never loads fitparse, numpy or pandas.
"""
from __future__ import annotations

from pipeline.core.lazy import lazy_exports

_WHERE = {
    "RECORD_COLUMNS": "models", "Activity": "models", "Leg": "models", "UserProfile": "models",
    "ScaleReading": "readings",
    "FitContents": "reader", "IngestResult": "reader", "ScaleFile": "reader", "decode_activity": "reader",
    "read_activities": "reader", "read_activity": "reader", "read_fit": "reader", "read_scale_readings": "reader",
}

__all__ = list(_WHERE)


__getattr__ = lazy_exports(__name__, _WHERE)
