"""A smart scale's reading: what ingest returns for a FIT weight-scale file (no pandas, no fitparse:
the catalog's weigh-ins import it cheaply)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ScaleReading:
    """One body-mass reading of a smart scale (FIT ``weight_scale``), UTC.

    ``user_index`` is the scale's user slot (FIT ``user_profile_index``) when it records one: a
    family scale holds several people's readings, and only one person's two readings make a pair.
    """

    timestamp: datetime
    weight_kg: float
    user_index: int | None = None
