"""FIT ingest: classify ``.fit``, ``.fit.gz`` and ``.zip`` files and decode what they hold —
:class:`Activity` objects, or a smart scale's :class:`ScaleReading` values (:func:`read_fit`)."""
from pipeline.fit.models import RECORD_COLUMNS, Activity, Leg, ScaleReading, UserProfile
from pipeline.fit.reader import (
    FitContents, IngestResult, ScaleFile, decode_activity, read_activities, read_activity, read_fit,
    read_scale_readings,
)

__all__ = ["RECORD_COLUMNS", "Activity", "FitContents", "IngestResult", "Leg", "ScaleFile", "ScaleReading",
           "UserProfile", "decode_activity", "read_activities", "read_activity", "read_fit", "read_scale_readings"]
