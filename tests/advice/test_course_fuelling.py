"""Carbohydrate per hour from the sources' own bands, the timeline's drinking spread and rounding,
bottles and the watch's stops (pipeline.advice.race)."""
from __future__ import annotations

import pytest

from pipeline.advice.race import Segment, bottles, carbohydrate_g_per_h, stops, timeline


@pytest.mark.parametrize("hours, expected", [
    (0.5, 0.0),    # Thomas et al. 2016: under 45 min none; 45-75 min small amounts / mouth rinse
    (0.9, 0.0),
    (1.0, 60.0),   # Thomas et al. 2016: 1-2.5 h, 30-60 g/h; Jeukendrup 2014: 60 g/h, one carbohydrate's ceiling
    (2.4, 60.0),
    (2.5, 90.0),   # Thomas et al. 2016 / Jeukendrup 2014: beyond 2.5 h up to 90 g/h, multiple transportable
    (10.0, 90.0),
])
def test_carbohydrate_by_duration(hours: float, expected: float) -> None:
    assert carbohydrate_g_per_h(hours) == expected


def test_never_more_carbohydrate_than_the_energy_spent() -> None:
    # a 300 W walk: 300 J/s × 3600 s = 1080 kJ/h; at 4 kcal/g (16.7 kJ/g) that is 64.7 g/h at most
    assert carbohydrate_g_per_h(4.0, 300.0) == 64.0
    assert carbohydrate_g_per_h(4.0, 1000.0) == 90.0
    with pytest.raises(ValueError):
        carbohydrate_g_per_h(-1.0)


def _segments() -> list[Segment]:
    sweats = [0.05, 0.12, 0.03, 0.08]  # L
    return [Segment(k * 300.0, (k + 1) * 300.0, k * 1500.0, (k + 1) * 1500.0, 0.0, 5.0, 25.0, 50.0, s)
            for k, s in enumerate(sweats)]


def test_the_drink_follows_the_sweat_rounded_down_and_never_ahead() -> None:
    entries = timeline(_segments(), 200.0, 800.0, 60.0, [3000.0])
    # 200 mL of 280 mL lost: cumulative targets 35.7, 121.4, 142.9, 200 -> floored to 10 mL: 30, 120, 140, 200
    assert [e.drink_ml for e in entries] == [30.0, 90.0, 20.0, 60.0]
    assert [e.sodium_mg for e in entries] == [24.0, 72.0, 16.0, 48.0]  # 800 mg per litre drunk
    assert [e.carbohydrate_g for e in entries] == [5.0] * 4  # 60 g/h over 5 min
    assert [e.water for e in entries] == [False, False, True, False]
    more = timeline(_segments(), 5000.0, 800.0, 0.0, [])
    assert sum(e.drink_ml for e in more) == 280.0  # asked for more than is lost: what is lost


def test_bottles_and_refills() -> None:
    entries = timeline(_segments(), 280.0, 800.0, 60.0, [3000.0])
    start, refills = bottles(entries, [3000.0], 100.0)
    assert start == 2  # 50 + 120 mL before km 3
    assert [(r.distance_m, r.bottles, r.drink_ml) for r in refills] == [(3000.0, 2, 110.0)]


def _steady(minutes: float, count: int) -> list[Segment]:
    """``count`` segments of ``minutes`` each, 0.1 L of sweat in each."""
    s = minutes * 60.0
    return [Segment(k * s, (k + 1) * s, k * 1000.0, (k + 1) * 1000.0, 0.0, 5.0, 25.0, 50.0, 0.1) for k in range(count)]


def test_cues_every_15_to_20_minutes_sized_to_the_planned_rate() -> None:
    """An hour of 5-min segments, 600 mL to drink of 1.2 L lost (50 mL a segment) and 60 g/h of
    carbohydrate: a cue every 15 min of 3 × 50 = 150 mL and 60 g/h × 15 min = 15 g (ACSM, Sawka et al.
    2007: every 15–20 min); none at the finish nor in its last 10 min, so three cues, not four."""
    entries = timeline(_steady(5.0, 12), 600.0, 800.0, 60.0, [])
    found = stops(entries)
    assert [(s.elapsed_s, s.distance_m, s.drink_ml, s.carbohydrate_g) for s in found] == [
        (900.0, 3000.0, 150.0, 15.0), (1800.0, 6000.0, 150.0, 15.0), (2700.0, 9000.0, 150.0, 15.0)]
    # 6-min segments: the first segment end at or past 15 min is at 18 min, then 36, 54; 72 is the finish
    found = stops(timeline(_steady(6.0, 12), 600.0, 800.0, 60.0, []))
    assert [s.elapsed_s / 60.0 for s in found] == [18.0, 36.0, 54.0]
    assert all(s.drink_ml == 150.0 and s.carbohydrate_g == 18.0 for s in found)  # 3 × 50 mL, 60 g/h × 18 min


def test_no_cue_in_the_last_ten_minutes() -> None:
    # 50 min of 5-min segments: cues due at 15, 30 and 45 min; 45 is 5 min from the finish: left out
    found = stops(timeline(_steady(5.0, 10), 500.0, 800.0, 60.0, []))
    assert [s.elapsed_s for s in found] == [900.0, 1800.0]
    # a 20-min session: its only due cue (15 min) is 5 min from the finish
    assert stops(timeline(_segments(), 280.0, 800.0, 60.0, [])) == []


def test_more_bottles_than_one_carries_asks_for_water_on_the_way() -> None:
    from pipeline.advice.race import CARRIED_BOTTLES, course_text
    from pipeline.core.schema import PlanBlock

    entries = timeline(_segments(), 280.0, 800.0, 90.0, [])
    base = dict(before_ml=350.0, during_ml_per_h=400.0, during_max_ml_per_h=500.0, carry_bottles=1, after_ml=100.0,
                carbohydrate_g_per_h=90.0, timeline=entries, refills=[])
    few = course_text(PlanBlock(**base, start_bottles=CARRIED_BOTTLES), 750.0)
    many = course_text(PlanBlock(**base, start_bottles=CARRIED_BOTTLES + 1), 750.0)
    assert "fill up on the way" not in few and "fill up on the way" in many
    assert "280 mL in all" in few and "glucose and fructose" in few


def _entries(drinks_ml: list[float], length_m: float = 5000.0):
    from pipeline.core.schema import TimelineEntry

    return [TimelineEntry(elapsed_s=k * 600.0, distance_m=k * length_m, length_m=length_m, duration_s=600.0,
                          grade_pct=0.0, speed_m_per_s=8.0, temperature_c=25.0, humidity_pct=50.0, sweat_ml=d,
                          drink_ml=d, sodium_mg=0.0, carbohydrate_g=0.0, water=False) for k, d in enumerate(drinks_ml)]


@pytest.mark.parametrize("water_km", [(), (15.0, 30.0), (5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0), (5.0,)])
def test_water_points_lower_the_bottles_carried_and_never_add_one(water_km: tuple[float, ...]) -> None:
    """Ten 5 km segments drinking 69 mL each (690 mL over the course, 750 mL bottles): with no water one
    bottle carries it all; water points cut the course into stretches, and what is carried at once
    is the thirstiest stretch's bottles, never more than with no water at all; each refill is the
    stretch's millilitres (69 mL × its segments), not a bottle."""
    import math

    drinks = [69.0] * 10
    carried, refills = bottles(_entries(drinks), [km * 1000.0 for km in water_km], 750.0)
    edges = [0.0, *(km * 1000.0 for km in water_km), 50_000.0]
    stretches = [69.0 * sum(1 for k in range(10) if lo <= k * 5000.0 < hi) for lo, hi in zip(edges, edges[1:])]
    assert carried == max(math.ceil(v / 750.0) for v in stretches) == 1
    assert carried <= math.ceil(sum(drinks) / 750.0)
    assert [r.drink_ml for r in refills] == pytest.approx([v for v in stretches[1:] if v > 0])
    assert [r.distance_m for r in refills] == [km * 1000.0 for km in water_km]


def test_a_thirsty_later_stretch_sets_the_bottles_started_with() -> None:
    """1 L to the first water at 10 km, then 2 L to the finish: two 750 mL bottles at the start
    (1 L), three carried from 10 km (2 L): one starts with three, the most carried at once."""
    carried, refills = bottles(_entries([500.0, 500.0, 1000.0, 1000.0]), [10_000.0], 750.0)
    assert carried == 3
    assert [(r.distance_m, r.bottles, r.drink_ml) for r in refills] == [(10_000.0, 3, 2000.0)]
