"""A smart scale's body-mass readings, from the ``weight_scale`` messages of the one message pass.

FIT ``weight_scale`` (mesg_num 30, FIT profile): ``timestamp`` (``date_time``), ``weight`` (kg,
scale 100 on a uint16, so at most 655.34 kg; 0xFFFE means "calculating" and decodes as a name, not
a number) and ``user_profile_index`` (the scale's user slot, when it records one).

A reading is kept when its time is absolute (``date_time`` at or above ``0x10000000``: a scale
whose clock was never set gives no usable time, see :mod:`pipeline.fit.clock`) and its weight is a
finite number with 0 < kg < 655.
"""
from __future__ import annotations

import math
from datetime import timedelta

from pipeline.fit.clock import FIT_EPOCH, RELATIVE_TIME_LIMIT
from pipeline.fit.messages import Messages, fit_number
from pipeline.fit.models import ScaleReading

MAX_WEIGHT_KG = 655.0  # uint16 / 100: the largest weight FIT can hold


def scale_readings(msgs: Messages) -> list[ScaleReading]:
    """The usable readings of the ``weight_scale`` messages, in file order (UTC, kg)."""
    readings: list[ScaleReading] = []
    for values in msgs.weight_scale:
        stamp = fit_number(values.get("timestamp"))
        weight = values.get("weight")
        user = values.get("user_profile_index")
        if stamp is None or stamp < RELATIVE_TIME_LIMIT:
            continue
        if isinstance(weight, (int, float)) and math.isfinite(weight) and 0 < weight < MAX_WEIGHT_KG:
            readings.append(ScaleReading(timestamp=FIT_EPOCH + timedelta(seconds=stamp), weight_kg=float(weight),
                                         user_index=user if isinstance(user, int) else None))
    return readings
