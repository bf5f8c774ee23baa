"""Whether a stored answer still stands, read from the catalog alone (no decoding).

* :func:`answer_is_current`: a stored estimate was made from the inputs the same question would
  use now — the model version, the config, the weather override and the calibration of its leg
  sports (the fingerprint of :mod:`pipeline.usecases.provenance`). The after-ride question
  answers from a current one; the nightly re-estimates those that are not.
* :func:`yields_to_manual`: a weather override the rider gave by hand wins over the nightly's
  automatic answer, whichever finishes last.
"""
from __future__ import annotations

from pipeline.core.config import Config
from pipeline.core.inputs import WeatherOverride
from pipeline.physiology.calibration import CalibrationPoint
from pipeline.store.catalog import ActivityRow
from pipeline.usecases.provenance import calibrations, estimate_inputs, sports_from_text


def answer_is_current(row: ActivityRow, config: Config, points: list[CalibrationPoint],
                      override: WeatherOverride | None = None) -> bool:
    """Whether a stored estimate was made from the inputs the same question would use now:
    the model version, the config, the override (``override``; default: the one it was made with)
    and the calibration of its leg sports from the weigh-ins ``points``. Cheap: no decoding.
    Rows from before fingerprints were kept are never current."""
    if row.inputs_fingerprint is None:
        return False
    t, h = ((override.temperature_c, override.humidity_pct) if override is not None
            else (row.override_temperature_c, row.override_humidity_pct))
    now = estimate_inputs(config, t, h, calibrations(points, sports_from_text(row.calibration_sports, row.sport)))
    return now.fingerprint == row.inputs_fingerprint


def override_matches(row: ActivityRow, override: WeatherOverride) -> bool:
    """Whether a stored activity was estimated with this same weather override."""
    return (row.override_temperature_c == override.temperature_c
            and row.override_humidity_pct == override.humidity_pct)


def yields_to_manual(stored: ActivityRow | None, override: WeatherOverride) -> bool:
    """Whether an automatic answer made with ``override`` (none, for a new file of the nightly; the
    stored one, for a re-estimate) must leave the stored answer alone: the rider gave a weather
    override by hand (``sweatline ride --temp/--humidity``) and it is not the one this answer used.
    The rule: an explicit manual override wins over the nightly's automatic answer,
    whichever finishes last."""
    if stored is None or (stored.override_temperature_c is None and stored.override_humidity_pct is None):
        return False
    return not override_matches(stored, override)
