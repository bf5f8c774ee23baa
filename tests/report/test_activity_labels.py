"""What a report calls its activity, the same in the terminal and the HTML title: the sport with its
sub-sport ('trail run'), a multisport file by its legs (World Triathlon's disciplines), and where the
effort came from, each signal by its share of the moving time."""
from __future__ import annotations

from pipeline.report.view import activity_label, effort_sources_text


def test_a_multisport_file_is_named_by_its_legs():
    legs = ["swimming", "transition", "cycling", "transition", "running"]
    assert activity_label("multisport", None, legs) == "triathlon"
    assert activity_label("multisport", None, ["running", "transition", "cycling", "transition", "running"]) == "duathlon"
    assert activity_label("multisport", None, ["cycling", "running", "cycling"]) == "multisport"
    assert activity_label("multisport", None, None) == "multisport"


def test_one_sport_keeps_its_sub_sport():
    assert activity_label("running", "trail") == "trail run"
    assert activity_label("running", None) == "run"


def test_effort_sources_by_share():
    # the triathlon file: power on the bike 49 %, speed on the run 33 %, the swim by duration 18 %
    shares = {"duration": 0.183, "power": 0.49, "speed": 0.327}
    assert effort_sources_text("power", shares) == "power meter 49 %, speed and grade 33 %, duration only 18 %"
    assert effort_sources_text("power", {"power": 0.97, "heart_rate": 0.03}) == "power meter"
    assert effort_sources_text("speed", {}) == "speed and grade"
