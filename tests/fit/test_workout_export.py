"""``plan --course ... --export-fit-workout WORKOUT.fit``: the drink and feed cues as a FIT workout
for a watch that cannot follow a course, decoded by fitparse and by Garmin's own FIT SDK
(garmin-fit-sdk): a step starts at each cue's planned time, named by what to take, the last open to
the finish; the cues read from the JSON timeline here, independently of the exporter."""
from __future__ import annotations

import json
from pathlib import Path

import fitparse
import pytest
from cli_support import run_cli
from course_files import HILLY, due_cues, profile_points, write_gpx
from garmin_fit_sdk import Decoder, Stream


def _plan(tmp_path: Path, finish: str, pieces: tuple[tuple[float, float], ...] = HILLY) -> tuple[dict, Path]:
    route = write_gpx(tmp_path / "route.gpx", profile_points(pieces))
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    out = tmp_path / "workout.fit"
    result = run_cli("plan", "--course", str(route), "--sport", "cycling", "--start", "2027-06-12T06:00+00:00",
                     "--finish", finish, "--temp", "28", "--humidity", "50", "--export-fit-workout", str(out), "--json",
                     config=config)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), out


def test_a_step_at_each_cue_read_by_both_decoders(tmp_path: Path) -> None:
    report, path = _plan(tmp_path, "1h30m")
    cues = due_cues(report["plan"]["timeline"])
    assert len(cues) >= 3
    ff = fitparse.FitFile(str(path))
    assert next(ff.get_messages("file_id")).get_value("type") == "workout"
    workout = next(fitparse.FitFile(str(path)).get_messages("workout")).get_values()
    steps = [m.get_values() for m in fitparse.FitFile(str(path)).get_messages("workout_step")]
    assert workout["num_valid_steps"] == len(steps) == len(cues) + 1 and workout["sport"] == "cycling"
    # the first step runs to the first cue; each next one from its cue to the next; the last is open
    starts = [0.0, *(t for t, _, _, _ in cues)]
    for step, begin, end in zip(steps, starts, starts[1:]):
        assert step["duration_type"] == "time"
        assert step["duration_time"] == pytest.approx(end - begin, abs=0.001)
    assert steps[-1]["duration_type"] == "open"
    for step, (_, _, ml, g) in zip(steps[1:], cues):
        assert step["wkt_step_name"] == f"Drink {ml:.0f} mL, eat {g:.0f} g carbs"
        assert step["notes"].startswith(step["wkt_step_name"] + " at ")
        assert step["target_type"] == "open" and step["intensity"] == "active"
    decoder = Decoder(Stream.from_file(str(path)))
    assert decoder.is_fit() and decoder.check_integrity()
    messages, errors = Decoder(Stream.from_file(str(path))).read()
    assert errors == []
    assert messages["file_id_mesgs"][0]["type"] == "workout"
    garmin = messages["workout_step_mesgs"]
    assert [(m["wkt_step_name"], m["duration_type"]) for m in garmin] == \
        [(s["wkt_step_name"], s["duration_type"]) for s in steps]
    assert [m["duration_value"] for m in garmin[:-1]] == [round((e - b) * 1000) for b, e in zip(starts, starts[1:])]


def test_a_race_with_no_cue_is_one_open_step(tmp_path: Path) -> None:
    # 15 km on the flat at 37.5 km/h (about 260 W): its first cue due 15 min in is 9 min from the finish
    # (the hilly 20 km in 24 min would take 755 W, more than the best riders hold for that long: refused)
    report, path = _plan(tmp_path, "24m", ((15000.0, 0.0),))
    assert due_cues(report["plan"]["timeline"]) == []
    steps = [m.get_values() for m in fitparse.FitFile(str(path)).get_messages("workout_step")]
    assert len(steps) == 1 and steps[0]["duration_type"] == "open"
    messages, errors = Decoder(Stream.from_file(str(path))).read()
    assert errors == [] and messages["workout_mesgs"][0]["num_valid_steps"] == 1
