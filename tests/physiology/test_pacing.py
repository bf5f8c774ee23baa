"""Speeds on a course at one steady effort: Martin et al. (1998) on a bike against the cubic solved
independently (numpy's polynomial roots), Minetti et al. (2002) on foot against its published
polynomials evaluated here, the finish-time solve, and the segment cut."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from course_files import HILLY, profile_points

from pipeline.physiology import intensity as it
from pipeline.physiology.pacing import (
    FOOT_DESCENT_FACTOR,
    SEGMENT_MAX_M,
    SEGMENT_MAX_S,
    Effort,
    course_records,
    cycling_speed_m_per_s,
    effort_for_finish,
    foot_speed_m_per_s,
    minetti_running_cost_j_per_kg_m,
    minetti_walking_cost_j_per_kg_m,
    pace_course,
    route_steps,
    segments,
)


def _minetti(coefficients: tuple[float, ...], i: float) -> float:
    """Minetti et al. (2002) Fig. 1 polynomial, highest power first, evaluated by Horner's rule."""
    value = 0.0
    for c in coefficients:
        value = value * i + c
    return value


RUN = (155.4, -30.4, -43.3, 46.3, 19.5, 3.6)
WALK = (280.5, -58.7, -76.8, 51.9, 19.6, 2.5)


@pytest.mark.parametrize("grade", [-0.3, -0.1, 0.0, 0.05, 0.1, 0.2, 0.45])
def test_minetti_costs_are_the_published_polynomials(grade: float) -> None:
    assert float(minetti_running_cost_j_per_kg_m(grade)) == pytest.approx(_minetti(RUN, grade))
    assert float(minetti_walking_cost_j_per_kg_m(grade)) == pytest.approx(_minetti(WALK, grade))


def test_on_foot_the_speed_falls_by_the_cost_ratio_uphill_and_is_bounded_downhill() -> None:
    level = 3.0  # m/s
    effort = Effort.from_level_speed(False, level, 70.0)
    assert effort.value == pytest.approx(3.6 * level)  # Minetti's level cost × speed, W/kg
    up = float(foot_speed_m_per_s(effort.value, 0.10, walking=False))
    assert up == pytest.approx(level * 3.6 / _minetti(RUN, 0.10))
    down = float(foot_speed_m_per_s(effort.value, -0.20, walking=False))
    assert down == pytest.approx(FOOT_DESCENT_FACTOR * level)


@pytest.mark.parametrize("power, grade", [(200.0, 0.0), (250.0, 0.05), (150.0, 0.08), (300.0, -0.01)])
def test_bike_speed_solves_martins_power_equation(power: float, grade: float) -> None:
    mass = 70.0 + it.BIKE_MASS_KG
    theta = math.atan(grade)
    a = 0.5 * it.AIR_DENSITY_KG_PER_M3 * it.ROAD_CDA_M2
    b = it.ROLLING_RESISTANCE * mass * it.GRAVITY_M_PER_S2 * math.cos(theta) + mass * it.GRAVITY_M_PER_S2 * math.sin(theta)
    roots = np.roots([a, 0.0, b, -power * it.DRIVETRAIN_EFFICIENCY])
    expected = max(r.real for r in roots if abs(r.imag) < 1e-9 and r.real > 0)
    assert float(cycling_speed_m_per_s(power, grade, 70.0)) == pytest.approx(expected, rel=1e-6)


def test_a_steep_descent_is_held_to_the_bound() -> None:
    assert float(cycling_speed_m_per_s(300.0, -0.15, 70.0)) == pytest.approx(70.0 / 3.6, rel=1e-6)


def _steps(pedalled: bool) -> pd.DataFrame:
    points = profile_points(HILLY)
    frame = pd.DataFrame(points, columns=["latitude_deg", "longitude_deg", "altitude_m"])
    frame["distance_m"] = np.arange(len(frame)) * 25.0
    return route_steps(frame, pedalled)


@pytest.mark.parametrize("pedalled", [True, False])
def test_the_finish_time_is_met(pedalled: bool) -> None:
    steps = _steps(pedalled)
    finish = 2400.0 if pedalled else 6000.0
    effort = effort_for_finish(steps, finish, pedalled, 70.0)
    assert pace_course(steps, effort, 70.0).total_s == pytest.approx(finish, abs=0.5)


def test_segments_cover_the_course_within_5_min_or_2_km() -> None:
    steps = _steps(True)
    pace = pace_course(steps, Effort(True, 200.0), 70.0)
    cuts = segments(pace)
    assert cuts["start_m"].iloc[0] == 0.0 and cuts["end_m"].iloc[-1] == pytest.approx(20_000.0, abs=1.0)
    assert np.allclose(cuts["start_m"].iloc[1:].to_numpy(), cuts["end_m"].iloc[:-1].to_numpy())
    assert np.allclose(cuts["start_s"].iloc[1:].to_numpy(), cuts["end_s"].iloc[:-1].to_numpy())
    assert cuts["end_s"].iloc[-1] == pytest.approx(pace.total_s)
    length, duration = cuts["end_m"] - cuts["start_m"], cuts["end_s"] - cuts["start_s"]
    assert ((length <= SEGMENT_MAX_M + 1e-6) & (duration <= SEGMENT_MAX_S + 1e-6)).all()
    # a segment stops short of both limits only where the next 50 m step would cross one, or at the finish
    assert ((length > SEGMENT_MAX_M - 60) | (duration > SEGMENT_MAX_S - 60)).iloc[:-1].all()
    climbs, descents = cuts[cuts["grade"] > 0.05], cuts[cuts["grade"] < -0.05]
    assert climbs["speed_m_per_s"].max() < descents["speed_m_per_s"].min()


def test_records_follow_the_pace() -> None:
    steps = _steps(False)
    pace = pace_course(steps, Effort.from_level_speed(False, 3.0, 70.0), 70.0)
    records = course_records(pace, pd.Timestamp("2027-06-12T06:00Z"))
    assert records["distance_m"].iloc[-1] == pytest.approx(20_000.0, abs=1.0)
    assert records["distance_m"].is_monotonic_increasing
    end = (records["timestamp"].iloc[-1] - pd.Timestamp("2027-06-12T06:00Z")).total_seconds()
    assert end == pytest.approx(pace.total_s, abs=1e-3)
