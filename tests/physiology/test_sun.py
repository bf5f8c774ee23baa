"""Radiant heat from the sun (pipeline.physiology.radiation and its use in the heat balance), against
its sources by hand and against independent implementations: ASHRAE 55's SolarCal and ISO 7933's
PHS in pythermalcomfort (a test-only dependency)."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from physio_records import make_records

from pipeline.physiology import heat_balance as hb
from pipeline.physiology import radiation as rad
from pipeline.physiology.environment import WeatherInputs
from pipeline.physiology.estimate import estimate_leg

HOUR = 3600


def test_sun_elevation_at_solar_noon_on_the_solstice_and_the_equinox():
    """Spencer (1971): on 20 June the declination is about +23.44°, so at solar noon on the Tropic of
    Cancer the sun stands at the zenith; on the March equinox (declination ≈ 0) at 50° N it stands at
    90 − 50 = 40°. Solar noon at longitude 0 is 12:00 UTC minus the equation of time (≈ +1.5 min in
    June, ≈ −7.5 min in March). At midnight the sun is below the horizon."""
    june = pd.DatetimeIndex([pd.Timestamp("2024-06-20T12:01:30Z")])
    march = pd.DatetimeIndex([pd.Timestamp("2024-03-20T12:07:30Z")])
    assert float(rad.solar_elevation_deg(june, 23.44, 0.0)[0]) == pytest.approx(90.0, abs=0.5)
    assert float(rad.solar_elevation_deg(march, 50.0, 0.0)[0]) == pytest.approx(40.0, abs=0.5)
    assert float(rad.solar_elevation_deg(pd.DatetimeIndex([pd.Timestamp("2024-06-20T00:00Z")]), 45.0, 0.0)[0]) < 0
    # east is positive: noon comes 6 h earlier in UTC at 90° E
    assert float(rad.solar_elevation_deg(pd.DatetimeIndex([pd.Timestamp("2024-03-20T06:07:30Z")]), 50.0, 90.0)[0]) \
        == pytest.approx(40.0, abs=0.5)


def test_erbs_diffuse_fraction_by_hand():
    """Erbs, Klein & Duffie (1982): 1 − 0.09·k below 0.22; the quartic between; 0.165 above 0.80.
    k = 0.5: 0.9511 − 0.0802 + 4.388·0.25 − 16.638·0.125 + 12.336·0.0625 = 0.65915."""
    assert rad.erbs_diffuse_fraction([0.1, 0.5, 0.9]) == pytest.approx([0.991, 0.65915, 0.165], abs=1e-5)


def test_projected_area_factor_by_hand():
    """VDI 3787's fit to Fanger (1970): 0.308·cos(β·(0.998 − β²/50000)); at β 0: 0.308; at 90°:
    0.308·cos(75.24°) = 0.07847; a low sun falls on more of an upright body."""
    assert rad.projected_area_factor([0.0, 90.0]) == pytest.approx([0.308, 0.308 * math.cos(math.radians(75.24))],
                                                                   abs=1e-5)
    assert float(rad.projected_area_factor(20.0)) > float(rad.projected_area_factor(60.0))


def test_mean_radiant_temperature_by_hand():
    """ISO 7726 / VDI 3787 integral form: T_mrt⁴ = T_a⁴ + α/(ε·σ)·(f_p·I + ½D + ½ρG). Air 30 °C, beam
    700 W/m², diffuse 150, global 800, sun at 60°: f_p = 0.308·cos(60·(0.998 − 0.072)°) = 0.17421;
    absorbed 0.17421·700 + 75 + 0.5·0.2·800 = 276.95 W/m²."""
    f_p = 0.308 * math.cos(math.radians(60.0 * (0.998 - 3600.0 / 50000.0)))
    absorbed = f_p * 700.0 + 0.5 * 150.0 + 0.5 * 0.2 * 800.0
    t_mrt = (303.15**4 + 0.7 / (0.97 * 5.670374419e-8) * absorbed) ** 0.25
    assert float(rad.radiant_excess_from_components_k(30.0, 700.0, 150.0, 800.0, 60.0)) == pytest.approx(
        t_mrt - 303.15, abs=1e-6)
    assert float(rad.mean_radiant_excess_k(30.0, 0.0, 60.0)) == 0.0  # no radiation, no excess


def test_mean_radiant_excess_against_ashrae_solarcal():
    """pythermalcomfort's ``solar_gain`` (ASHRAE 55-2017 Appendix C, SolarCal) is the same structure,
    ``ΔT_mrt = (α/0.95)·(½·f_svv·(D + ρG) + f_p·I) / h_r`` with D = 0.2·I, but a fixed linear
    h_r = 6 W·m⁻²·K⁻¹ and its own projected-area table (averaged here over the sun's azimuth). Ours
    exchanges long-wave as σT⁴, whose slope is 6.1 W·m⁻²·K⁻¹ at 30 °C and grows as the radiant
    temperature rises, so ours is 5–15 % below SolarCal's for a weak sun and up to 25 % below in
    strong sun, never above it."""
    solar_gain = pytest.importorskip("pythermalcomfort.models").solar_gain
    for altitude, beam in itertools.product((15.0, 45.0, 75.0), (100.0, 600.0, 900.0)):
        diffuse = 0.2 * beam
        global_h = beam * math.sin(math.radians(altitude)) + diffuse
        solarcal = np.mean([solar_gain(sol_altitude=altitude, sharp=sharp, sol_radiation_dir=beam, sol_transmittance=1,
                                       f_svv=1, f_bes=1, asw=0.7, posture="standing", floor_reflectance=0.2,
                                       round_output=False).delta_mrt for sharp in range(0, 181, 15)])
        ours = float(rad.radiant_excess_from_components_k(30.0, beam, diffuse, global_h, altitude))
        assert 0.75 * solarcal <= ours <= solarcal, (altitude, beam, ours, solarcal)
        if beam <= 100.0:
            assert ours >= 0.85 * solarcal


def _e_req(ta: float, met: float, v: float, rh: float, excess_k: float) -> float:
    m = met * 58.15
    p_a = hb.vapour_pressure_kpa(ta, rh)
    i_t, _ = hb.dynamic_clothing(0.5, v, 0.0)
    t_sk = hb.skin_temperature_c(ta, p_a, v, m, 0.5, excess_k)
    dry = hb.dry_heat_gain_w_per_m2(ta, t_sk, i_t, excess_k, v)
    return float(hb.required_evaporation_w_per_m2(m, 0.0, dry) - hb.respiratory_heat_loss_w_per_m2(m, ta, p_a))


COMPENSABLE = (list(itertools.product((25.0, 30.0), (2.0, 3.0), (1.0,), (30.0, 60.0)))
               + list(itertools.product((20.0,), (3.0,), (1.0,), (30.0, 60.0)))
               + list(itertools.product((25.0, 30.0), (3.0,), (2.0,), (30.0, 60.0))))
"""Air moving 1–2 m/s at 20–30 °C where PHS asks for at least 40 W/m² of evaporation in the shade."""


@pytest.mark.parametrize("ta,met,v,rh", COMPENSABLE)
def test_the_suns_share_of_required_evaporation_matches_iso7933_phs(ta, met, v, rh):
    """A mean radiant temperature 15 K above the air adds to E_req what ISO 7933's PHS adds with
    ``tr = ta + 15`` (pythermalcomfort's ``phs``, 8 h mean of its ``evap_load_wm2_min``): ours 0 to
    10 W·m⁻² more, or up to 2 below. Why ours is mostly a little more: we take the clothing surface at
    skin temperature (thin sports kit), PHS iterates a cooler clothing surface that re-radiates less of
    the sun's heat inwards; PHS also stores heat while the core warms, which ours (steady state) does
    not. 10 W·m⁻² is about 15 g·m⁻²·h⁻¹ of sweat, a seventh of the sweat equations' published error
    (SEE 100 g·m⁻²·h⁻¹). Compensable conditions only (:data:`COMPENSABLE`: near zero E_req, PHS's
    is held up by heat-storage terms ours does not have)."""
    phs = pytest.importorskip("pythermalcomfort.models").phs
    minutes = 480

    def phs_e_req(tr: float) -> float:
        result = phs(tdb=ta, tr=tr, v=v, rh=rh, met=met, clo=0.5, posture="standing", duration=minutes,
                     weight=75.0, height=1.80, round_output=False, limit_inputs=False)
        return float(result.evap_load_wm2_min) / minutes

    shade = phs_e_req(ta)
    assert shade >= 40.0  # the grid's premise
    added_phs = phs_e_req(ta + 15.0) - shade
    added_ours = _e_req(ta, met, v, rh, 15.0) - _e_req(ta, met, v, rh, 0.0)
    assert -2.0 <= added_ours - added_phs <= 10.0


def test_without_sun_the_dry_exchange_is_the_original_form():
    """radiant excess 0: R + C = (6.45/I_T)·(T_a − T_sk) exactly, whatever the air speed."""
    for v in (0.4, 1.0, 3.0):
        assert float(hb.dry_heat_gain_w_per_m2(25.0, 35.0, 0.5, 0.0, v)) == pytest.approx(-129.0)


def _weather_records(hours: int, start: str, solar_w_m2: float, position: bool = True) -> pd.DataFrame:
    records = make_records(hours * HOUR, speed_m_per_s=30.0 / 3.6)
    records["timestamp"] = pd.Timestamp(start) + pd.to_timedelta(records["elapsed_s"], unit="s")
    if position:
        records["latitude_deg"], records["longitude_deg"] = 45.0, 5.0
    records["weather_temperature_c"] = 28.0
    records["weather_humidity_pct"] = 50.0
    records["weather_wind_speed_m_per_s"] = 2.0
    records["weather_solar_radiation_w_per_m2"] = solar_w_m2
    return records


def test_a_ride_in_the_sun_sweats_more_than_the_same_ride_in_shade_and_says_so(rider, climate):
    """The weather service's radiation is modelled: a midday ride under 800 W/m² sweats more than the
    same ride and air with none; without a position the sun cannot be placed and is left out, said."""
    weather = WeatherInputs(service="Open-Meteo")
    sunny = estimate_leg(_weather_records(2, "2024-06-21T10:00:00Z", 800.0), "cycling", "road", None, rider, climate,
                         weather)
    shade = estimate_leg(_weather_records(2, "2024-06-21T10:00:00Z", 0.0), "cycling", "road", None, rider, climate,
                         weather)
    lost = estimate_leg(_weather_records(2, "2024-06-21T10:00:00Z", 800.0, position=False), "cycling", "road", None,
                        rider, climate, weather)
    assert sunny.total_l > shade.total_l
    assert lost.total_l == pytest.approx(shade.total_l)
    assert any(n.startswith("sun: mean radiant temperature") for n in sunny.environment.notes)
    assert any("not modelled" in n for n in lost.environment.notes)
    assert sunny.environment.solar_radiation_w_per_m2 == pytest.approx(800.0)


def test_no_sun_indoors_or_in_water(rider, climate):
    """A trainer ride has no sun on it, whatever the weather service says outside."""
    weather = WeatherInputs(service="Open-Meteo")
    records = _weather_records(1, "2024-06-21T10:00:00Z", 800.0)
    indoor = estimate_leg(records, "cycling", "indoor_cycling", None, rider, climate, weather)
    assert not any(n.startswith("sun:") for n in indoor.environment.notes)


def test_haurwitz_clear_sky_by_hand():
    """Haurwitz (1945): G = 1098·sin β·exp(−0.057/sin β). At β = 90°: 1098·e^−0.057 = 1037.2 W/m²; at
    β = 30°: 549·e^−0.114 = 489.9 W/m²; nothing with the sun down."""
    assert rad.haurwitz_clear_sky_w_per_m2([90.0, 30.0, -5.0]) == pytest.approx([1037.16, 489.86, 0.0], abs=0.05)


def test_the_default_daylight_sky_is_wild_2013s_surface_mean_over_the_daylight_hours():
    """185 W/m² (Wild et al. 2013, 24-h global surface mean) over half the hours = 370 W/m²; the
    independent check (Haurwitz's clear sky averaged over an equinox day's daylight at 45°N, times
    Kasten & Czeplak's 1 − 0.75·(N/8)^3.4 at two-thirds cover) lands within 5 % of it."""
    assert rad.DEFAULT_DAYLIGHT_SOLAR_W_PER_M2 == pytest.approx(370.0)
    hour_angle = np.linspace(-np.pi / 2, np.pi / 2, 20001)  # sunrise to sunset at the equinox
    elevation = np.degrees(np.arcsin(math.cos(math.radians(45.0)) * np.cos(hour_angle)))
    check = float(np.mean(rad.haurwitz_clear_sky_w_per_m2(elevation))) * (1 - 0.75 * (2 / 3) ** 3.4)
    assert check == pytest.approx(rad.DEFAULT_DAYLIGHT_SOLAR_W_PER_M2, rel=0.05)


def _recorded(start: str, hours: float = 1.0) -> pd.DataFrame:
    """A ride recorded at 45° N, 5° E with no weather service values."""
    records = make_records(int(hours * HOUR), speed_m_per_s=30.0 / 3.6, temperature_c=22.0)
    records["timestamp"] = pd.Timestamp(start) + pd.to_timedelta(records["elapsed_s"], unit="s")
    records["latitude_deg"], records["longitude_deg"] = 45.0, 5.0
    return records


def test_a_ride_no_weather_service_answered_for_takes_the_daylight_sky_by_day_and_none_by_night(rider, climate):
    """No weather service: by day the climatological daylight sky at the sun's own elevation (more sweat
    than the model's shade, said in a note); at night (the sun below the horizon, Spencer 1971) no sun
    at all; at dawn no more than Haurwitz's clear sky at that low sun."""
    unknown = WeatherInputs(temperature_c=22.0, humidity_pct=50.0, sky_unknown_assumed=True)
    shade = WeatherInputs(temperature_c=22.0, humidity_pct=50.0)
    noon = _recorded("2024-06-21T11:40:00Z")
    day = estimate_leg(noon, "cycling", "road", None, rider, climate, unknown)
    assert day.total_l > estimate_leg(noon, "cycling", "road", None, rider, climate, shade).total_l
    assert any(n.startswith("sun assumed (no weather service radiation)") and "Wild et al. 2013" in n
               for n in day.environment.notes)
    midnight = _recorded("2024-06-21T23:40:00Z")
    night = estimate_leg(midnight, "cycling", "road", None, rider, climate, unknown)
    assert night.total_l == pytest.approx(estimate_leg(midnight, "cycling", "road", None, rider, climate, shade).total_l)
    # dawn: sun 2-3° up at 45° N, 5° E around 04:00 UTC on the solstice; Haurwitz gives far less than 370 W/m²
    from pipeline.physiology.environment import resolve_environment

    dawn = _recorded("2024-06-21T04:00:00Z", hours=0.1)
    elevation = rad.solar_elevation_deg(dawn["timestamp"], 45.0, 5.0)
    assert 0.0 < float(elevation.min()) and float(elevation.max()) < 10.0
    env = resolve_environment(dawn, "cycling", "road", None, climate, unknown)
    capped = rad.mean_radiant_excess_k(22.0, rad.haurwitz_clear_sky_w_per_m2(elevation), elevation,
                                       rad.earth_sun_distance_factor(dawn["timestamp"]))
    assert env.radiant_excess_k == pytest.approx(capped)
    assert float(np.max(env.radiant_excess_k)) < float(rad.mean_radiant_excess_k(22.0, 370.0, float(elevation.max()))[()])


def test_an_indoor_ride_no_weather_service_answered_for_has_no_sun(rider, climate):
    """The assumed sky follows the one rule (environment.sun_reaches): a trainer ride gets none."""
    unknown = WeatherInputs(temperature_c=22.0, humidity_pct=50.0, sky_unknown_assumed=True)
    indoor = estimate_leg(_recorded("2024-06-21T11:40:00Z"), "cycling", "indoor_cycling", None, rider, climate, unknown)
    assert not any(n.startswith("sun") for n in indoor.environment.notes)


def test_a_recording_without_positions_and_no_weather_gets_no_assumed_sun(rider, climate):
    """Without a position the sun cannot be placed (day or night): no sun, and a note says why; a plan's
    synthetic records (planned=True) are the exception, at the plan's 45°."""
    unknown = WeatherInputs(temperature_c=22.0, humidity_pct=50.0, sky_unknown_assumed=True)
    records = _recorded("2024-06-21T11:40:00Z")
    records["latitude_deg"], records["longitude_deg"] = np.nan, np.nan
    lost = estimate_leg(records, "cycling", "road", None, rider, climate, unknown)
    shade = estimate_leg(records, "cycling", "road", None, rider, climate, WeatherInputs(temperature_c=22.0,
                                                                                         humidity_pct=50.0))
    assert lost.total_l == pytest.approx(shade.total_l)
    assert any(n.startswith("sun not modelled: no weather service answered") for n in lost.environment.notes)
    planned = estimate_leg(records, "cycling", "road", None, rider, climate, unknown, planned=True)
    assert any("at 45° elevation" in n for n in planned.environment.notes)
