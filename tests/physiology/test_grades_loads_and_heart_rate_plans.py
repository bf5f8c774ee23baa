"""Running downhill costs what Minetti et al. (2002) measured; a plan paced by heart rate says its
load and grade are in the heart rate; a course plan takes the load carried."""
from __future__ import annotations

import numpy as np
import pytest
from plan_cli import offline_config, run_json

from flows.cli import main
from pipeline.physiology.intensity import running_metabolic_w


@pytest.fixture
def config_path(write_config, tmp_path):
    return str(write_config(offline_config(tmp_path)))


def minetti_run(i: float) -> float:
    """Minetti et al. (2002), J Appl Physiol 93:1039, cost of running [J/kg/m] at gradient i."""
    return 155.4 * i**5 - 30.4 * i**4 - 43.3 * i**3 + 46.3 * i**2 + 19.5 * i + 3.6


@pytest.mark.parametrize("grade", [-0.05, -0.10, -0.20, -0.30])
def test_running_downhill_costs_minettis_share_of_the_level_cost(grade):
    """ACSM's level running (3.5 + 0.2·v mL/kg/min) with its net part scaled by Minetti's C(i)/C(0);
    20.1 J per mL O2 (the module's constant, checked as ACSM's 5 kcal/L)."""
    v = 10 / 3.6
    vo2 = 3.5 + 0.2 * v * 60 * minetti_run(grade) / minetti_run(0.0)
    expected_w = vo2 * 70 / 60 * 20.1
    assert float(running_metabolic_w(v, grade, 70.0)) == pytest.approx(expected_w, rel=0.01)


def test_running_downhill_is_cheapest_near_minus_twenty_percent():
    grades = np.array([0.0, -0.05, -0.10, -0.15, -0.20, -0.25, -0.30])
    cost = running_metabolic_w(np.full(grades.size, 3.0), grades, 70.0)
    assert grades[int(np.argmin(cost))] == pytest.approx(-0.20)
    assert cost[0] > cost[2] > cost[4] < cost[6]


def test_a_planned_downhill_run_costs_the_grade_for_all_its_length(config_path, capsys):
    """1 h at 10 km/h down 10 % descends 1000 m: the whole hour is costed at −10 %, not flat once the
    synthetic altitude would leave the records' range."""
    args = ["plan", "--sport", "running", "--duration", "1h", "--speed", "10", "--temp", "20", "--solar-w-m2", "0"]
    flat = run_json(config_path, capsys, *args)
    down = run_json(config_path, capsys, *args, "--grade=-10")
    assert down["intensity"]["mean_metabolic_w"] == pytest.approx(float(running_metabolic_w(10 / 3.6, -0.1, 70.0)),
                                                                   rel=0.02)
    assert down["sweat"]["total_l"] < flat["sweat"]["total_l"]


def test_a_heart_rate_plan_says_its_load_and_grade_are_in_the_heart_rate(config_path, capsys):
    args = ["plan", "--sport", "hiking", "--duration", "5h", "--hr", "120", "--temp", "25"]
    bare = run_json(config_path, capsys, *args)
    laden = run_json(config_path, capsys, *args, "--load-kg", "15", "--grade", "8")
    assert laden["sweat"]["total_l"] == bare["sweat"]["total_l"]  # the heart rate decides: nothing counted twice
    said = [f for f in laden["sweat"]["flags"] if "not added" in f]
    assert len(said) == 1 and "15 kg load" in said[0] and "8 % grade" in said[0] and "heart rate" in said[0]
    assert not any("not added" in f for f in bare["sweat"]["flags"])


def test_a_course_plan_takes_the_load_carried(tmp_path, config_path, capsys):
    from course_files import HILLY, profile_points, write_gpx

    route = str(write_gpx(tmp_path / "hilly.gpx", profile_points(HILLY)))
    args = ["plan", "--course", route, "--sport", "hiking", "--speed", "4", "--temp", "25", "--humidity", "50",
            "--start", "2099-06-12T06:00+00:00"]
    bare = run_json(config_path, capsys, *args)
    laden = run_json(config_path, capsys, *args, "--load-kg", "12")
    # the Load Carriage Decision Aid (Looney et al. 2019): a load raises the metabolic rate at the same pace
    assert laden["intensity"]["mean_metabolic_w"] > bare["intensity"]["mean_metabolic_w"]
    assert laden["sweat"]["total_l"] > bare["sweat"]["total_l"]
    by_hr = [*args[:5], "--hr", "130", *args[7:]]
    slower = run_json(config_path, capsys, *by_hr, "--load-kg", "20")["plan"]["timeline"]
    faster = run_json(config_path, capsys, *by_hr)["plan"]["timeline"]
    assert slower[-1]["elapsed_s"] > faster[-1]["elapsed_s"]  # the same heart rate carries the load slower
    assert main(["plan", "--config", config_path, "--course", route, "--sport", "running", "--speed", "10",
                 "--load-kg", "5"]) == 2
    assert "walking" in capsys.readouterr().err
