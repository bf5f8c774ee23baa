"""Personal calibration from weigh-ins: the measured-loss formula, its refusals, and the Bayesian
factor (a synthetic athlete who sweats 1.4 × what the model says)."""
from __future__ import annotations

import math

import pytest

from flows.cli.weigh_in import FLAGS as WEIGH_IN_FLAGS
from pipeline.core.errors import InvalidValue
from pipeline.physiology.calibration import (
    DAY_TO_DAY_CV,
    PRIOR_CV,
    CalibrationPoint,
    calibrate,
    factor_source,
    measured_sweat_loss_l,
    posterior,
    rate_origin,
    uncalibrated_log_sd,
)
from pipeline.physiology.sweat import Calibration, sweat_range_l, sweat_totals

# --- measured sweat loss: pre − post + drank − urine, 1 kg ≈ 1 L (Baker 2017 Table 3; Sawka et al. 2007)

def test_measured_loss_formula() -> None:
    # 70.0 − 68.8 + 0.75 − 0.20 = 1.75 L (Baker 2017, Table 3 WBSR numerator)
    assert measured_sweat_loss_l(70.0, 68.8, 0.75, 0.20) == pytest.approx(1.75)
    # nothing drunk, nothing passed: the mass lost is the sweat lost
    assert measured_sweat_loss_l(82.4, 81.1) == pytest.approx(1.3)
    # drinking not recorded (None) counts as 0: a lower bound
    assert measured_sweat_loss_l(70.0, 69.2, None, None) == pytest.approx(0.8)


@pytest.mark.parametrize(("args", "option", "words"), [
    ((70.0, 71.0, 0.5, 0.0), "--post", "more than"),         # post > pre + drank: a net gain
    ((70.0, 69.0, -0.5, 0.0), "--drank", "0 or more"),         # negative volume
    ((70.0, 69.0, 0.0, -0.1), "--urine", "0 or more"),
    ((70.0, 62.0, 0.0, 0.0), "--post", "10 %"),                # 8 L from 70 kg: over 10 % of body mass
    ((70.0, 69.8, 0.0, 0.5), "--urine", "no sweat loss"),      # urine exceeds what was lost
    ((0.0, 69.0, 0.0, 0.0), "--pre", "between 25 and 250"),
    ((70.0, 69.0, 750.0, 0.0), "--drank", "litres"),           # millilitres typed as litres
])
def test_implausible_weigh_ins_are_refused_with_one_line(args, option: str, words: str) -> None:
    with pytest.raises(InvalidValue) as info:
        measured_sweat_loss_l(*args)
    message = f"{WEIGH_IN_FLAGS[info.value.field]}: {info.value.reason}"  # as the command line shows it
    assert message.startswith(option + ": ") and words in message and "\n" not in message


# --- the calibration factor ------------------------------------------------------------------

TRUE_FACTOR = 1.4
# Model estimates [L] of four sessions of one athlete (whatever the model says; what matters is the
# ratio), and realistic day-to-day deviations of the measured truth: Smith, Bello & Price (2021)
# report mean session-to-session differences of 0.14–0.16 L·h⁻¹, ≈ ±15 % of ~1 L·h⁻¹; we use
# deviations inside that band.
MODEL_L = [1.10, 1.65, 0.95]
DAY_DEVIATION = [1.06, 0.95, 1.03]
FOURTH_MODEL_L = 1.30


def _athlete_points(sport: str = "running") -> list[CalibrationPoint]:
    return [CalibrationPoint(sport, TRUE_FACTOR * m * d, m) for m, d in zip(MODEL_L, DAY_DEVIATION)]


def test_three_weigh_ins_bring_the_estimate_within_10_percent_and_narrow_the_range() -> None:
    calibration = calibrate(_athlete_points(), "running")
    assert calibration is not None and calibration.n == 3
    truth = TRUE_FACTOR * FOURTH_MODEL_L
    before = sweat_totals(FOURTH_MODEL_L, FOURTH_MODEL_L, 3600.0, 70.0)
    after = sweat_totals(FOURTH_MODEL_L, FOURTH_MODEL_L, 3600.0, 70.0, calibration)
    assert abs(before.total_l - truth) / truth > 0.25  # the model alone is far off for this athlete
    assert abs(after.total_l - truth) / truth < 0.10
    assert after.calibrated and after.calibration_n == 3
    assert after.calibration_factor == pytest.approx(calibration.factor)
    assert (after.high_l - after.low_l) / after.total_l < (before.high_l - before.low_l) / before.total_l
    assert after.low_l < truth < after.high_l


def test_one_noisy_weigh_in_moves_the_estimate_only_part_of_the_way() -> None:
    # a single weigh-in saying 1.6 × the model (a warm day, or a misread scale)
    single = posterior([CalibrationPoint("running", 1.6 * 1.0, 1.0)], "running")
    assert 1.0 < single.factor < 1.6
    assert single.factor < 1.0 + 0.9 * 0.6  # well short of believing it fully
    three = posterior(_athlete_points(), "running")
    assert single.predictive_log_sd > three.predictive_log_sd  # one weigh-in: still a wide range


def test_small_losses_count_for_less_than_large_ones() -> None:
    # The same ratio (1.4) from a 0.3 L session and from a 2.1 L session: the scale's absolute error
    # (Cheuvront et al. 2002: 14–41 % errors in the cool, small losses) makes the first less certain.
    small = posterior([CalibrationPoint("running", 0.42, 0.30)])
    large = posterior([CalibrationPoint("running", 2.10, 1.50)])
    assert 1.0 < small.factor < large.factor < 1.4
    assert small.log_sd > large.log_sd


def test_scattered_weigh_ins_widen_the_range() -> None:
    agreeing = posterior([CalibrationPoint("cycling", r, 1.0) for r in (1.35, 1.42, 1.40)])
    scattered = posterior([CalibrationPoint("cycling", r, 1.0) for r in (0.80, 2.30, 1.30)])
    assert scattered.predictive_log_sd > agreeing.predictive_log_sd
    # ... but never wider than the model alone (weigh-ins can only make the estimate better)
    assert scattered.predictive_log_sd <= uncalibrated_log_sd()
    # the point farthest from the others (2.30) is down-weighted by its Student-t weight (ν+1)/(ν+r²/σ²) < 1
    assert min(scattered.weights) == scattered.weights[1] < 1.0 <= min(agreeing.weights)


# --- robust by construction ----------------------------------------------------------------

def test_two_disagreeing_weigh_ins_never_give_a_negative_or_absurd_range() -> None:
    # measured ÷ model 1.88 and 0.54 on realistic sessions (model 1.5 L each): on main this gave
    # "factor 1.01 ± 103 %" and ranges below zero
    points = [CalibrationPoint("running", 1.88 * 1.5, 1.5), CalibrationPoint("running", 0.54 * 1.5, 1.5)]
    calibration = calibrate(points, "running")
    assert calibration is not None and calibration.n == 2
    assert 0.54 < calibration.factor < 1.88                   # between the two, pulled by neither
    # never wider than no calibration: prior CV 0.35 (Baker 2017) and day-to-day 0.15 (Smith 2021)
    # together on the log scale, sqrt(ln(1 + 0.35²) + ln(1 + 0.15²)) = 0.3712 -> CV 38.4 %
    assert calibration.cv <= math.sqrt(math.expm1(math.log1p(0.35**2) + math.log1p(0.15**2))) + 1e-9
    for total in (0.05, 1.0, 3.4, 8.0):
        low, high = sweat_range_l(total, calibration)
        assert 0 < low < total < high and high / low <= math.exp(2 * 0.3713)
        totals = sweat_totals(total, total, 3600.0, 70.0, calibration)
        assert 0 < totals.low_l < totals.total_l < totals.high_l
    # the widest CV a calibration could ever claim still keeps the range above zero (log scale)
    low, high = sweat_range_l(2.0, Calibration(factor=1.0, cv=1.03, n=2))
    assert low > 0 and low == pytest.approx(2.0 * math.exp(-math.sqrt(math.log1p(1.03**2))))


def test_one_outlying_weigh_in_is_down_weighted() -> None:
    agreeing = [CalibrationPoint("running", r * 1.5, 1.5) for r in (1.40, 1.45, 1.35)]
    outlier = CalibrationPoint("running", 4.5 * 1.5, 1.5)   # a forgotten bottle, a mistyped weight
    base, robust = posterior(agreeing), posterior(agreeing + [outlier])
    # a normal likelihood would move ln f by about a quarter of ln(4.5/1.4) = 1.17, i.e. ×1.34;
    # the Student-t (ν = 4, Lange et al. 1989) moves it by less than 5 %
    assert robust.factor == pytest.approx(base.factor, rel=0.05)
    assert robust.weights[-1] < 0.2
    # beyond 5.73 / 1.21 (Baker et al. 2016's extremes against their mean) it is left out altogether
    beyond = posterior(agreeing + [CalibrationPoint("running", 5.0 * 1.5, 1.5)])
    assert (beyond.factor, beyond.n) == (base.factor, base.n)


def test_ironman_weigh_in_counts_only_mass_lost() -> None:
    # 72 − 68.5 = 3.5 kg lost = 4.9 % of 72 kg (under 10 %), sweat 3.5 + 6 = 9.5 L over 11 h = 0.86 L/h
    assert measured_sweat_loss_l(72.0, 68.5, 6.0, 0.0, 11 * 3600.0) == pytest.approx(9.5)


@pytest.mark.parametrize(("args", "option", "words"), [
    ((70.0, 69.0, 0.0, 0.0, 13.0), "ACTIVITY", "too short"),              # a 13-second file
    ((70.0, 69.9, 0.0, 0.0, 120.0), "ACTIVITY", "too short"),             # a 2-minute file
    ((75.0, 68.0, 3.0, 0.0, 77 * 60.0), "--post", "L/h"),                 # 10 L in 77 min = 7.8 L/h > 5.73 (Baker 2016)
    ((70.0, 69.95, 0.0, 0.0, 3 * 3600.0), "--post", "L/h"),               # 0.05 L in 3 h = 0.017 L/h
])
def test_weigh_ins_outside_human_sweating_are_refused_with_one_line(args, option: str, words: str) -> None:
    with pytest.raises(InvalidValue) as info:
        measured_sweat_loss_l(*args)
    message = f"{WEIGH_IN_FLAGS[info.value.field]}: {info.value.reason}"
    assert message.startswith(option + ": ") and words in message and "\n" not in message


def test_no_weigh_ins_means_no_calibration_and_prior_constants_are_the_published_ones() -> None:
    assert calibrate([], "running") is None
    assert PRIOR_CV == pytest.approx(0.35)        # SCIENCE §3: CV ≈ 30–40 % between athletes
    assert DAY_TO_DAY_CV == pytest.approx(0.15)   # Smith, Bello & Price 2021: ≈ 0.15 L·h⁻¹
    low, high = sweat_range_l(1.0)  # ±1 SD of a log-normal with CV 0.35: e^∓sqrt(ln(1 + 0.35²))
    assert (low, high) == pytest.approx((math.exp(-0.33994), math.exp(0.33994)), rel=1e-4)


def test_per_sport_when_there_is_data_pooled_otherwise() -> None:
    points = _athlete_points("running") + [CalibrationPoint("cycling", 0.9, 1.0), CalibrationPoint("cycling", 0.85, 1.0)]
    running = posterior(points, "running")
    cycling = posterior(points, "cycling")
    swimming = posterior(points, "swimming")
    assert running.sport == "running" and running.n == 3 and running.factor > 1.25
    assert cycling.sport == "cycling" and cycling.n == 2 and cycling.factor < 1.0
    assert swimming.sport is None and swimming.n == 5  # no swimming weigh-ins: all pooled


def test_lower_bounds_only_raise_the_estimate() -> None:
    base = _athlete_points()
    # drinking unknown: a bound BELOW the prediction carries no news ...
    low_bound = posterior(base + [CalibrationPoint("running", 0.8, 1.0, lower_bound=True)], "running")
    assert low_bound.n == 3
    assert low_bound.factor == pytest.approx(posterior(base, "running").factor)
    # ... a bound ABOVE it shows the athlete sweated at least that much
    high_bound = posterior(base + [CalibrationPoint("running", 1.9, 1.0, lower_bound=True)], "running")
    assert high_bound.n == 4 and high_bound.factor > posterior(base, "running").factor
    # on its own, a bound above 1 still moves a new athlete up
    alone = posterior([CalibrationPoint("running", 1.5, 1.0, lower_bound=True)])
    assert alone.n == 1 and alone.factor > 1.0


@pytest.mark.parametrize("pre_kg", [70.0, 100.0, 154.3, 33.3])
def test_a_loss_of_exactly_10_percent_is_not_over_10_percent(pre_kg: float) -> None:
    """The refusal says "over 10 %": exactly 10 % of body mass lost (a float product such as
    154.3 × 0.9 = 138.87 included) is accepted; the sweat loss is then the mass lost."""
    post_kg = pre_kg * 0.9
    assert measured_sweat_loss_l(pre_kg, post_kg) == pytest.approx(pre_kg - post_kg)


def test_a_refused_loss_names_its_own_share_beside_the_limit() -> None:
    """70 kg − 60 kg = 10 kg is 10 / 70 = 14.3 % of body mass: the line gives that share and the 10 %
    it is over, not "10.00 kg ... is over 10 %", read as 10 % being over 10 %."""
    with pytest.raises(InvalidValue) as info:
        measured_sweat_loss_l(70.0, 60.0)
    assert info.value.reason == ("70 kg − 60 kg = 10.00 kg of body mass lost is 14.3 % of 70 kg, over the 10 % "
                                 "plausible for one session: check the weights")
    with pytest.raises(InvalidValue):
        measured_sweat_loss_l(70.0, 62.93)  # 7.07 kg: 10.1 %


# --- where a factor comes from: the sport's own weigh-ins, or borrowed from the others'

def test_a_factor_says_which_weigh_ins_it_rests_on() -> None:
    """A sport with weigh-ins of its own uses only those; one without borrows the pooled factor of all
    the others (the module docstring's rule), and every phrase naming the origin says which: a
    borrowed factor is never called the sport's own (a fresh user read "your running factor (from
    1 weigh-in)" after deleting the only running one, while the figure was the cycling one)."""
    ride = CalibrationPoint("cycling", measured_l=3.0, model_l=3.7)
    run_a = CalibrationPoint("running", measured_l=1.7, model_l=1.3)
    run_b = CalibrationPoint("running", measured_l=1.5, model_l=1.2)
    own = posterior([ride, run_a, run_b], "running")
    assert (own.sport, own.n, own.sports) == ("running", 2, ("running",))
    assert factor_source(own, "running") == "your 2 running weigh-ins"
    borrowed = posterior([ride], "walking")
    assert (borrowed.sport, borrowed.n, borrowed.sports) == (None, 1, ("cycling",))
    assert factor_source(borrowed, "walking") == ("your 1 weigh-in in other sports (cycling), "
                                                  "applied to the model's estimate for walking")
    assert factor_source(posterior([ride, run_a, run_b]), None) == "all your 3 weigh-ins (cycling, running)"
    # the Calibration the estimate is given keeps the same origin, and the advice says it after "your sweat rate"
    assert rate_origin(own.to_calibration(), "running") == "as measured by your 2 running weigh-ins"
    assert rate_origin(borrowed.to_calibration(), "walking") == (
        "as the model estimates it for walking, scaled by your factor from your 1 weigh-in in other sports (cycling)")
    assert rate_origin(Calibration(factor=1.2, n=3), "running") == "as your weigh-ins measure it"  # origin not known
    assert rate_origin(None, "running") == "as your weigh-ins measure it"
