"""What an estimate was made from, and a fingerprint of it: answers that follow their inputs.

A stored report is the right answer only while everything it was computed from is unchanged:

* the file's bytes (its SHA-256, the catalog key);
* :data:`MODEL_VERSION`, the model's own revision;
* the config sections the estimate reads: ``athlete``, ``climate``, ``model``, ``advice`` and any
  section added later (only ``inbox``, ``data_dir`` and ``nightly`` are left out: where files are
  and when the nightly runs do not change a number);
* the weather override (``--temp`` / ``--humidity``);
* the athlete's personal calibration (factor, spread, n) for the sport of each leg.

All but the first are known *before* the file is decoded: :func:`estimate_inputs` builds them from
the config, the override and the weigh-ins (pure arithmetic over a few rows), and
:func:`fingerprint` hashes their canonical JSON. The catalog keeps the fingerprint and the leg
sports with each activity (``inputs_fingerprint``, ``calibration_sports``), so the after-ride
question and the nightly can tell a stale answer without decoding anything; ``report.json`` carries
the readable inputs (:class:`pipeline.core.schema.InputsBlock`). The athlete values and weather the
model then used (after the FIT profile and the device filled gaps) follow from these and the
file, so they are shown but not hashed.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pipeline.core.config import Config
from pipeline.core.schema import CalibrationInput, InputsBlock
from pipeline.physiology.calibration import Calibration, CalibrationPoint, calibrate

MODEL_VERSION = "18"
"""The model's revision: bump it when an equation, a constant or the advice changes what a report
says, and every stored answer becomes stale (the nightly re-estimates the last 30 days)."""

NOT_ESTIMATE_INPUTS = frozenset({"inbox", "data_dir", "nightly", "source", "limits", "dask", "serve", "sync", "notify"})
"""Config keys that do not change a stored answer (``limits`` and ``dask`` say how and where files
run, ``serve`` where the UI listens, ``sync`` where files come from, ``notify`` who hears of the
night, not what they give: left out, a stored answer stays current
when they change). ``units`` is kept: it changes what report.html/.md say, so a report made in
other units is made again."""


def calibrations(points: Sequence[CalibrationPoint], sports: Iterable[str]) -> dict[str, Calibration | None]:
    """The calibration for each sport from the weigh-ins ``points`` (None without any weigh-in)."""
    return {sport: (calibrate(points, sport) if points else None) for sport in dict.fromkeys(sports)}


def _calibration_input(calibration: Calibration | None) -> CalibrationInput | None:
    if calibration is None:
        return None  # rounded as shown, so float noise never makes an answer stale
    return CalibrationInput(factor=round(calibration.factor, 3), cv=round(calibration.cv, 3), n=calibration.n)


def estimate_inputs(config: Config, override_temperature_c: float | None, override_humidity_pct: float | None,
                    calibration_by_sport: Mapping[str, Calibration | None]) -> InputsBlock:
    """The inputs known before decoding, with their fingerprint (``athlete``/``weather`` left empty)."""
    sections = config.model_dump(mode="json", exclude=set(NOT_ESTIMATE_INPUTS))
    config_part = {k: v for k, v in sorted(sections.items()) if isinstance(v, dict)}
    override = {"temperature_c": override_temperature_c, "humidity_pct": override_humidity_pct}
    calib = {sport: _calibration_input(c) for sport, c in sorted(calibration_by_sport.items())}
    canonical = {
        "model_version": MODEL_VERSION, "config": config_part, "units": config.units, "override": override,
        "calibration": {s: (c.model_dump() if c is not None else None) for s, c in calib.items()},
    }
    return InputsBlock(model_version=MODEL_VERSION, fingerprint=fingerprint(canonical), config=config_part,
                       override=override, calibration=calib)


def fingerprint(canonical: Mapping[str, Any]) -> str:
    """SHA-256 (hex, first 32 characters) of ``canonical`` as sorted, compact JSON."""
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def sports_text(sports: Iterable[str]) -> str:
    """The leg sports as the catalog keeps them (``calibration_sports``): comma-separated, in order."""
    return ",".join(dict.fromkeys(sports))


def sports_from_text(text: str | None, fallback: str) -> list[str]:
    return [s for s in (text or "").split(",") if s] or [fallback]
