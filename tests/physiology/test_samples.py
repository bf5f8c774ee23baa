"""The model on every real FIT sample (../shared/fit-samples): plausibility (SCIENCE §3), legs,
series, and Garmin's own estimate (session field 178) shown beside ours, never used by it."""
from __future__ import annotations

import csv
import statistics
import warnings

import pytest
from shared_paths import SAMPLES

from pipeline.core.config import parse_config
from pipeline.fit import read_activity
from pipeline.usecases.analyse import MIN_ESTIMATE_S, analyse_activity


def manifest_rows() -> list[dict[str, str]]:
    """MANIFEST.csv of the shared samples (the same file tests/conftest.py reads)."""
    with open(SAMPLES / "MANIFEST.csv", newline="") as handle:
        return list(csv.DictReader(handle))

CONFIG = parse_config({"athlete": {"name": "t", "body_mass_kg": 70, "height_cm": 178, "sex": "male", "age": 35,
                                   "hr_rest_bpm": 55, "hr_max_bpm": 185, "ftp_w": 250},
                       "climate": {"temperature_c": 20, "humidity_pct": 50}})


def _valid(row: dict[str, str]) -> bool:
    return row["integrity"].startswith("ok") and row["file_type"] == "activity" and row["sessions"] not in ("", "0")


def _timer_s(row: dict[str, str]) -> float:
    return sum(float(x) for x in row["total_timer_time"].split(";") if x)


VALID = [r for r in manifest_rows() if _valid(r)]
RUNS_AND_RIDES = [r for r in VALID if r["sport"] in ("running", "cycling") and _timer_s(r) >= 600]


@pytest.fixture(scope="module")
def analyses():
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row in VALID:
            activity = read_activity(SAMPLES / row["file"])
            out[row["file"]] = (activity, analyse_activity(activity, CONFIG))
    return out


def test_the_sample_set_is_what_we_think():
    assert len(RUNS_AND_RIDES) >= 20  # manifest: ~27 valid runs and rides of 10 min or more


@pytest.mark.parametrize("row", RUNS_AND_RIDES, ids=lambda r: r["file"])
def test_runs_and_rides_are_physiologically_plausible(analyses, row):
    report = analyses[row["file"]][1].report
    s = report.sweat
    assert 0.2 <= s.rate_l_per_h <= 2.5, s.flags  # SCIENCE §3 (Sawka et al. 2007): ~0.5–2 L/h, wider bounds
    assert s.low_l <= s.total_l <= s.high_l and s.high_l >= 1.3 * s.low_l
    assert 100 <= s.potassium_mg / s.total_l <= 400     # Baker 2017: 4–8 mmol/L ≈ 150–300 mg/L
    assert 200 <= s.sodium_mg / s.total_l <= 2100       # Baker 2017: 10–90 mmol/L ≈ 230–2070 mg/L
    assert report.environment.source in ("device", "config", "override")
    assert report.intensity.source in ("power", "speed", "heart_rate", "device_calories", "duration")
    assert 80 <= report.intensity.mean_metabolic_w <= 2500
    assert s.calibrated is False


@pytest.mark.parametrize("row", VALID, ids=lambda r: r["file"])
def test_every_valid_activity_gets_blocks_and_a_series(analyses, row):
    activity, analysis = analyses[row["file"]]
    report = analysis.report
    if _timer_s(row) < MIN_ESTIMATE_S:  # under 10 minutes (MANIFEST's timer), too short to estimate
        assert report.sweat is None and report.plan is None
        topics = [a.topic for a in report.advice]
        assert topics[0] == "estimate" and report.advice[0].text.startswith("Too short")
        assert {"hydration", "potassium", "calcium", "warm-up"} <= set(topics)  # the article's advice, no amounts
        if activity.is_multisport:  # the legs stay (MANIFEST: one sport per leg), without estimates
            assert [leg.sport for leg in report.legs] == row["sport"].split(";")
            assert all(leg.sweat is None for leg in report.legs)
        return
    assert report.sweat is not None and report.environment is not None and report.intensity is not None
    assert report.sweat.total_l >= 0
    if activity.is_multisport:
        assert report.legs is not None and len(report.legs) == len(activity.legs)
        assert sum(leg.sweat.total_l for leg in report.legs) == pytest.approx(report.sweat.total_l, abs=0.01)
    if analysis.series is not None:
        for column in ("elapsed_s", "metabolic_w", "sweat_rate_l_per_h", "cumulative_sweat_l", "temperature_c"):
            assert column in analysis.series.columns
        assert analysis.series["cumulative_sweat_l"].is_monotonic_increasing


def test_device_temperature_is_used_from_bike_computers(analyses):
    report = analyses["garmin-edge530-cycling-2h50-road-power.fit"][1].report
    assert report.environment.source == "device"
    # MANIFEST: the Edge 530 recorded 11–26 °C on this ride
    assert 11 <= report.environment.temperature_c <= 26


def test_indoor_sessions_have_a_fan_not_road_speed(analyses):
    report = analyses["garmin-fenix6-cycling-53min-indoor.fit"][1].report
    assert report.environment.indoor is True
    assert report.environment.air_speed_m_per_s == pytest.approx(1.5)


def test_garmin_field_178_is_shown_beside_ours_and_never_used(analyses, capsys):
    """Prints our estimate beside Garmin's (session field 178) for every file that has it; the median
    ratio goes with the estimate's validation figures. Garmin's figure is shown, never an input: removing it from
    the activity changes nothing in our estimate."""
    lines = [f"{'file':58s} {'sport':10s} {'min':>5s} {'ours L':>7s} {'Garmin L':>8s} {'ratio':>6s}"]
    ratios = []
    for name, (activity, analysis) in sorted(analyses.items()):
        if activity.device_sweat_loss_ml is None or analysis.report.sweat is None:  # none: too short to estimate
            continue
        s = analysis.report.sweat
        garmin_l = activity.device_sweat_loss_ml / 1000.0
        assert s.device_estimate_l == pytest.approx(garmin_l, abs=0.001)
        blind = activity.model_copy(update={
            "device_sweat_loss_ml": None,
            "legs": [leg.model_copy(update={"device_sweat_loss_ml": None}) for leg in activity.legs]})
        assert analyse_activity(blind, CONFIG).report.sweat.total_l == s.total_l
        ratio = s.total_l / garmin_l if garmin_l > 0 else float("nan")
        if garmin_l > 0:
            ratios.append(ratio)
        lines.append(f"{name[:58]:58s} {activity.summary.sport:10s} {(activity.summary.timer_s or 0) / 60:5.0f} "
                     f"{s.total_l:7.2f} {garmin_l:8.2f} {ratio:6.2f}")
    assert len(ratios) >= 5
    lines.append(f"median ours/Garmin = {statistics.median(ratios):.2f} over {len(ratios)} files")
    with capsys.disabled():
        print("\n" + "\n".join(lines))


def test_a_salvaged_truncated_run_is_estimated_for_its_whole_session():
    """The Strava run is cut off after 5 of its 59 min; the session message (before the damage)
    still holds the timer time, so the total covers the 59 min at the recorded rate."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        activity = read_activity(SAMPLES / "strava-androidapp-running-59min-truncated.fit")
    sweat = analyse_activity(activity, CONFIG).report.sweat
    assert activity.summary.salvaged
    hours = activity.summary.timer_s / 3600.0  # 3558 s (MANIFEST.csv total_timer_time)
    assert sweat.total_l == pytest.approx(sweat.rate_l_per_h * hours, rel=0.03)
    assert any("records cover" in flag for flag in sweat.flags)


GARMIN_BAND = (0.4, 2.5)
"""Our total against Garmin's own estimate (session field 178): a guard, not a truth. Garmin's
algorithm is undocumented and not validated in print; whole-body sweat rates of athletes span a
factor of 20 (Baker et al. 2016: 0.26–5.73 L/h), and our own range is about ×2–3 wide. A ratio
outside 0.4–2.5 (≈ ±1 log-SD of ours on either side of Garmin's) means one of the two misread the
session, which is worth a look."""


def test_our_total_stays_within_a_band_of_garmins_own_estimate(analyses):
    checked = 0
    for name, (activity, analysis) in sorted(analyses.items()):
        if activity.device_sweat_loss_ml is None or activity.device_sweat_loss_ml <= 0:
            continue
        if (activity.summary.timer_s or 0) < 600:  # a few minutes: Garmin rounds to tens of mL
            continue
        ratio = analysis.report.sweat.total_l / (activity.device_sweat_loss_ml / 1000.0)
        assert GARMIN_BAND[0] <= ratio <= GARMIN_BAND[1], (name, ratio)
        checked += 1
    assert checked >= 4
