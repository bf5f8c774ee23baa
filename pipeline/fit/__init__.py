"""FIT ingest: decode ``.fit``, ``.fit.gz`` and ``.zip`` into :class:`Activity` objects."""
from pipeline.fit.models import RECORD_COLUMNS, Activity, Leg, UserProfile
from pipeline.fit.reader import IngestResult, decode_activity, read_activities, read_activity

__all__ = ["RECORD_COLUMNS", "Activity", "IngestResult", "Leg", "UserProfile", "decode_activity",
           "read_activities", "read_activity"]
