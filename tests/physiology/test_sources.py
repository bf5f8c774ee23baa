"""The model's newer parts against their sources: water temperature, clothing that follows effort,
load and grade, breath water, measured sweat sodium. Expected values are computed here by hand from
the published equations and figures (cited in each test), never taken from the model's output."""
from __future__ import annotations

import math

import numpy as np
import pytest
from physio_records import make_records

from pipeline.physiology import heat_balance as hb
from pipeline.physiology import respiration as resp
from pipeline.physiology import sweat as sw
from pipeline.physiology.environment import WeatherInputs
from pipeline.physiology.estimate import estimate_leg
from pipeline.physiology.intensity import lcda_metabolic_w, lcda_walking_w_per_kg, pandolf_metabolic_w

HOUR = 3600


def test_swimming_sweat_follows_water_temperature_as_macaluso_measured(rider, climate):
    """Macaluso et al. 2011 (Sci Sports 26:265): the same 5 km at race pace lost 0.48, 0.76 and
    1.25 L/h in 23, 27 and 32 °C water: 32 °C over 23 °C is 1.25/0.48 = 2.60. Cox et al. 2002's
    per-km loss (138 mL/km, men) is taken at 27 °C pool water."""
    swim = make_records(HOUR, speed_m_per_s=4.0 / 3.6)

    def rate(water_c: float) -> float:
        leg = estimate_leg(swim, "swimming", "lap_swimming", None, rider, climate,
                           WeatherInputs(water_temperature_c=water_c))
        return leg.sweat.rate_l_per_h

    assert rate(32.0) / rate(23.0) == pytest.approx(1.25 / 0.48, rel=1e-3)
    assert rate(27.0) == pytest.approx(0.138 * 4.0, rel=1e-3)  # 4 km/h × 138 mL/km at the reference 27 °C
    assert rate(23.0) < rate(27.0) < rate(32.0)
    # no data below 23 °C: colder water is held there, not extrapolated
    assert rate(15.0) == pytest.approx(rate(23.0))


def test_a_swim_reads_the_water_from_the_watch_and_says_so(rider, climate):
    swim = make_records(HOUR, speed_m_per_s=1.0, temperature_c=30.0)
    leg = estimate_leg(swim, "swimming", "open_water", None, rider, climate)
    assert leg.environment.water_temperature_c == pytest.approx(30.0)
    default = estimate_leg(make_records(HOUR, speed_m_per_s=1.0), "swimming", "open_water", None, rider, climate)
    assert default.environment.water_temperature_c == sw.OPEN_WATER_C
    assert any("open water" in note for note in default.environment.notes)


@pytest.mark.parametrize("sport", ["cross_country_skiing", "rowing", "running"])
def test_at_the_same_effort_cold_air_never_makes_a_sweatier_session(rider, climate, sport):
    """Heart rate 150 for an hour (Keytel et al. 2005 sets the effort), −10 to 20 °C: an athlete dresses
    for the effort as well as the cold, so colder air never gives more sweat (heat stress drives sweating:
    Gonzalez et al. 2009/2012)."""
    records = make_records(HOUR, heart_rate_bpm=150.0)
    totals = [estimate_leg(records, sport, None, None, rider, climate, WeatherInputs(temperature_c=t)).total_l
              for t in np.arange(-10.0, 20.01, 2.5)]
    assert all(b >= a - 1e-9 for a, b in zip(totals, totals[1:])), np.round(totals, 3)


def test_pandolf_load_carriage_equation_by_hand():
    """Pandolf et al. 1977: M = 1.5W + 2(W+L)(L/W)² + η(W+L)(1.5V² + 0.35VG). W 70 kg, L 20 kg,
    V 1.34 m/s, G 5 %, η 1: 105 + 2·90·(20/70)² + 90·(1.5·1.7956 + 0.35·1.34·5)
    = 105 + 14.694 + 90·(2.6934 + 2.345) = 573.14 W."""
    assert float(pandolf_metabolic_w(70.0, 20.0, 1.34, 5.0)) == pytest.approx(573.14, abs=0.05)
    # Santee et al.'s downhill correction, W 70, L 0, V 1.34, G −10: Pandolf alone 105 + 70·(2.6934 − 4.69)
    # = −34.74 W; CF = −10·70·1.34/3.5 − 70·(−4)²/70 + 25 − 1.7956 = −268 − 16 + 23.2044 = −260.80;
    # M = −34.74 + 260.80 = 226.06 W
    assert float(pandolf_metabolic_w(70.0, 0.0, 1.34, -10.0)) == pytest.approx(226.06, abs=0.05)


def test_lcda_walking_equation_by_hand():
    """Looney et al. 2019 (Med Sci Sports Exerc 51:1954), the Load Carriage Decision Aid's graded
    walking equation: M = 1.44 + 1.94·S^0.43 + 0.24·S⁴ + 0.34·S·G·(1 − 1.05^(1 − 1.1^(G + 32))) W/kg.
    S 1.34 m/s level: 1.44 + 1.94·exp(0.43·ln 1.34) + 0.24·1.34⁴ = 1.44 + 2.2002 + 0.7738 = 4.4140 W/kg.
    S 1.34, G +10 %: + 0.34·1.34·10·(1 − 1.05^(1 − 1.1^42)); G −10 %: the same term with −10 and 1.1^22."""
    level = 1.44 + 1.94 * math.exp(0.43 * math.log(1.34)) + 0.24 * 1.34**4
    assert level == pytest.approx(4.4140, abs=1e-4)
    up = level + 0.34 * 1.34 * 10.0 * (1.0 - 1.05 ** (1.0 - 1.1**42))
    down = level + 0.34 * 1.34 * -10.0 * (1.0 - 1.05 ** (1.0 - 1.1**22))
    assert lcda_walking_w_per_kg([1.34, 1.34, 1.34], [0.0, 10.0, -10.0]) == pytest.approx([level, up, down], abs=1e-9)
    # per kilogram of body + load: 70 kg with 20 kg at 1.34 m/s on the level is 90 × 4.4140 W
    assert float(lcda_metabolic_w(70.0, 20.0, 1.34, 0.0)) == pytest.approx(90.0 * level, abs=1e-6)


def test_lcda_downhill_is_cheapest_near_minus_ten_percent_and_dearer_when_steeper():
    """Looney et al. 2019: walking downhill costs less than on the level down to a grade near −10 %,
    then more again as braking takes over (their grade term's U shape; Pandolf's equation alone turned
    negative there, hence Santee's correction, which the LCDA equation does not need)."""
    grades = np.array([0.0, -5.0, -10.0, -20.0, -30.0])
    cost = lcda_walking_w_per_kg(np.full(grades.size, 1.2), grades)
    assert cost[2] < cost[1] < cost[0]
    assert cost[4] > cost[3] > cost[2]


def test_lcda_costs_a_loaded_march_more_than_pandolf():
    """Drain et al. 2017 (J Sci Med Sport 20:S104): Pandolf under-predicts modern load carriage. A
    71.4 kg soldier with 20 kg at 4.1 km/h (1.1389 m/s), level, by hand: Pandolf 1.5·71.4 +
    2·91.4·(20/71.4)² + 91.4·1.5·1.1389² = 107.1 + 14.34 + 177.84 = 299.3 W; LCDA 91.4·(1.44 +
    1.94·1.1389^0.43 + 0.24·1.1389⁴) = 356.1 W."""
    v = 4.1 / 3.6
    pandolf = 1.5 * 71.4 + 2.0 * 91.4 * (20.0 / 71.4) ** 2 + 91.4 * 1.5 * v**2
    lcda = 91.4 * (1.44 + 1.94 * v**0.43 + 0.24 * v**4)
    assert float(pandolf_metabolic_w(71.4, 20.0, v, 0.0)) == pytest.approx(pandolf, abs=1e-6)
    assert float(lcda_metabolic_w(71.4, 20.0, v, 0.0)) == pytest.approx(lcda, abs=1e-6)
    assert lcda == pytest.approx(356.1, abs=0.1) and pandolf == pytest.approx(299.3, abs=0.1)


def test_a_hike_with_a_pack_uphill_sweats_more_than_an_unladen_walk(rider, climate):
    """At 5 km/h and 25 °C, a 15 kg pack and a 10 % climb each raise the metabolic rate (the LCDA
    walking equation, Looney et al. 2019) and so the sweat; the altitude's rise is read as the grade,
    as from a FIT file."""
    v = 5.0 / 3.6
    flat = make_records(2 * HOUR, speed_m_per_s=v, altitude_m=0.0)
    climb = make_records(2 * HOUR, speed_m_per_s=v, altitude_m=np.arange(2 * HOUR) * v * 0.10)
    weather = WeatherInputs(temperature_c=25.0, humidity_pct=50.0)
    walk = estimate_leg(flat, "hiking", None, None, rider, climate, weather)
    pack = estimate_leg(flat, "hiking", None, None, rider, climate, weather, load_kg=15.0)
    uphill = estimate_leg(climb, "hiking", None, None, rider, climate, weather, load_kg=15.0)
    assert walk.total_l < pack.total_l < uphill.total_l
    assert uphill.intensity.mean_metabolic_w > pack.intensity.mean_metabolic_w > walk.intensity.mean_metabolic_w


def test_combat_uniform_insulation_from_the_manikin_total_by_hand():
    """The US Army combat uniform (FRACU) measured I_T = 1.40 clo in still air (USARIEM 2019, DTIC
    AD1092374). ISO 7933: I_T = I_cl + I_a/(1 + 0.3·I_cl), I_a = 0.111/0.155 = 0.71613 clo. By hand,
    I_cl = 0.8261: 0.8261 + 0.71613/1.24783 = 0.8261 + 0.57390 = 1.3999 clo."""
    i_cl = hb.intrinsic_from_total_clo(hb.COMBAT_UNIFORM_TOTAL_CLO)
    assert i_cl == pytest.approx(0.8261, abs=5e-4)
    clo, i_mst = hb.ensemble_clothing("uniform", np.array([-5.0, 18.0, 35.0]))
    assert np.allclose(clo, i_cl) and i_mst == pytest.approx(0.43)  # the same uniform in any weather
    with pytest.raises(ValueError, match="clothing"):
        hb.ensemble_clothing("wetsuit", 20.0)


def test_a_march_in_uniform_sweats_more_than_in_sports_kit_and_less_in_colder_air(rider, climate):
    """At 6 km/h with 30 kg on the flat, 18 °C: a combat uniform (≈ 0.83 clo against sports kit's
    0.40 clo at 18 °C) holds heat in, so more of it must leave as sweat (ISO 7933 heat balance). Kept on
    in any weather, the uniform still never makes colder air sweatier at the same effort."""
    march = make_records(HOUR, speed_m_per_s=6.0 / 3.6, altitude_m=0.0)
    weather = WeatherInputs(temperature_c=18.0, humidity_pct=50.0)
    kit = estimate_leg(march, "walking", None, None, rider, climate, weather, load_kg=30.0)
    uniform = estimate_leg(march, "walking", None, None, rider, climate, weather, load_kg=30.0, clothing="uniform")
    assert uniform.total_l > kit.total_l
    totals = [estimate_leg(march, "walking", None, None, rider, climate, WeatherInputs(temperature_c=t, humidity_pct=50.0),
                           load_kg=30.0, clothing="uniform").total_l for t in np.arange(-10.0, 25.01, 2.5)]
    assert all(b >= a - 1e-9 for a, b in zip(totals, totals[1:])), np.round(totals, 3)


def test_breath_water_by_hand_and_drier_air_takes_more():
    """Mitchell et al. 1972: 0.019 · VO2 · (44 − Pa) g/min. 1005 W is VO2 = 1005·60/20100 = 3.0 L/min;
    air at 1.2 kPa = 9.0 mmHg: 0.019 · 3.0 · (44 − 9.0007) · 60 = 119.70 g/h. CO2 − O2 at RER 0.85:
    3.0 · (0.85·1.977 − 1.429) · 60 = 45.24 g/h."""
    assert float(resp.respiratory_water_g_per_h(1005.0, 1.2)) == pytest.approx(119.70, abs=0.05)
    assert float(resp.metabolic_mass_loss_g_per_h(1005.0)) == pytest.approx(45.24, abs=0.05)
    cold_dry = float(resp.respiratory_water_g_per_h(1005.0, 0.3))   # about −5 °C air
    warm_humid = float(resp.respiratory_water_g_per_h(1005.0, 3.0))  # about 30 °C, 70 %
    assert cold_dry > warm_humid > 0


def test_the_report_carries_breath_water_beside_sweat(rider, climate):
    leg = estimate_leg(make_records(HOUR, speed_m_per_s=3.0), "running", None, None, rider, climate,
                       WeatherInputs(temperature_c=5.0, humidity_pct=60.0))
    # 3 m/s running (ACSM): VO2 = 3.5 + 0.2·180 = 39.5 mL/kg/min · 70 kg = 2.765 L/min; 5 °C, 60 %:
    # Pa = 0.6·0.8718 kPa = 0.5231 kPa = 3.92 mmHg; 0.019 · 2.765 · 40.08 · 60 = 126.3 g/h
    assert leg.sweat.respiratory_water_l == pytest.approx(0.1263, rel=0.02)
    assert 0 < leg.sweat.metabolic_mass_l < leg.sweat.respiratory_water_l


def test_a_measured_sweat_sodium_replaces_the_population_value_and_narrows_the_range():
    """A patch or lab test of 60 mmol/L: 1.5 L · 60 · 22.99 = 2069.1 mg, ±15 %; the population value
    (Baker et al. 2016, 35.9 ± 10.4) spans ±29 %."""
    measured = sw.sweat_totals(1.5, 1.5, HOUR, 70.0, sex="male", sodium_mmol_per_l=60.0)
    assert measured.sodium_mg == pytest.approx(2069.1, rel=1e-3)
    assert measured.sodium_low_mg == pytest.approx(2069.1 * 0.85, rel=1e-3)
    population = sw.sweat_totals(1.5, 1.5, HOUR, 70.0, sex="male")
    assert (measured.sodium_high_mg / measured.sodium_low_mg
            < population.sodium_high_mg / population.sodium_low_mg)


def test_the_ceiling_is_where_athletes_were_measured_not_below():
    """Baker et al. 2016: up to 69.7 mL/kg/h among 506 athletes; a 70 kg athlete of 1.85 m² is then
    69.7·70/1.85 = 2637 g/m²/h, so the ceiling (2600) no longer stops rates elite runners reach in the heat
    (above 3 L/h)."""
    assert sw.SWEAT_CEILING_G_PER_M2_H >= 0.98 * 69.7 * 70 / 1.85
    assert sw.SWEAT_CEILING_G_PER_M2_H * 1.85 / 1000 > 3.0
    assert math.isfinite(sw.SWEAT_CEILING_G_PER_M2_H)
