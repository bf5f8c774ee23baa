"""Every sport the code knows, walked through every consumer of a sport's facts: the intensity model,
the environment, the checks of a file's totals, the plan, the drinking plan of a leg, the advice and
the report. A sport added to ``pipeline.core.sports`` is tested here without a line more; a sport
not listed falls back to the stated generic profile.

Expected values come from the profile (the one place a fact is written) or from the sources the
profile cites, never from a consumer's own output.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.advice import underwater
from pipeline.advice.texts import sport_noun
from pipeline.core.config import Config
from pipeline.core.errors import InvalidValue
from pipeline.core.schema import LegBlock, Report, SweatBlock
from pipeline.core.sports import GENERIC, PLAN_SPORTS, SPORTS, TRIATHLON_LEGS, SportProfile, sport_profile
from pipeline.fit.checks import check_leg
from pipeline.fit.models import RECORD_COLUMNS, Activity, Leg
from pipeline.physiology.athlete import Athlete
from pipeline.physiology.environment import air_speed_m_per_s, device_mount
from pipeline.physiology.intensity import compendium_met, sample_intensity
from pipeline.physiology.planned import check_plan, planned_records
from pipeline.report.view import sport_label
from pipeline.usecases.analyse import MIN_ESTIMATE_S, leg_plan
from pipeline.weather.service import asks_for

PROFILES = sorted(SPORTS.values(), key=lambda p: p.name)
UNKNOWN = "floor_climbing"  # a FIT sport name (FIT profile sport 48) the code has no profile for
ATHLETE = Athlete(70.0, 175.0, "male", 35.0, 55.0, 185.0, None)


def _ids(profile: SportProfile) -> str:
    return profile.name


def _records(speed_m_per_s: float, n: int = 60) -> pd.DataFrame:
    frame = pd.DataFrame({c: np.full(n, np.nan) for c in RECORD_COLUMNS})
    elapsed = np.arange(n, dtype=float)
    frame["timestamp"] = pd.Timestamp("2024-06-01T08:00:00Z") + pd.to_timedelta(elapsed, unit="s")
    frame["elapsed_s"] = elapsed
    frame["timer_active"] = True
    frame["leg"] = 0
    frame["speed_m_per_s"] = speed_m_per_s
    frame["distance_m"] = speed_m_per_s * elapsed
    frame["altitude_m"] = 0.0
    return frame


@pytest.mark.parametrize("profile", PROFILES, ids=_ids)
def test_every_consumer_reads_the_sports_profile(profile: SportProfile) -> None:
    name = profile.name
    assert sport_profile(name) is profile
    assert compendium_met(name) == profile.met
    assert sport_noun(name) == profile.noun
    assert sport_label(name) == profile.label
    assert device_mount(None, name) == profile.sensor_mount  # an unknown device
    # no speed in the file: the sport's typical air speed while moving (never below still air)
    air = air_speed_m_per_s(np.array([np.nan]), np.array([True]), name, False)
    assert air[0] == pytest.approx(max(profile.typical_speed_m_per_s, 0.4))
    # a speed record above the sport's bound is not believed; one below it is
    below, above = profile.record_speed_max_m_per_s * 0.9, profile.record_speed_max_m_per_s * 1.1
    assert np.allclose(sample_intensity(_records(below), name, ATHLETE, 0.21).speed_m_per_s, below)
    assert np.isnan(sample_intensity(_records(above), name, ATHLETE, 0.21).speed_m_per_s).all()
    sources = set(sample_intensity(_records(below), name, ATHLETE, 0.21).source)
    assert ("speed" in sources) == (profile.on_foot or profile.pedalled)


@pytest.mark.parametrize("profile", PROFILES, ids=_ids)
def test_a_session_faster_than_any_human_in_the_sport_has_its_distance_set_aside(profile: SportProfile) -> None:
    ceiling = profile.session_speed_max_m_per_s
    fast = (ceiling or 100.0) * 1.2 * 3600.0  # an hour's distance beyond the ceiling (100 m/s: unbounded)
    warn: list[str] = []
    leg, _ = check_leg(Leg(index=0, sport=profile.name, elapsed_s=3600.0, timer_s=3600.0, distance_m=fast),
                       None, set(), "session", warn)
    if ceiling is None:
        assert leg.distance_m == fast and not warn
    else:
        assert leg.distance_m is None
        assert f"no one {profile.name} goes faster than ~{ceiling:g} m/s" in warn[0]


@pytest.mark.parametrize("profile", PROFILES, ids=_ids)
def test_the_plan_takes_the_sports_it_can_model_and_bounds_their_speed(profile: SportProfile) -> None:
    name = profile.name
    assert (name in PLAN_SPORTS) == profile.plannable
    if not profile.plannable:
        with pytest.raises(InvalidValue, match="not a sport the model knows"):
            check_plan(name, "1h", heart_rate_bpm=140)
        return
    top_kmh = round(profile.plan_speed_max_m_per_s * 3.6, 1)
    assert check_plan(name, "1h", speed_kmh=top_kmh).speed_kmh == top_kmh
    with pytest.raises(InvalidValue, match=f"at most {top_kmh:g} km/h"):
        check_plan(name, "1h", speed_kmh=top_kmh + 0.5)
    if profile.pedalled:
        assert check_plan(name, "1h", power_w=200).power_w == 200
    else:
        with pytest.raises(InvalidValue, match="cycling only"):
            check_plan(name, "1h", power_w=200)


@pytest.mark.parametrize("name", [p.name for p in PROFILES if p.plannable and p.on_foot])
def test_a_plan_at_its_sports_top_speed_is_estimated_from_that_speed(name: str) -> None:
    """A plan may not ask for a speed its own model would set aside: every record of a session
    planned at the bound is read as speed, not as the sport's Compendium value."""
    plan = check_plan(name, "10m", speed_kmh=round(sport_profile(name).plan_speed_max_m_per_s * 3.6, 1))
    records = planned_records(plan, ATHLETE.body_mass_kg)
    assert set(sample_intensity(records, name, ATHLETE, 0.21).source) == {"speed"}


def _sweat() -> SweatBlock:
    return SweatBlock(total_l=1.0, low_l=0.7, high_l=1.4, rate_l_per_h=1.0, sodium_mg=900.0, potassium_mg=200.0,
                      body_mass_loss_pct=1.4)


@pytest.mark.parametrize("profile", PROFILES, ids=_ids)
def test_a_leg_gets_a_drinking_rate_only_where_one_can_drink(profile: SportProfile) -> None:
    leg = LegBlock(index=0, sport=profile.name, timer_s=3600.0, sweat=_sweat())
    plan = leg_plan(leg, 70.0, Config())
    assert plan is not None
    assert (plan.during_max_ml_per_h > 0) == profile.drinks_during
    short = leg.model_copy(update={"timer_s": MIN_ESTIMATE_S / 2})  # too short to drink during, on land
    assert (leg_plan(short, 70.0, Config()) is None) == profile.drinks_during


@pytest.mark.parametrize("profile", PROFILES, ids=_ids)
def test_the_advice_and_the_weather_know_where_the_sport_is_done(profile: SportProfile) -> None:
    assert underwater(Report(), profile.name) == profile.underwater
    legs = [Leg(index=0, sport=profile.name)]
    activity = Activity(summary={"id": "0" * 64, "source": "x.fit", "sport": profile.name}, legs=legs,
                        records=pd.DataFrame(columns=list(RECORD_COLUMNS)))
    assert asks_for(activity) == (not profile.in_water)


def test_an_unknown_sport_gets_the_generic_profile_under_its_own_name() -> None:
    unknown = sport_profile(UNKNOWN)
    assert unknown.name == UNKNOWN and unknown.label == "floor climbing"
    for field in ("noun", "met", "plannable", "gait", "record_speed_max_m_per_s", "session_speed_max_m_per_s",
                  "typical_speed_m_per_s", "medium", "drinks_during", "underwater", "transition", "sensor_mount"):
        assert getattr(unknown, field) == getattr(GENERIC, field), field
    assert sport_profile(None) is GENERIC and sport_profile("") is GENERIC
    assert compendium_met(UNKNOWN) == 6.0  # Ainsworth et al. 2011: 6 METs and above is vigorous
    assert sport_noun(UNKNOWN) == "session" and sport_label(UNKNOWN) == "floor climbing"
    assert sport_label(None) == "activity (sport not recorded)"


def test_the_speed_bounds_agree_with_the_records_they_cite() -> None:
    """World records (World Athletics, World Aquatics, World Rowing): each bound lies above what
    the fastest humans do in the sport, and a walk's bound reaches the 50 km race-walk record."""
    bolt_peak, walk_50k, swim_50m, eight_2000m = 12.4, 50_000 / (3 * 3600 + 32 * 60 + 33), 50 / 20.91, 2000 / 318.68
    assert sport_profile("running").session_speed_max_m_per_s >= bolt_peak
    assert sport_profile("walking").record_speed_max_m_per_s >= walk_50k
    assert sport_profile("swimming").session_speed_max_m_per_s >= swim_50m
    assert sport_profile("rowing").session_speed_max_m_per_s >= eight_2000m
    for profile in PROFILES:  # a plan never asks what the model would not believe, nor what no human does
        assert profile.plan_speed_max_m_per_s <= profile.record_speed_max_m_per_s
        if profile.session_speed_max_m_per_s is not None:
            assert profile.plan_speed_max_m_per_s <= profile.session_speed_max_m_per_s


def test_the_triathlon_legs_have_titles_and_swim_first() -> None:
    assert [sport_profile(s).leg_title for s in TRIATHLON_LEGS] == ["Swim", "Bike", "Run"]
    assert not sport_profile(TRIATHLON_LEGS[0]).drinks_during  # the swim: no drinking rate
