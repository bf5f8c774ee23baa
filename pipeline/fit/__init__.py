"""FIT ingest: decode ``.fit``, ``.fit.gz`` and ``.zip`` into :class:`Activity` objects."""
from pipeline.fit.models import RECORD_COLUMNS, Activity, Leg, UserProfile
from pipeline.fit.reader import read_activity

__all__ = ["RECORD_COLUMNS", "Activity", "Leg", "UserProfile", "read_activity"]
