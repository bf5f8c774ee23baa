"""Sessions too short to estimate (under ``MIN_ESTIMATE_S``), recorded or planned: no amounts, but
the activity as it was (its legs, its chart) and the consumer article's general advice."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from cli_support import run_cli
from ride_files import START, ride_file

from tools import fitwriter as fw


def test_a_planned_session_under_ten_minutes_gets_the_short_answer(config_file) -> None:
    # MIN_ESTIMATE_S, as for a recorded session: 10 min at 2 L/h (Sawka et al. 2007) is under the
    # day-to-day variation of body mass (Cheuvront et al. 2004)
    out = run_cli("plan", "--sport", "running", "--duration", "8m", "--speed", "12", "--json", config=config_file())
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["sweat"] is None and answer.get("plan") is None
    assert answer["advice"][0]["text"].startswith("Too short to estimate: 8 min")
    assert {"hydration", "potassium", "calcium", "warm-up"} <= {item["topic"] for item in answer["advice"]}
    longer = json.loads(run_cli("plan", "--sport", "running", "--duration", "10m", "--speed", "12", "--json",
                                config=config_file()).stdout)
    assert longer["sweat"]["total_l"] > 0 and longer["plan"]["during_ml_per_h"] >= 0


def test_a_13_second_file_is_too_short_to_estimate(tmp_path: Path, config_file) -> None:
    path = ride_file(tmp_path / "inbox" / "blip.fit", seconds=13)
    out = run_cli("ride", str(path), config=config_file())
    assert out.returncode == 0, out.stderr
    assert "Too short to estimate: 13 s" in out.stdout
    assert "Drink during" not in out.stdout and "mL/h" not in out.stdout
    report = json.loads(run_cli("ride", str(path), "--json", config=config_file()).stdout)
    assert report["sweat"] is None and report["plan"] is None  # SPEC's blocks are all there, null
    assert {"schema_version", "activity", "environment", "intensity", "sweat", "plan", "advice"} <= set(report)


ARTICLE_WORDS = ("banana", "potato", "water", "stretch")
"""The consumer article's advice, in the words SPEC's report check looks for."""


def _short_multisport(path: Path, legs: tuple[tuple[str, int], ...]) -> Path:
    """A multisport file of short legs (sport, seconds), one record a second with heart rate and
    speed, a session per leg, as a Garmin watch writes a multisport activity."""
    from tools.fitwriter import FitEncoder

    enc = FitEncoder()
    enc.add("file_id", {"type": "activity", "manufacturer": "garmin", "product": 3113, "time_created": START})
    t = START
    for sport, seconds in legs:
        leg_start = t
        enc.add("event", {"timestamp": t, "event": "timer", "event_type": "start"})
        for i in range(seconds + 1):
            enc.add("record", {"timestamp": t + timedelta(seconds=i), "heart_rate": 120 + i % 20,
                               "enhanced_speed": 3.0, "distance": 3.0 * i})
        t = t + timedelta(seconds=seconds)
        enc.add("event", {"timestamp": t, "event": "timer", "event_type": "stop_all"})
        enc.add("session", {"timestamp": t, "start_time": leg_start, "total_elapsed_time": float(seconds),
                            "total_timer_time": float(seconds), "total_distance": 3.0 * seconds, "sport": sport})
        t = t + timedelta(seconds=5)
    enc.add("activity", {"timestamp": t, "num_sessions": len(legs), "type": "manual"})
    return fw.write(path, enc.to_bytes())


@pytest.mark.parametrize("legs", [(("cycling", 50), ("running", 25)), (("running", 299), ("cycling", 240), ("running", 30))])
def test_a_short_multisport_file_keeps_its_legs_chart_and_the_articles_advice(tmp_path: Path, config_file, legs) -> None:
    # Under MIN_ESTIMATE_S in all there is no estimate, but the activity is still what it was:
    # its legs (SPEC: "a legs list, each leg with its own sport, timer_s"), its chart and the
    # article's general advice; only this session's amounts are left out.
    path = _short_multisport(tmp_path / "inbox" / "brick.fit", legs)
    cfg = config_file()
    report = json.loads(run_cli("ride", str(path), "--json", config=cfg).stdout)
    assert report["activity"]["sport"] == "multisport"
    assert [(leg["sport"], leg["timer_s"]) for leg in report["legs"]] == [(sport, float(s)) for sport, s in legs]
    assert report["sweat"] is None and report.get("plan") is None
    assert all(leg["sweat"] is None for leg in report["legs"])
    topics = [item["topic"] for item in report["advice"]]
    assert topics[0] == "estimate" and {"hydration", "potassium", "calcium", "warm-up"} <= set(topics)
    html = next((tmp_path / "data" / "reports").glob("*/report.html")).read_text().lower()
    assert all(word in html for word in ARTICLE_WORDS) and "<svg" in html
    assert "too short to estimate" in html and "drink during" not in html
    terminal = run_cli("ride", str(path), config=cfg).stdout
    assert "Too short to estimate" in terminal and "Drink during" not in terminal


def test_a_13_second_report_page_still_has_its_chart_and_the_articles_advice(tmp_path: Path, config_file) -> None:
    path = ride_file(tmp_path / "inbox" / "blip.fit", seconds=13)
    assert run_cli("ride", str(path), config=config_file()).returncode == 0
    folder = next((tmp_path / "data" / "reports").glob("*/"))
    html = (folder / "report.html").read_text().lower()
    assert all(word in html for word in ARTICLE_WORDS) and "<svg" in html
    assert "13 s" in (folder / "report.md").read_text()
