"""`sweatline plan --indoor`: no sun, a fan's air instead of the breeze of moving."""
from __future__ import annotations

import pytest
from plan_cli import CONFIG, plan_json, refused

FAN_M_PER_S = 1.5
"""A pedestal fan a metre or two away moves 1-2 m/s of air (the environment module's stated indoor
air); indoors neither the 200 W rider's ~9 m/s road speed nor the runner's 3.06 m/s (11 km/h) is air
moving over them."""


@pytest.fixture
def config_path(write_config):
    return str(write_config(CONFIG))


@pytest.mark.parametrize("effort", [["--sport", "cycling", "--power", "200"], ["--sport", "running", "--speed", "11"]])
def test_an_indoor_plan_has_no_sun_and_a_fans_air_not_the_breeze_of_moving(config_path, capsys, effort):
    args = [*effort, "--duration", "1h", "--temp", "20"]
    indoor = plan_json(config_path, capsys, *args, "--indoor")
    shade = plan_json(config_path, capsys, *args, "--solar-w-m2", "0")
    env = indoor["environment"]
    assert env["indoor"] is True and env["air_speed_m_per_s"] == pytest.approx(FAN_M_PER_S)
    assert env["solar_radiation_w_per_m2"] is None
    assert any("indoors" in n and "1.5 m/s" in n and "breeze" in n for n in env["notes"])
    assert not any("Wild et al." in n or "sun elevation" in n for n in env["notes"])
    assert not any("relative air speed" in n for n in indoor["sweat"].get("flags", []) + env["notes"])
    # less air over the skin evaporates less of each gram of sweat: more is made for the same heat
    assert indoor["sweat"]["total_l"] > shade["sweat"]["total_l"]
    assert shade["environment"]["air_speed_m_per_s"] > 3.0


def test_an_indoor_plan_and_an_indoor_recording_are_indoors_by_one_rule():
    from pipeline.physiology.environment import PLAN_INDOOR_SUB_SPORT, is_indoor, sun_reaches

    assert is_indoor(PLAN_INDOOR_SUB_SPORT) and is_indoor("indoor_cycling") and is_indoor("treadmill")
    assert not sun_reaches("running", PLAN_INDOOR_SUB_SPORT) and sun_reaches("running")


@pytest.mark.parametrize("args, words", [
    (["--sport", "cycling", "--power", "200", "--indoor", "--solar-w-m2", "0"], "no sun"),
    (["--sport", "swimming", "--speed", "3", "--indoor"], "in air"),
    (["--sport", "treadmill", "--speed", "10"], "--sport running --indoor"),
    (["--sport", "indoor_cycling", "--power", "150"], "--sport cycling --indoor"),
    (["--sport", "cycling", "--speed", "30", "--indoor"], "give --power or --hr"),
])
def test_indoor_refusals_are_one_line_and_say_what_to_give(config_path, capsys, args, words):
    err = refused(config_path, capsys, "--duration", "1h", *args)
    assert words in err


def test_a_triathlon_is_not_planned_indoors(config_path, capsys):
    err = refused(config_path, capsys, "--sport", "triathlon", "--legs", "1h,2h,1h", "--hr", "140", "--indoor")
    assert err.startswith("--indoor: ")
