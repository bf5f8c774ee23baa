"""Which sport a file is when it does not say: a bike computer's file without a session is a ride;
a file with no sport anywhere reads as "sport not recorded"."""
from __future__ import annotations

from pathlib import Path

from ride_files import ride_file
from shared_paths import SAMPLES

from pipeline.fit import read_activity
from tools import fitwriter as fw


def test_no_session_file_from_a_bike_computer_is_a_ride() -> None:
    name = "garmin-edge1040-cycling-33min-no-session-gear-changes.fit"
    manifest = next(line for line in (SAMPLES / "MANIFEST.csv").read_text().splitlines() if line.startswith(name))
    # no session, so no sport in the file; the manifest says what it is: an Edge 1040 (a bike
    # computer) recording gear changes (bicycle shifting: a ride)
    assert ",edge_1040," in manifest.replace("edge1040", "edge_1040") or "edge1040" in manifest
    assert "gear-change events" in manifest
    assert read_activity(SAMPLES / name).summary.sport == "cycling"


def test_no_sport_anywhere_reads_as_sport_not_recorded(tmp_path: Path) -> None:
    watch = fw.DeviceSpec(manufacturer="development", product_name="wrist unit")
    activity = read_activity(ride_file(tmp_path / "cut.fit", seconds=900, sport="generic", sub_sport="generic",
                                       finished=False, device=watch))
    assert activity.summary.summary_source == "records"
    from pipeline.report.view import sport_label

    assert sport_label(activity.summary.sport, activity.summary.sub_sport) == "activity (sport not recorded)"
