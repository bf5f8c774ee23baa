"""A plan never states an effort no body can produce: the bounds against the records and tables they
come from, the one-line refusals of ``sweatline plan`` (and ``--course``), the FTP warning, and a
planned cycling speed costed by the Martin et al. (1998) equation so its effort rises with speed."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from cli_support import run_cli
from course_files import profile_points, write_gpx

from pipeline.core.config import parse_config
from pipeline.core.errors import InvalidValue
from pipeline.physiology.effort_limits import (
    above_ftp_line,
    check_cycling_speed,
    check_planned_effort,
    cycling_record_power_w_per_kg,
    running_record_speed_m_per_s,
)
from pipeline.physiology.planned import check_plan, planned_power_w, planned_records
from pipeline.usecases.analyse import analyse_plan

CONFIG = """inbox: inbox
data_dir: data
climate: {temperature_c: 20, humidity_pct: 50}
athlete: {name: t, body_mass_kg: 70, height_cm: 175, sex: male, age: 35, hr_rest_bpm: 55, hr_max_bpm: 185, ftp_w: 250}
weather: {provider: none}
"""

# World Athletics men's records: (distance m, time s)
MILE_1500 = (1500.0, 3 * 60 + 26.00)          # El Guerrouj 1998
HALF_MARATHON = (21097.5, 56 * 60 + 42)       # Kiplimo 2025
MARATHON = (42195.0, 2 * 3600 + 35)           # Kiptum 2023
TEN_K = (10000.0, 26 * 60 + 11.00)            # Cheptegei 2020
HOUR_RECORD_KMH = 56.792                      # UCI hour record, Ganna 2022


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "sweatline.yaml"
    path.write_text(CONFIG)
    return path


def _config(tmp_path: Path):
    return parse_config({"data_dir": str(tmp_path / "data"), "inbox": str(tmp_path / "inbox"),
                         "athlete": {"body_mass_kg": 70, "height_cm": 175, "sex": "male", "age": 35},
                         "weather": {"provider": "none"}})


def test_the_running_bound_is_riegel_through_the_1500_m_record():
    """At the 1500 m record's own time the bound is its speed; at the time Riegel's T₂ = T₁·(D₂/D₁)^1.06
    predicts for a marathon from it, the bound is that marathon's speed."""
    d1, t1 = MILE_1500
    assert running_record_speed_m_per_s(t1) == pytest.approx(d1 / t1, rel=1e-12)
    t2 = t1 * (MARATHON[0] / d1) ** 1.06
    assert running_record_speed_m_per_s(t2) == pytest.approx(MARATHON[0] / t2, rel=1e-12)


@pytest.mark.parametrize("record", [MILE_1500, TEN_K, HALF_MARATHON, MARATHON])
def test_every_world_record_from_1500_m_to_the_marathon_is_within_the_bound(record):
    distance, time = record
    check_planned_effort("running", time, speed_m_per_s=distance / time, body_mass_kg=60, sex="male")


def test_a_marathon_in_1_h_40_is_refused():
    with pytest.raises(InvalidValue) as refused:
        check_planned_effort("running", 3 * 3600.0, speed_m_per_s=25 / 3.6, body_mass_kg=70, sex="male")
    assert refused.value.field == "speed_kmh" and "world records" in str(refused.value)


@pytest.mark.parametrize("duration_s, sex, w_per_kg", [
    (4 * 3600.0, "male", 6.40), (3600.0, "male", 6.40), (1800.0, "male", 7.60), (300.0, "male", 7.60),
    (120.0, "male", 11.50), (30.0, "male", 25.18),
    (4 * 3600.0, "female", 5.69), (1800.0, "female", 6.74), (120.0, "female", 9.29), (7200.0, None, 6.40),
])
def test_the_power_bound_is_the_power_profile_table(duration_s, sex, w_per_kg):
    """Allen & Coggan (2010) power profile, top row: FT, 5 min, 1 min, 5 s; men's without a sex."""
    assert cycling_record_power_w_per_kg(duration_s, sex) == w_per_kg
    mass = 70.0
    check_planned_effort("cycling", duration_s, power_w=w_per_kg * mass, body_mass_kg=mass, sex=sex)
    with pytest.raises(InvalidValue):
        check_planned_effort("cycling", duration_s, power_w=w_per_kg * mass + 1.0, body_mass_kg=mass, sex=sex)


def test_the_hour_record_bounds_a_speed_of_an_hour_or_more():
    """A 150 kg rider's power bound (960 W) lets the Martin power of the hour record's speed through:
    the record itself passes, a little more is refused as faster than it; under an hour it is not asked."""
    check_cycling_speed(HOUR_RECORD_KMH / 3.6, 3600.0, 150.0, "male")
    with pytest.raises(InvalidValue, match="hour record"):
        check_cycling_speed((HOUR_RECORD_KMH + 0.1) / 3.6, 3600.0, 150.0, "male")
    check_cycling_speed((HOUR_RECORD_KMH + 0.1) / 3.6, 3000.0, 150.0, "male")


def _martin_w(speed_kmh: float, rider_kg: float) -> float:
    """Martin et al. (1998), flat road, calm air: P = v·(½ρ·CdA·v² + Crr·m·g)/η with ρ 1.2, CdA 0.32,
    Crr 0.005, bike 9 kg, g 9.81, η 0.976 — computed here on its own."""
    v = speed_kmh / 3.6
    return v * (0.5 * 1.2 * 0.32 * v**2 + 0.005 * (rider_kg + 9.0) * 9.81) / 0.976


def test_a_planned_cycling_speed_takes_the_martin_power(tmp_path: Path):
    plan = check_plan("cycling", "2h", speed_kmh=40.0)
    expected = _martin_w(40.0, 70.0)
    assert planned_power_w(plan, 70.0) == pytest.approx(expected, rel=1e-9)
    config = _config(tmp_path)
    records = planned_records(plan, 70.0, config.model.gross_efficiency)
    assert records["power_w"].iloc[0] == pytest.approx(expected, rel=1e-9)
    # a recorded leg synthesised from its summary (no gross efficiency passed) is left as it was
    assert planned_records(plan, 70.0)["power_w"].isna().all()
    intensity = analyse_plan(plan, config).report.intensity
    assert intensity.source == "power"
    assert intensity.mean_metabolic_w == pytest.approx(expected / config.model.gross_efficiency, abs=0.05)


def test_effort_keeps_rising_with_planned_cycling_speed_up_to_the_bound(tmp_path: Path):
    """It used to stop at the Compendium's top band (12 METs: 12 × 3.5 mL·kg⁻¹·min⁻¹ × 20.1 J/mL × 70 kg
    = 984.9 W) from 28 km/h up. Now it never falls with speed, and rises again where the Martin power
    over the gross efficiency passes the band (from about 34 km/h), up to the power bound."""
    config = _config(tmp_path)
    top_band_w = 12 * 3.5 * 20.1 * 70 / 60
    speeds = [float(s) for s in range(10, 46)]  # 45 km/h takes 441 W: under 6.40 W/kg × 70 kg = 448 W
    metabolic = [analyse_plan(check_plan("cycling", "2h", speed_kmh=s), config).report.intensity.mean_metabolic_w
                 for s in speeds]
    assert all(b >= a for a, b in zip(metabolic, metabolic[1:]))
    fast = [m for s, m in zip(speeds, metabolic) if s >= 35.0]
    assert all(b > a for a, b in zip(fast, fast[1:])) and fast[0] > top_band_w
    assert metabolic[-1] == pytest.approx(_martin_w(45.0, 70.0) / config.model.gross_efficiency, abs=0.05)
    assert metabolic[-1] > 2 * top_band_w
    with pytest.raises(InvalidValue, match="Allen & Coggan"):
        analyse_plan(check_plan("cycling", "2h", speed_kmh=46.0), config)


@pytest.mark.parametrize("args, flag", [
    (["--sport", "cycling", "--duration", "4h", "--power", "600", "--temp", "15"], "--power"),
    (["--sport", "cycling", "--duration", "2h", "--power", "900"], "--power"),
    (["--sport", "running", "--duration", "3h", "--speed", "25"], "--speed"),
    (["--sport", "cycling", "--duration", "2h", "--speed", "70"], "--speed"),
])
def test_impossible_plans_are_one_line_and_exit_2(config_path: Path, args: list[str], flag: str):
    result = run_cli("plan", *args, config=config_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and flag in result.stderr


def test_above_ftp_for_more_than_an_hour_is_one_warning_line(config_path: Path):
    result = run_cli("plan", "--sport", "cycling", "--duration", "4h", "--power", "300", "--json", config=config_path)
    assert result.returncode == 0 and json.loads(result.stdout)["sweat"]["total_l"] > 0
    assert result.stderr.count("\n") == 1 and "above your FTP of 250 W for 4 h" in result.stderr
    quiet = run_cli("plan", "--sport", "cycling", "--duration", "45m", "--power", "300", "--json", config=config_path)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert above_ftp_line(250.0, 4 * 3600.0, 250.0) is None and above_ftp_line(300.0, 3600.0, 250.0) is None
    assert above_ftp_line(300.0, 3601.0, None) is None


def test_a_course_at_an_impossible_power_is_refused(tmp_path: Path, config_path: Path):
    """A 20 km flat course: 2000 W (36 min of riding, far above the 5-min 7.60 W/kg) is refused;
    a finish time that needs more than the best riders' power is refused as the finish's."""
    route = write_gpx(tmp_path / "flat.gpx", profile_points(((20000.0, 0.0),)))
    common = ("plan", "--course", str(route), "--sport", "cycling", "--start", "2099-06-12T06:00+00:00",
              "--temp", "20", "--humidity", "50")
    refused = run_cli(*common, "--power", "2000", config=config_path)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "--power" in refused.stderr
    too_quick = run_cli(*common, "--finish", "20m", config=config_path)  # 60 km/h on the flat
    assert too_quick.returncode == 2 and "--finish" in too_quick.stderr
    fine = run_cli(*common, "--power", "200", "--json", config=config_path)
    assert fine.returncode == 0 and fine.stderr == ""


def test_a_run_on_a_course_faster_than_the_records_is_refused(tmp_path: Path, config_path: Path):
    route = write_gpx(tmp_path / "flat.gpx", profile_points(((20000.0, 0.0),)))
    common = ("plan", "--course", str(route), "--sport", "running", "--start", "2099-06-12T06:00+00:00",
              "--temp", "20", "--humidity", "50")
    assert run_cli(*common, "--speed", "25", config=config_path).returncode == 2
    assert run_cli(*common, "--speed", "12", "--json", config=config_path).returncode == 0
    assert math.isfinite(running_record_speed_m_per_s(48 * 3600.0))


def test_a_one_hour_finish_is_held_to_the_one_hour_power(tmp_path: Path, config_path: Path):
    """A hilly 47 km course in 1 h: the power the finish takes is compared with the best riders' 1-h
    (functional threshold) value, 6.40 W/kg (Allen & Coggan 2010) times 70 kg = 448 W, not the 5-min
    one; the pace the bisection finds may end a hair under the hour."""
    route = write_gpx(tmp_path / "hills.gpx", profile_points(((20000.0, 0.06), (27000.0, -0.05))))
    refused = run_cli("plan", "--course", str(route), "--sport", "cycling", "--start", "2099-06-12T06:00+00:00",
                      "--temp", "20", "--humidity", "50", "--finish", "1h", config=config_path)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "for 1 h" in refused.stderr and "functional threshold power 6.40 W/kg, 448 W" in refused.stderr
    assert "5-min" not in refused.stderr


def test_a_bike_finish_slower_than_walking_pace_is_planned_with_a_note(tmp_path: Path, config_path: Path):
    """47 km in 20 h is 2.35 km/h, under a comfortable walking pace (1.4 m/s = 5.04 km/h, Bohannon
    1997): planned (an ultra with long stops is a real day), with a note saying so; 47 km in 8 h
    (5.9 km/h) has no such note."""
    route = write_gpx(tmp_path / "flat.gpx", profile_points(((47000.0, 0.0),)))
    common = ("plan", "--course", str(route), "--sport", "cycling", "--start", "2099-06-12T06:00+00:00",
              "--temp", "20", "--humidity", "50", "--json")
    slow = run_cli(*common, "--finish", "20h", config=config_path)
    assert slow.returncode == 0, slow.stderr
    [note] = [n for n in json.loads(slow.stdout)["environment"]["notes"] if "walk" in n]
    assert f"{47.0 / 20:.1f} km/h on average over 20 h" in note and "walk at 5.0 km/h" in note
    steady = run_cli(*common, "--finish", "8h", config=config_path)
    assert steady.returncode == 0
    assert not any("walk" in n for n in json.loads(steady.stdout)["environment"]["notes"])
