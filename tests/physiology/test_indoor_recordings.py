"""A trainer ride whose file names no indoor sub-sport is indoors (no sun, a fan's air), and a run
that recorded no movement is not taken so."""
from __future__ import annotations

import numpy as np
import pytest
from plan_cli import offline_config, run_json
from shared_paths import SAMPLES


@pytest.fixture
def config_path(write_config, tmp_path):
    return str(write_config(offline_config(tmp_path)))


def test_a_trainer_ride_without_an_indoor_sub_sport_is_indoors(config_path, capsys):
    """The Edge 800 trainer file (MANIFEST: sub-sport generic, no speed, no GPS, 0 km) was given the
    road's 7.0 m/s breeze; it never moved, so it is indoors: no sun, the fan's 1.5 m/s, said so."""
    report = run_json(config_path, capsys, "ride", str(SAMPLES / "garmin-edge800-cycling-38min-indoor-trainer.fit"))
    env = report["environment"]
    assert report["activity"]["sub_sport"] == "generic"
    assert env["indoor"] is True and env["air_speed_m_per_s"] == pytest.approx(1.5)
    assert any(n.startswith("indoors: the ride records no speed, distance or position") for n in env["notes"])
    assert not any("typical speed" in f or "relative air speed" in f for f in report["sweat"]["flags"])


def test_a_run_without_gps_or_footpod_is_not_taken_indoors(config_path, capsys):
    """A Forerunner 70 has no GPS: a run without a footpod records no speed or distance outdoors too."""
    report = run_json(config_path, capsys, "ride", str(SAMPLES / "garmin-fr70-running-57min-compressed-timestamps.fit"))
    assert report["environment"]["indoor"] is False


def test_stays_in_place_wants_a_pedalled_sport_and_no_movement_at_all():
    import pandas as pd

    from pipeline.physiology.environment import session_indoors, stays_in_place

    still = pd.DataFrame({"speed_m_per_s": [np.nan, 0.0], "distance_m": [0.0, 0.0], "latitude_deg": [np.nan, np.nan]})
    assert stays_in_place(still, "cycling") and session_indoors("generic", still, "cycling")
    assert not stays_in_place(still, "running") and not stays_in_place(still, "swimming")
    assert not stays_in_place(still.assign(distance_m=[0.0, 5.0]), "cycling")
    assert not stays_in_place(still.assign(latitude_deg=[np.nan, 51.5]), "cycling")
    assert session_indoors("indoor_cycling") and not session_indoors("road")
