"""A multisport activity's headline plan agrees with its legs' plans.

A triathlon's swim leg has no drinking; the race's "Drink during" is what its legs ask for over the
whole race time, and its bottles carry the legs' upper volumes. Expected values are computed here
from the legs' own plans and timer times (the legs are planned by the same rules as any session).
"""
from __future__ import annotations

import math

import pytest
from shared_paths import SAMPLES

from pipeline.core.config import Config
from pipeline.fit import read_activity
from pipeline.usecases.analyse import analyse_activity


def _floor10(value_ml: float) -> float:
    """A race average's rounding: down to 10 mL/h (never above the legs it is made of)."""
    return math.floor(value_ml / 10.0 + 1e-9) * 10.0


@pytest.mark.parametrize("name", ["garmin-fr255-triathlon-1h07-summary-last.fit",
                                  "garmin-fenix2-multisport-6h50-7sessions.fit"])
def test_the_race_headline_is_made_of_its_legs(name: str) -> None:
    config = Config()
    report = analyse_activity(read_activity(SAMPLES / name), config).report
    hours = report.activity.timer_s / 3600.0
    planned = [(leg.plan, leg.timer_s) for leg in report.legs if leg.plan is not None]
    lower_ml = sum(p.during_ml_per_h * s / 3600.0 for p, s in planned)
    upper_ml = sum(p.during_max_ml_per_h * s / 3600.0 for p, s in planned)
    assert report.plan.during_ml_per_h == _floor10(lower_ml / hours)
    assert report.plan.during_max_ml_per_h == _floor10(upper_ml / hours)
    long_race = hours * 60 >= config.advice.long_session_min
    assert report.plan.carry_bottles == (math.ceil(upper_ml / config.advice.bottle_ml - 1e-9) if long_race else 0)
    for leg in report.legs:
        if leg.sport == "swimming":
            assert leg.plan.during_max_ml_per_h == 0
    # the advice text quotes the headline's figures, not a whole-race plan that drinks while swimming
    hydration = next(item.text for item in report.advice if item.topic == "hydration")
    assert f"{report.plan.during_max_ml_per_h:,.0f} mL per hour" in hydration
    assert report.plan.during_max_ml_per_h * hours <= report.sweat.total_l * 1000.0 + 1e-6  # never more than lost
