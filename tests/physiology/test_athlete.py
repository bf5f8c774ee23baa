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


@pytest.mark.parametrize(("configured_kg", "profile_kg", "noted"), [
    (172.0, 78.0, True),   # 78 kg typed in pounds (78 kg = 172 lb, NIST: 1 lb = 0.45359237 kg)
    (35.4, 78.0, True),    # the other way: 78 lb is 35.4 kg
    (78.0, 95.0, True),    # 95/78 = 1.22: beyond a severe year's change
    (78.0, 93.0, False),   # 93/78 = 1.19: within it
    (72.0, 80.0, False),   # an old profile a few kilograms off
])
def test_a_configured_body_mass_the_watch_contradicts_is_noted(configured_kg, profile_kg, noted) -> None:
    athlete = resolve_athlete(AthleteConfig(body_mass_kg=configured_kg), UserProfile(body_mass_kg=profile_kg))
    assert athlete.body_mass_kg == configured_kg  # the config still wins: the note asks the user to check
    lines = [n for n in athlete.assumptions() if "watch's profile" in n]
    assert bool(lines) is noted
    if noted:
        assert lines == [f"body mass {configured_kg:g} kg in the config differs from the watch's profile "
                         f"({profile_kg:g} kg) by more than a body changes in a year: used as in the config, "
                         "but check it (pounds typed as kilograms?)"]


def test_no_disagreement_is_noted_without_a_profile_or_when_the_profile_is_used() -> None:
    assert not [n for n in resolve_athlete(AthleteConfig(body_mass_kg=172.0), UserProfile()).assumptions()
                if "watch's profile" in n]
    assert not [n for n in resolve_athlete(AthleteConfig(), UserProfile(body_mass_kg=78.0)).assumptions()
                if "watch's profile" in n]
