"""Each published equation against numbers worked by hand from the source (citation beside each).

The expected values are the equation evaluated with pencil-and-calculator arithmetic on the inputs
written next to them, never the code's own output.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.physiology import heat_balance as hb
from pipeline.physiology import sweat as sw
from pipeline.physiology.athlete import Athlete, tanaka_hr_max_bpm
from pipeline.physiology.intensity import (
    acsm_running_vo2_ml_per_kg_min,
    acsm_walking_vo2_ml_per_kg_min,
    cycling_met_from_speed,
    heart_rate_metabolic_w,
    keytel_energy_kj_per_min,
    keytel_vo2max_energy_kj_per_min,
    met_to_metabolic_w,
    power_metabolic_w,
    vo2_to_metabolic_w,
)


def test_dubois_body_surface_area():
    # DuBois & DuBois 1916: 0.007184 · 70^0.425 · 175^0.725 = 0.007184 · 6.0829 · 42.292 = 1.848 m²
    assert hb.body_surface_area_m2(70, 175) == pytest.approx(1.848, abs=0.001)
    # 0.007184 · 50^0.425 · 160^0.725 = 0.007184 · 5.2775 · 39.595 = 1.501 m²
    assert hb.body_surface_area_m2(50, 160) == pytest.approx(1.501, abs=0.001)


def test_gonzalez_2009_piecewise_equation():
    # Gonzalez et al. 2009 (abstract): 147 + 1.527·E_req − 0.87·E_max; E_req 300, E_max 200 W/m²
    # = 147 + 458.1 − 174 = 431.1 g·m⁻²·h⁻¹
    assert sw.gonzalez_2009_g_per_m2_h(300, 200) == pytest.approx(431.1)


def test_gonzalez_2012_cool_equation():
    # Gonzalez et al. 2012 (abstract), T_a < 20 °C: 350 + 1.527·300 − 0.87·200 = 634.1 g·m⁻²·h⁻¹
    assert sw.gonzalez_2012_cool_g_per_m2_h(300, 200) == pytest.approx(634.1)


def test_shapiro_original_and_corrected():
    # Shapiro et al. 1982 as quoted by Gonzalez et al. 2009: 27.9 · 300 · 200^−0.455
    # 200^−0.455 = exp(−0.455 · 5.2983) = 0.089749; 27.9 · 300 · 0.089749 = 751.2 g·m⁻²·h⁻¹
    ose = sw.shapiro_1982_g_per_m2_h(300, 200)
    assert ose == pytest.approx(751.2, abs=0.1)
    # OSEC (Gonzalez et al. 2009): 147 · exp(0.0012 · 751.2) = 147 · 2.4632 = 362.1
    assert sw.shapiro_corrected_g_per_m2_h(ose) == pytest.approx(362.1, abs=0.1)


def test_cool_form_below_20_c_as_published():
    # Gonzalez et al. 2012: the cool form (intercept 350) for T_a < 20 °C, the 2009 form (147) from 20 °C
    assert sw.predicted_sweat_g_per_m2_h(0, 0, 15.0) == pytest.approx(350.0)
    assert sw.predicted_sweat_g_per_m2_h(0, 0, 19.9) == pytest.approx(350.0)
    assert sw.predicted_sweat_g_per_m2_h(0, 0, 20.0) == pytest.approx(147.0)


def test_iso7933_required_sweat():
    # ISO 7933:2004: w = E_req/E_max = 200/400 = 0.5; r = 1 − 0.5²/2 = 0.875; SW = 200/0.875 = 228.57 W/m²
    # × 3600 / 2426 J/g = 339.18 g·m⁻²·h⁻¹
    assert sw.iso7933_required_sweat_g_per_m2_h(200, 400) == pytest.approx(339.18, abs=0.01)
    # w = 1.5: r = (2 − 1.5)²/2 = 0.125; 150/0.125 = 1200 W/m² × 3600 / 2426 = 1780.71 g·m⁻²·h⁻¹
    assert sw.iso7933_required_sweat_g_per_m2_h(150, 100) == pytest.approx(1780.71, abs=0.01)
    # w = 1.9: r = 0.1²/2 = 0.005 → held at 0.05; 150/0.05 = 3000 W/m² = 4452 g → above the ceiling → the ceiling
    assert sw.iso7933_required_sweat_g_per_m2_h(150, 79) == pytest.approx(sw.SWEAT_CEILING_G_PER_M2_H)
    # nothing to evaporate, nothing to sweat
    assert sw.iso7933_required_sweat_g_per_m2_h(-50, 300) == 0.0


def test_latent_heat_conversion():
    # 2426 J/g at ~30 °C (SCIENCE §2): 100 W/m² for an hour = 360 000 J → 148.39 g
    assert sw.w_per_m2_to_g_per_m2_h(100) == pytest.approx(148.39, abs=0.01)


def test_saturation_vapour_pressure_matches_steam_tables():
    # ISO 7933 Magnus form: 0.6105 · exp(17.27·35/272.3) = 5.620 kPa; steam tables give 5.629 kPa at 35 °C
    assert hb.saturation_vapour_pressure_kpa(35.0) == pytest.approx(5.629, rel=0.005)
    # and 2.339 kPa at 20 °C (steam tables)
    assert hb.saturation_vapour_pressure_kpa(20.0) == pytest.approx(2.339, rel=0.005)


def test_usarıem_dry_heat_exchange():
    # Givoni & Goldman 1972 / Pandolf 1986: (6.45 / I_T) · (T_a − T_sk) = 6.45/0.5 · (25 − 35) = −129 W/m²
    assert hb.dry_heat_gain_w_per_m2(25, 35, 0.5) == pytest.approx(-129.0)


def test_usariem_max_evaporation():
    # 14.21 · (i_m/I_T) · (P_sk − P_a) [mmHg]; i_m 0.4, I_T 1.0 clo, T_sk 35 °C (5.6199 kPa = 42.153 mmHg),
    # P_a 2 kPa = 15.001 mmHg → 14.21 · 0.4 · 27.152 = 154.33 W/m²
    assert hb.max_evaporation_w_per_m2(35.0, 2.0, 1.0, 0.4) == pytest.approx(154.33, abs=0.05)


def test_required_evaporation():
    # E_req = (M − W) + (R + C) = (500 − 100) + (−150) = 250 W/m²
    assert hb.required_evaporation_w_per_m2(500, 100, -150) == pytest.approx(250.0)


def test_iso7933_dynamic_clothing():
    # ISO 7933:2004 Annex: v = 1 m/s, w = 1 m/s, I_cl = 0.6 clo:
    # CORR_cl = 1.044 · exp((0.066 − 0.398)·1 + (0.094 − 0.378)·1) = 1.044 · exp(−0.616) = 0.56386
    # I_tot,st = 0.6 + (0.111/0.155)/(1 + 0.18) = 1.20689 clo → I_T = 0.68052 clo
    # CORR_e = 2.6·0.56386² − 6.5·0.56386 + 4.9 = 2.06153 → i_m = 0.38 · 2.06153 = 0.78338
    i_t, i_m = hb.dynamic_clothing(0.6, 1.0, 1.0)
    assert float(i_t) == pytest.approx(0.68052, abs=1e-4)
    assert float(i_m) == pytest.approx(0.78338, abs=1e-4)
    # air speed beyond the standard's 3 m/s is held at 3 m/s
    assert float(hb.dynamic_clothing(0.6, 12.0)[0]) == pytest.approx(float(hb.dynamic_clothing(0.6, 3.0)[0]))


def test_iso7933_skin_temperature_clothed():
    # ISO 7933 clothed model, t_a = t_r = 25 °C, p_a 1.5 kPa, v 1 m/s, M 300 W/m², t_re = 0.0036·300 + 36.6 = 37.68:
    # 12.165 + 0.02017·25 + 0.04361·25 + 0.19354·1.5 − 0.25315·1 + 0.005346·300 + 0.51274·37.68 = 34.7205 °C
    assert float(hb.skin_temperature_c(25.0, 1.5, 1.0, 300.0, 0.6)) == pytest.approx(34.7205, abs=1e-3)


def test_iso7933_respiratory_heat_loss():
    # t_ex = 28.56 + 0.115·25 + 0.641·1.5 = 32.3965; C_res = 0.001516·300·7.3965 = 3.3639;
    # E_res = 0.00127·300·(59.34 + 13.25 − 17.445) = 21.0102 → 24.374 W/m²
    assert float(hb.respiratory_heat_loss_w_per_m2(300.0, 25.0, 1.5)) == pytest.approx(24.374, abs=1e-3)


def test_acsm_running_and_walking():
    # ACSM running: 3.5 + 0.2·v + 0.9·v·grade; 10 km/h = 166.667 m/min on the flat → 36.833 mL/kg/min
    assert acsm_running_vo2_ml_per_kg_min(10000 / 60, 0.0) == pytest.approx(36.833, abs=1e-3)
    # 161 m/min (6 mph) at 5 %: 3.5 + 32.2 + 0.9·161·0.05 = 42.945
    assert acsm_running_vo2_ml_per_kg_min(161, 0.05) == pytest.approx(42.945)
    # ACSM walking: 3.5 + 0.1·80 + 1.8·80·0.05 = 18.7 mL/kg/min
    assert acsm_walking_vo2_ml_per_kg_min(80, 0.05) == pytest.approx(18.7)
    # downhill counts as level (the equations are for level and uphill)
    assert acsm_running_vo2_ml_per_kg_min(161, -0.1) == pytest.approx(3.5 + 32.2)


def test_oxygen_and_met_conversions():
    # 36.833 mL/kg/min · 70 kg · 20.1 J/mL / 60 = 863.7 W
    assert vo2_to_metabolic_w(36.8333, 70) == pytest.approx(863.7, abs=0.1)
    # Compendium: 8 MET · 3.5 · 70 · 20.1 / 60 = 656.6 W
    assert met_to_metabolic_w(8.0, 70) == pytest.approx(656.6, abs=0.01)


def test_keytel_2005_equations():
    # Keytel et al. 2005, no VO2max: male HR 150, 70 kg, 35 y:
    # −55.0969 + 0.6309·150 + 0.1988·70 + 0.2017·35 = 60.5136 kJ/min
    assert keytel_energy_kj_per_min(150, 70, 35, "male") == pytest.approx(60.5136, abs=1e-4)
    # female: −20.4022 + 0.4472·150 − 0.1263·70 + 0.074·35 = 40.4268 kJ/min
    assert keytel_energy_kj_per_min(150, 70, 35, "female") == pytest.approx(40.4268, abs=1e-4)
    # unknown sex: the mean of the two
    assert keytel_energy_kj_per_min(150, 70, 35, None) == pytest.approx((60.5136 + 40.4268) / 2, abs=1e-4)
    # with VO2max, male HR 150, VO2max 50, 70 kg, 35 y:
    # −95.7735 + 0.634·150 + 0.404·50 + 0.394·70 + 0.271·35 = 56.5915
    assert keytel_vo2max_energy_kj_per_min(150, 50, 70, 35, "male") == pytest.approx(56.5915, abs=1e-4)
    # female HR 150, VO2max 45, 60 kg, 30 y: −59.3954 + 67.5 + 17.1 + 6.18 + 8.22 = 39.6046
    assert keytel_vo2max_energy_kj_per_min(150, 45, 60, 30, "female") == pytest.approx(39.6046, abs=1e-4)


def test_heart_rate_below_90_is_bridged_to_rest():
    athlete = Athlete(70, 175, "male", 35, 55, 185, None)
    rest_w = 1.3 * 3.5 * 70 * 20.1 / 60  # Compendium 07040 standing quietly: 106.7 W
    at_90_w = (-55.0969 + 0.6309 * 90 + 0.1988 * 70 + 0.2017 * 35) * 1000 / 60  # Keytel at 90 bpm
    assert heart_rate_metabolic_w(50, athlete) == pytest.approx(rest_w)
    assert heart_rate_metabolic_w(90, athlete) == pytest.approx(at_90_w)
    mid = heart_rate_metabolic_w((55 + 90) / 2, athlete)
    assert mid == pytest.approx((rest_w + at_90_w) / 2)


def test_power_to_metabolic_rate():
    # M = P / GE: 210 W at GE 0.21 (Ettema & Lorås 2009 range 0.18–0.25) = 1000 W
    assert power_metabolic_w(210.0, 0.21, 70) == pytest.approx(1000.0)
    # coasting (0 W) is not 0 W of metabolism: standing rest
    assert power_metabolic_w(0.0, 0.21, 70) == pytest.approx(1.3 * 3.5 * 70 * 20.1 / 60)


def test_compendium_cycling_speed_bands():
    # Compendium 2011: 01020 10–11.9 mph = 6.8 MET (band middle 11 mph = 4.917 m/s),
    # 01040 14–15.9 mph = 10.0 MET (15 mph = 6.7056 m/s)
    assert cycling_met_from_speed(11 / 2.23694) == pytest.approx(6.8)
    assert cycling_met_from_speed(15 / 2.23694) == pytest.approx(10.0)


def test_tanaka_hr_max():
    # Tanaka et al. 2001: 208 − 0.7 · 40 = 180 bpm
    assert tanaka_hr_max_bpm(40) == pytest.approx(180.0)


def test_electrolytes_from_published_concentrations():
    # Baker et al. 2016 (506 athletes): whole-body sweat sodium 35.9 mmol/L · 22.99 mg/mmol = 825.3 mg/L
    # (sex unknown, and men: the abstract does not split); women, Lara et al. 2016: 33.9 → 779.4 mg/L;
    # potassium 6.0 mmol/L · 39.10 = 234.6 mg/L
    sodium, potassium = sw.electrolytes_mg(2.0)
    assert sodium == pytest.approx(2 * 825.3, rel=1e-3)
    assert potassium == pytest.approx(2 * 234.6)
    assert sw.electrolytes_mg(1.0, "female")[0] == pytest.approx(779.4, rel=1e-3)
    assert sw.electrolytes_mg(1.0, "male")[0] == pytest.approx(825.3, rel=1e-3)
    # a measured 60 mmol/L (patch or lab) replaces the population value: 60 · 22.99 = 1379.4 mg/L
    assert sw.electrolytes_mg(1.0, "male", 60.0)[0] == pytest.approx(1379.4, rel=1e-3)
    # both inside SCIENCE §3 plausibility (potassium 100–400 mg/L, sodium 200–2100 mg/L)
    assert 100 <= potassium / 2 <= 400 and 200 <= sodium / 2 <= 2100


def test_range_reflects_inter_individual_variability():
    # Baker 2017: CV ~30–40 % between athletes → 35 %, on the log scale (never below 0):
    # σ = sqrt(ln(1 + 0.35²)) = 0.33994, range e^∓σ (so high ≥ 1.3 × low)
    low, high = sw.sweat_range_l(1.0)
    assert (low, high) == pytest.approx((np.exp(-0.33994), np.exp(0.33994)), rel=1e-4)
    assert high >= 1.3 * low
    # a calibration narrows it, but never below σ = 0.14 (high/low = e^0.28 ≥ 1.3)
    low, high = sw.sweat_range_l(1.0, sw.Calibration(factor=1.2, cv=0.01, n=5))
    assert high / low == pytest.approx(np.exp(0.28)) and high >= 1.3 * low


def test_calibration_hook_scales_total_and_marks_calibrated():
    plain = sw.sweat_totals(1.0, 0.9, 3600, 70.0)
    assert plain.calibrated is False and plain.total_l == pytest.approx(1.0)
    # body mass loss if nothing drunk: 1 L ≈ 1 kg (Sawka et al. 2007) → 1/70 = 1.43 %
    assert plain.body_mass_loss_pct == pytest.approx(100 / 70)
    cal = sw.sweat_totals(1.0, 0.9, 3600, 70.0, sw.Calibration(factor=1.5, cv=0.2, n=3))
    assert cal.calibrated is True and cal.total_l == pytest.approx(1.5) and cal.rate_l_per_h == pytest.approx(1.35)
    # CV 0.2 as a log-normal SD: σ = sqrt(ln(1 + 0.2²)) = 0.19804, range 1.5·e^∓σ (log scale)
    assert (cal.low_l, cal.high_l) == pytest.approx((1.5 * np.exp(-0.19804), 1.5 * np.exp(0.19804)), rel=1e-4)
    assert cal.calibration_n == 3


def test_bounds_choose_the_larger_and_respect_ceiling_and_no_heat():
    result = sw.bounded_sweat_g_per_m2_h(np.array([-100.0, 500.0, 5000.0, 300.0]),
                                         np.array([200.0, 100.0, 0.0, 0.0]),
                                         np.array([150.0, 150.0, 150.0, -20.0]))
    assert result.rate_g_per_m2_h.tolist() == pytest.approx([200.0, 500.0, sw.SWEAT_CEILING_G_PER_M2_H, 0.0])
    assert result.from_heat_balance.tolist() == [True, False, False, False]
    assert result.at_ceiling.tolist() == [False, False, True, False]


def test_clothing_assumption_is_monotone_and_bounded():
    clo = hb.sports_clothing_clo(np.array([30.0, 20.0, 15.0, 5.0, -20.0]))
    assert clo.tolist() == pytest.approx([0.3, 0.3, 0.55, 1.05, 2.0])
    assert math.isclose(float(hb.sports_clothing_clo(10.0)), 0.8)
