"""The fingerprint of an estimate's inputs changes with what changes a number, and only with that."""
from __future__ import annotations

from pathlib import Path

from pipeline.core.config import Config
from pipeline.physiology.sweat import Calibration
from pipeline.usecases.provenance import estimate_inputs


def _fp(config: Config, calibration: Calibration | None = None, temp: float | None = None) -> str:
    return estimate_inputs(config, temp, None, {"running": calibration}).fingerprint


def test_fingerprint_follows_the_inputs_that_change_an_estimate() -> None:
    base = Config.model_validate({"athlete": {"body_mass_kg": 70}})
    assert _fp(base) == _fp(Config.model_validate({"athlete": {"body_mass_kg": 70}}))  # canonical: stable
    assert _fp(base) != _fp(Config.model_validate({"athlete": {"body_mass_kg": 95}}))  # config body mass
    assert _fp(base) != _fp(base, Calibration(factor=1.2, cv=0.2, n=1))               # a weigh-in
    assert _fp(base, Calibration(1.2, 0.2, 1)) != _fp(base, Calibration(1.2, 0.2, 2))  # n counts
    assert _fp(base) != _fp(base, temp=30.0)                                           # weather override
    # where files are and when the nightly runs change no number
    moved = base.model_copy(update={"inbox": Path("/elsewhere"), "data_dir": Path("/other")})
    assert _fp(moved) == _fp(base)
    # float noise below what a report shows does not make an answer stale
    assert _fp(base, Calibration(1.2, 0.2, 1)) == _fp(base, Calibration(1.2000001, 0.2, 1))
