"""The drinking plan against ACSM 2007 / NATA 2017 (SCIENCE.md §4) and its one hard rule:
never advise drinking more than is lost."""
from __future__ import annotations

import itertools

import pytest

from pipeline.advice.plan import (after_ml, before_ml, carry_bottles, drinking_cap_ml_per_h, during_ml_per_h,
                                  make_plan)
from pipeline.schema import SweatBlock


def sweat(rate_l_per_h: float, duration_h: float, low_share: float = 0.7, high_share: float = 1.35,
          calibrated: bool = False) -> SweatBlock:
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


def test_short_session_plan_assumes_nothing_drunk_and_replaces_the_low_end():
    s = sweat(0.9, 0.75, low_share=0.7)     # 675 mL lost, low end 472 mL
    details = make_plan(s, 0.75, 70.0, long_session_min=60, bottle_ml=750)
    assert details.block.carry_bottles == 0
    assert details.drunk_during_l == 0
    assert details.block.after_ml == 700     # 1.5 x 0.4725 L = 709 mL, rounded down to 50 mL


def test_hyponatremia_flagged_for_low_sweat_rates_and_very_long_sessions():
    # Hew-Butler et al. 2015: drinking beyond sweat loss causes EAH; > 4 h is a risk factor
    assert make_plan(sweat(0.3, 2.0), 2.0, 70, 60, 750).hyponatremia_risk
    assert make_plan(sweat(1.0, 4.5, low_share=0.8), 4.5, 70, 60, 750).hyponatremia_risk
    assert not make_plan(sweat(1.0, 2.0, low_share=0.8), 2.0, 70, 60, 750).hyponatremia_risk
    # a 30-minute session gets no drinking-during advice, so nothing to over-drink against
    assert not make_plan(sweat(0.3, 0.5), 0.5, 70, 60, 750).hyponatremia_risk
