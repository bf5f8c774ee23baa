"""The drinking plan against ACSM 2007 / NATA 2017 (SCIENCE.md §4) and its one hard rule:
never advise drinking more than is lost."""
from __future__ import annotations

import itertools
import math

import pytest

from pipeline.advice.plan import (
    after_ml,
    before_ml,
    carry_bottles,
    drinking_cap_ml_per_h,
    during_max_ml_per_h,
    during_ml_per_h,
    hyponatremia_factors,
    hyponatremia_risk,
    make_plan,
)
from pipeline.core.schema import SweatBlock


def sweat(rate_l_per_h: float, duration_h: float, low_share: float = 0.7, high_share: float = 1.35,
          calibrated: bool = False) -> SweatBlock:
    """A consistent estimate: low_l <= total_l <= high_l for low_share <= 1 <= high_share."""
    total = rate_l_per_h * duration_h
    return SweatBlock(total_l=total, low_l=total * low_share, high_l=total * high_share, rate_l_per_h=rate_l_per_h,
                      sodium_mg=total * 920, potassium_mg=total * 200, body_mass_loss_pct=None, calibrated=calibrated)


def test_before_is_5_to_7_ml_per_kg():
    # ACSM 2007 / NATA 2017: about 5-7 mL per kg at least 4 h before
    for mass in (45.0, 62.5, 70.0, 95.0, 130.0):
        assert 5 * mass - 50 <= before_ml(mass) <= 7 * mass
    assert before_ml(70) == 350  # 5 mL/kg x 70 kg, the low end


def test_before_refuses_impossible_mass():
    with pytest.raises(ValueError, match="body_mass_kg"):
        before_ml(0)


def test_during_holds_the_2_percent_line_when_the_sweat_rate_allows():
    # 70 kg, 3 h at 1.0 L/h: 3.0 L lost; 2 % of 70 kg = 1.4 L may be left as deficit,
    # so (3.0 - 1.4) / 3 = 533 mL/h is needed (ACSM 2007: keep loss < 2 % of body mass).
    s = sweat(1.0, 3.0, low_share=0.85)
    rate = during_ml_per_h(s, 3.0, 70.0)
    assert 500 <= rate <= 533.4
    assert rate <= drinking_cap_ml_per_h(s)


def test_during_is_at_least_the_typical_400_ml_per_h_when_the_sweat_rate_allows():
    # ACSM 2007: typical 0.4-0.8 L/h; a 1 h run at 1.2 L/h loses 1.2 L (< 2 % of 70 kg) but 400 mL/h is still fine
    assert during_ml_per_h(sweat(1.2, 1.0), 1.0, 70.0) == 400


def test_during_never_exceeds_the_typical_800_ml_per_h():
    assert during_ml_per_h(sweat(2.4, 5.0, low_share=0.9), 5.0, 60.0) == 800


def test_during_uses_the_low_end_of_an_uncalibrated_rate():
    # 0.5 L/h, range 0.6x-1.4x: the plan may not exceed the low end, 300 mL/h
    s = sweat(0.5, 2.0, low_share=0.6)
    assert drinking_cap_ml_per_h(s) == pytest.approx(300)
    assert during_ml_per_h(s, 2.0, 70.0) == 300
    calibrated = sweat(0.5, 2.0, low_share=0.6, calibrated=True)
    assert during_ml_per_h(calibrated, 2.0, 70.0) == 400  # measured: the rate itself is the cap, 400 typical


def test_during_is_never_above_the_sweat_rate_over_many_inputs():
    rates = (0.05, 0.12, 0.3, 0.45, 0.8, 1.1, 1.6, 2.2, 3.0)
    durations = (0.25, 0.75, 1.0, 1.5, 2.5, 4.0, 6.0, 9.0)
    masses = (40.0, 55.0, 70.0, 85.0, 120.0)
    shares = (0.3, 0.55, 0.75, 1.0)
    checked = 0
    for rate, hours, mass, low, calibrated in itertools.product(rates, durations, masses, shares, (False, True)):
        s = sweat(rate, hours, low_share=low, calibrated=calibrated)
        details = make_plan(s, hours, mass, long_session_min=60, bottle_ml=750)
        during = details.block.during_ml_per_h
        assert 0 <= during <= rate * 1000 + 1e-6, (rate, hours, mass, low, calibrated)
        if not calibrated:
            assert during <= rate * low * 1000 + 1e-6
        assert during > 0  # something to say even for a short, light session
        # after: never more than 1.5 L per kg of what is left to replace (ACSM 2007)
        assert details.block.after_ml <= 1.5 * max(s.total_l - details.drunk_during_l, 0) * 1000 + 1e-6
        checked += 1
    assert checked == len(rates) * len(durations) * len(masses) * len(shares) * 2


def test_short_sessions_get_no_bottles_and_long_ones_enough_for_the_plan():
    assert carry_bottles(500, 0.75, 750, long_session_min=60) == 0
    assert carry_bottles(500, 3.0, 750, long_session_min=60) == 2      # 1.5 L in 750 mL bottles
    assert carry_bottles(450, 4.0, 750, long_session_min=60) == 3      # 1.8 L -> 3 bottles (last one part-full)
    assert carry_bottles(500, 1.0, 500, long_session_min=60) == 1      # exactly at the threshold: carry
    assert carry_bottles(500, 1.5, 750, long_session_min=120) == 0     # the config decides what "long" is


def test_after_is_1_5_l_per_kg_lost():
    # ACSM 2007: 1.5 L of fluid for each kg of body mass lost (1 kg = 1 L)
    assert after_ml(1.0) == 1500
    assert after_ml(2.0, drunk_during_l=1.2) == 1200
    assert after_ml(0.5, drunk_during_l=0.9) == 0  # drank more than lost: nothing to replace


def test_no_step_at_the_long_session_threshold():
    # "after" once jumped from 850 mL at 59 min to 250 mL at 60 min. One formula for every duration:
    # 0.72 L/h, 70 kg (ACSM 2007 / NATA 2017: 1.25-1.5 L per kg still missing)
    at_59 = make_plan(sweat(0.72, 59 / 60), 59 / 60, 70.0, long_session_min=60, bottle_ml=750)
    at_60 = make_plan(sweat(0.72, 1.0), 1.0, 70.0, long_session_min=60, bottle_ml=750)
    assert at_59.block.carry_bottles == 0 and at_60.block.carry_bottles == 1   # only the bottle advice changes
    assert at_59.block.after_ml <= at_60.block.after_ml <= at_59.block.after_ml + 50
    assert at_59.block.during_ml_per_h == at_60.block.during_ml_per_h


MASSES = (45.0, 55.0, 70.0, 90.0, 120.0)
SHARES = ((0.3, 1.05), (0.55, 1.2), (0.7, 1.35), (0.85, 1.6), (1.0, 1.0))   # (low/total, high/total)


def _falls_only_where_the_lower_figure_rises(plans: list) -> bool:
    """The after-figure is 1.25 L per litre still missing once the lower figure *as shown* is drunk:
    it may fall only where that figure stepped up (50 mL/h more drunk), never otherwise."""
    return all(b.block.after_ml >= a.block.after_ml or b.block.during_ml_per_h * b.duration_h
               > a.block.during_ml_per_h * a.duration_h for a, b in zip(plans, plans[1:]))


def test_after_rises_with_the_sweat_lost_and_the_duration():
    # "after" was once inverted (150 mL after a 5 h ride with 3.8 L of sweat, 700 mL after 53 min).
    # The deficit left after drinking grows with the loss, and 1.25 L per litre of it (NATA 2017) with it,
    # except where the lower figure itself steps up by 50 mL/h (then less is missing at the end).
    minutes = list(range(10, 12 * 60 + 1, 7)) + [59, 60, 61]
    for mass, (low, high), calibrated in itertools.product(MASSES, SHARES, (False, True)):
        for rate in (0.1, 0.3, 0.5, 0.8, 1.2, 2.0):
            plans = [make_plan(sweat(rate, m / 60, low, high, calibrated), m / 60, mass, 60, 750) for m in sorted(minutes)]
            assert _falls_only_where_the_lower_figure_rises(plans), (mass, low, high, calibrated, rate)
        for hours in (0.5, 59 / 60, 1.0, 2.0, 5.0, 9.5):
            plans = [make_plan(sweat(r / 100, hours, low, high, calibrated), hours, mass, 60, 750) for r in range(5, 301, 5)]
            assert _falls_only_where_the_lower_figure_rises(plans), (mass, low, high, calibrated, hours)
    # the reported cases: a 5 h ride with 3.8 L of sweat now gets more "after" than a 53-minute ride
    five_h = make_plan(sweat(3.8 / 5, 5.0, 0.65), 5.0, 70.0, 60, 750).block.after_ml
    short = make_plan(sweat(0.72, 53 / 60, 0.65), 53 / 60, 70.0, 60, 750).block.after_ml
    assert five_h > short


def _breathing_sweat(rate: float, hours: float, breath_l: float, low: float, high: float, calibrated: bool):
    return sweat(rate, hours, low, high, calibrated).model_copy(update={"respiratory_water_l": breath_l})


@pytest.mark.parametrize("hours", [1.0, 2.0, 4.0, 9.5, 24.0, 40.0, 60.0])
@pytest.mark.parametrize("calibrated", [False, True])
@pytest.mark.parametrize("rate", [0.29, 0.6, 1.1])
def test_after_is_what_the_shown_lower_figure_leaves_with_the_breath(hours: float, calibrated: bool, rate: float):
    """The plan agrees with itself (a 40 h run once said "Drink during 250 mL/h", "finish about 2.4 % down",
    "breathe out 2.9 L to drink back" and "Drink after 0 mL"). Expected values from the rules themselves:
    water missing = sweat + breath (Mitchell et al. 1972, ~0.07 L/h here) − lower figure × h; after =
    1.25 L per litre of it (NATA 2017), no more than the high end of the loss less the upper figure × h,
    rounded down to 50 mL."""
    breath = 0.0725 * hours
    s = _breathing_sweat(rate, hours, breath, 0.8 if calibrated else 0.65, 1.2 if calibrated else 1.35, calibrated)
    p = make_plan(s, hours, 70.0, 60, 750)
    fluid = s.total_l + breath
    drunk = p.block.during_ml_per_h * hours / 1000
    missing = max(fluid - drunk, 0.0)
    assert p.deficit_if_plan_followed_pct == pytest.approx(100 * missing / 70.0)
    cap = s.high_l + breath - p.block.during_max_ml_per_h * hours / 1000
    # and never more than the rule applied to a life-threatening 10 % of body mass (IOM 1993): 1.25 x 7 L
    value = min(1.25 * missing, cap, 1.25 * 0.10 * 70.0)
    expected = math.floor(value * 1000 / 50 + 1e-9) * 50 if value >= 0.05 else None
    if expected is not None:
        assert p.block.after_ml == expected
    # "X % down" with "after 0 mL" cannot both be said: a deficit over 0.5 % of body mass gets an after-figure
    if p.deficit_if_plan_followed_pct > 0.5:
        assert p.block.after_ml >= 0.5 * min(missing, 7.0) * 1000
    # never more than the high end of what is lost, breath included
    assert p.block.during_max_ml_per_h * hours + p.block.after_ml <= (s.high_l + breath) * 1000 + 1e-6
    assert p.block.during_max_ml_per_h * hours <= s.total_l * 1000 + 1e-6


def test_never_more_than_is_sweated_over_a_grid():
    """The plan's invariant (pipeline/advice/plan.py docstring), over durations x rates x masses x ranges:

    lower <= upper; the upper figure for the whole session <= the central loss (so <= the high end);
    the lower figure <= the low end of the rate (uncalibrated); upper figure x duration + after <= high end.
    """
    checked = 0
    for hours, rate, mass, (low, high), calibrated in itertools.product(
            (0.25, 0.75, 59 / 60, 1.0, 1.5, 2.5, 4.0, 6.0, 9.5, 12.0), (0.0, 0.05, 0.2, 0.45, 0.8, 1.1, 1.6, 2.5),
            MASSES, SHARES, (False, True)):
        s = sweat(rate, hours, low, high, calibrated)
        p = make_plan(s, hours, mass, long_session_min=60, bottle_ml=750).block
        assert 0 <= p.during_ml_per_h <= p.during_max_ml_per_h
        assert p.during_max_ml_per_h * hours <= s.total_l * 1000 + 1e-6
        assert p.during_ml_per_h <= drinking_cap_ml_per_h(s) + 1e-6
        if not calibrated:
            assert p.during_ml_per_h <= rate * low * 1000 + 1e-6
        assert p.during_max_ml_per_h * hours + p.after_ml <= s.high_l * 1000 + 1e-6, (hours, rate, mass, low, high)
        assert p.after_ml >= 0 and p.before_ml > 0
        checked += 1
    assert checked == 10 * 8 * len(MASSES) * len(SHARES) * 2


def test_a_long_session_ends_near_the_2_percent_line():
    # a 9.5 h Ironman once ended 4.6 % down. ACSM 2007 / NATA 2017: keep the loss under about 2 % of
    # body mass. 9.5 h at 0.8 L/h, 70 kg: 7.6 L lost, 2 % = 1.4 L may remain, so (7.6 - 1.4) / 9.5 = 653 mL/h;
    # the upper figure rounds that down to 650 mL/h (50 mL steps): at the central estimate 1.425 L = 2.04 % left.
    s = sweat(0.8, 9.5, low_share=0.65, high_share=1.35)
    p = make_plan(s, 9.5, 70.0, 60, 750)
    assert p.block.during_max_ml_per_h == 650
    assert p.block.during_ml_per_h <= 0.8 * 0.65 * 1000     # the lower figure stays under the low-end rate
    assert p.deficit_at_upper_pct <= 2.0 + 100 * 0.05 * 9.5 / 70  # 2 % plus at most the 50 mL/h rounding
    assert p.block.during_max_ml_per_h * 9.5 <= s.total_l * 1000  # never advised more than sweated
    assert p.block.carry_bottles == 9                        # 650 x 9.5 = 6.2 L in 750 mL bottles
    # after: 1.25 L per litre still missing (NATA 2017). Drinking the upper figure leaves the 2 % line, 1.4 L:
    # 1.25 x 1.4 = 1,750 mL; drinking the lower one leaves more, so the after-figure is larger
    assert p.after_if_upper_ml == 1750 and p.block.after_ml > p.after_if_upper_ml
    # a 10 h run at 0.5 L/h (once: 5.3 % down): the upper figure is the typical 400 mL/h, 1.0 L = 1.4 % left
    run = make_plan(sweat(0.5, 10.0, 0.65), 10.0, 70.0, 60, 750)
    assert run.block.during_max_ml_per_h == 400 and run.deficit_at_upper_pct == pytest.approx(100 / 70, abs=0.01)


def test_during_max_is_present_and_capped_at_the_central_rate():
    s = sweat(0.5, 2.0, low_share=0.6)
    assert during_ml_per_h(s, 2.0, 70.0) == 300               # low end of the rate
    assert during_max_ml_per_h(s, 2.0, 70.0) == 400           # ACSM's typical 400 mL/h, below the 500 mL/h rate
    assert during_max_ml_per_h(sweat(0.3, 2.0), 2.0, 70.0) == 300   # never above the central rate


def test_hyponatremia_needs_the_risk_factors_to_meet():
    # Hew-Butler et al. 2015 (risk factors: > 4 h or slow pace, female sex / low body weight, cold);
    # Almond et al. 2005 (racing time > 4:00 h, low BMI, female sex, drinking every mile)
    woman = make_plan(sweat(0.3, 3.5, 0.7), 3.5, 55.0, 60, 750)
    factors = hyponatremia_factors(woman, sweat(0.3, 3.5, 0.7), "female", 0.0)
    assert {"small", "low_sweat", "cool"} <= set(factors) and hyponatremia_risk(woman, factors)
    man = make_plan(sweat(1.0, 1.0, 0.7), 1.0, 75.0, 60, 750)
    factors = hyponatremia_factors(man, sweat(1.0, 1.0, 0.7), "male", 25.0)
    assert factors == [] and not hyponatremia_risk(man, factors)
    # a 30-minute session gets no drinking-during advice, so nothing to over-drink against
    short = make_plan(sweat(0.3, 0.5), 0.5, 50.0, 60, 750)
    assert not hyponatremia_risk(short, hyponatremia_factors(short, sweat(0.3, 0.5), "female", 0.0))
    # one factor alone (a 4.5 h ride at 1 L/h by a 70 kg man at 20 °C) is not enough
    ride = make_plan(sweat(1.0, 4.5, 0.8), 4.5, 70.0, 60, 750)
    assert hyponatremia_factors(ride, sweat(1.0, 4.5, 0.8), "male", 20.0) == ["long"]
