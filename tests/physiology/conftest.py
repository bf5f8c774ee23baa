"""Fixtures of the physiology tests: a reference athlete and climate."""
from __future__ import annotations

import pytest

from pipeline.core.config import ClimateConfig
from pipeline.physiology.athlete import Athlete


@pytest.fixture
def rider() -> Athlete:
    return Athlete(body_mass_kg=70.0, height_cm=175.0, sex="male", age=35.0, hr_rest_bpm=55.0, hr_max_bpm=185.0,
                   ftp_w=250.0, sources={})


@pytest.fixture
def climate() -> ClimateConfig:
    return ClimateConfig(temperature_c=20.0, humidity_pct=50.0)
