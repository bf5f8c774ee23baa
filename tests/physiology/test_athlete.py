"""Who the athlete is: override > config > FIT user profile > documented population default."""
from __future__ import annotations

import pytest

from pipeline.core.config import AthleteConfig
from pipeline.fit.models import UserProfile
from pipeline.physiology.athlete import POPULATION_DEFAULTS, resolve_athlete


def test_config_wins_and_fit_profile_fills_the_gaps():
    config = AthleteConfig(body_mass_kg=72.0, sex="female")
    profile = UserProfile(body_mass_kg=80.0, height_cm=168.0, age=41.0, sex="male", hr_rest_bpm=48.0,
                          hr_max_bpm=182.0, ftp_w=230.0)
    athlete = resolve_athlete(config, profile)
    assert (athlete.body_mass_kg, athlete.sex) == (72.0, "female")
    assert (athlete.height_cm, athlete.age, athlete.hr_rest_bpm, athlete.hr_max_bpm, athlete.ftp_w) == (
        168.0, 41.0, 48.0, 182.0, 230.0)
    assert athlete.sources["body_mass_kg"] == "config" and athlete.sources["height_cm"] == "fit"
    assert athlete.assumptions() == []


def test_override_beats_config():
    athlete = resolve_athlete(AthleteConfig(body_mass_kg=72.0), None, {"body_mass_kg": 55.0, "sex": None})
    assert athlete.body_mass_kg == 55.0 and athlete.sources["body_mass_kg"] == "override"


def test_population_defaults_are_named_in_the_report():
    athlete = resolve_athlete(AthleteConfig(), UserProfile())
    assert athlete.body_mass_kg == POPULATION_DEFAULTS["body_mass_kg"]
    assert athlete.sex is None
    # Tanaka et al. 2001: 208 − 0.7 · 35 = 183.5 bpm
    assert athlete.hr_max_bpm == pytest.approx(183.5)
    notes = " ".join(athlete.assumptions())
    assert "body_mass_kg" in notes and "sex unknown" in notes and "Tanaka" in notes


def test_placeholder_profile_values_are_not_data():
    athlete = resolve_athlete(AthleteConfig(), UserProfile(body_mass_kg=0.0, age=255.0, height_cm=0.0))
    assert athlete.sources["body_mass_kg"] == "default" and athlete.sources["age"] == "default"
