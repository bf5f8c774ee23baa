"""A planned heart rate above the athlete's maximum: refused, naming the maximum and where it comes from."""
from __future__ import annotations

import pytest
from plan_cli import CONFIG, plan_json, refused


@pytest.fixture
def config_path(write_config):
    return str(write_config(CONFIG))


@pytest.mark.parametrize("sport, effort", [("running", "--hr"), ("hiking", "--hr")])
def test_a_heart_rate_above_the_configured_maximum_is_refused_naming_it(config_path, capsys, sport, effort):
    """The config's athlete tops out at 185 bpm: 220 bpm for 6 h is no effort anybody holds."""
    err = refused(config_path, capsys, "--sport", sport, "--duration", "6h", effort, "220", "--temp", "35")
    assert err.startswith("--hr: 220 bpm") and "185 bpm" in err and "athlete.hr_max_bpm in the config" in err
    assert plan_json(config_path, capsys, "--sport", sport, "--duration", "1h", effort, "185")["sweat"]["total_l"] > 0


def test_without_a_configured_maximum_the_age_predicted_one_is_named(write_config, capsys):
    """Age 40 and no hr_max_bpm: Tanaka et al. (2001), 208 - 0.7 * 40 = 180 bpm."""
    path = str(write_config(CONFIG.replace(", hr_max_bpm: 185", "").replace("age: 35", "age: 40")))
    err = refused(path, capsys, "--sport", "running", "--duration", "1h", "--hr", "181")
    assert "180 bpm" in err and "predicted from age 40" in err and "Tanaka" in err
    assert plan_json(path, capsys, "--sport", "running", "--duration", "1h", "--hr", "180")["sweat"]["total_l"] > 0


def test_a_triathlons_heart_rate_is_held_to_the_maximum_too(config_path, capsys):
    err = refused(config_path, capsys, "--sport", "triathlon", "--legs", "1h,2h,1h", "--hr", "190")
    assert err.startswith("--hr: 190 bpm") and "185 bpm" in err
