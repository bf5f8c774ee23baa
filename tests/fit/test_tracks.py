"""GPX and TCX activities read into the same Activity as a FIT file, and hostile XML refused.

Files are written by the test (tests/track_files.py) in the shapes Strava and Garmin Connect export;
expected values come from the points written (the mean of the heart rates written, a haversine
over the coordinates as the file holds them), never from the pipeline.
"""
from __future__ import annotations

import gzip
import math
import statistics
import time
import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from track_files import START, Point, gpx, haversine_total_m, run_points, tcx

from pipeline.core.errors import RejectedFile
from pipeline.fit import read_activity, read_fit
from pipeline.fit.archive import ArchiveLimits, MiB


def _as_written(points: list[Point]) -> list[Point]:
    """The points as the GPX holds them: coordinates with 7 decimals."""
    return [replace(p, lat=round(p.lat, 7), lon=round(p.lon, 7)) if p.lat is not None else p for p in points]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_strava_gpx_run_has_its_time_distance_heart_rate_cadence_and_power(tmp_path: Path) -> None:
    points = run_points(40, power=True)
    activity = read_activity(_write(tmp_path, "Morning_Run.gpx", gpx(points, sport="9")))
    summary, records = activity.summary, activity.records
    assert summary.sport == "running"  # Strava's numeric code 9
    assert summary.start_time == START and summary.elapsed_s == summary.timer_s == 40 * 60
    assert summary.distance_m == pytest.approx(haversine_total_m(_as_written(points)), rel=1e-6)
    assert summary.device == "StravaGPX iPhone" and summary.summary_source == "records"
    assert len(records) == len(points)
    assert records["heart_rate_bpm"].mean() == pytest.approx(statistics.fmean(p.hr for p in points))
    assert set(records["cadence_rpm"]) == {86.0}
    assert records["power_w"].mean() == pytest.approx(statistics.fmean(p.power for p in points))
    assert records["latitude_deg"].iloc[-1] == pytest.approx(round(points[-1].lat, 7), abs=1e-9)
    # speed from the positions: the 3.0 m/s the points were laid out at
    assert records["speed_m_per_s"].median() == pytest.approx(3.0, rel=0.01)
    assert summary.warnings == []


@pytest.mark.parametrize("kind, expected", [("running", "running"), ("cycling", "cycling"), ("1", "cycling"),
                                            ("hiking", "hiking"), (None, "generic"), ("Kayak", "generic")])
def test_the_sport_comes_from_the_gpx_track_type(tmp_path: Path, kind: str | None, expected: str) -> None:
    points = run_points(12, hr=False, cad=False)
    activity = read_activity(_write(tmp_path, "a.gpx", gpx(points, sport=kind)))
    assert activity.summary.sport == expected
    assert activity.records["heart_rate_bpm"].isna().all()
    if kind == "Kayak":
        assert any("'Kayak' is not a sport" in w for w in activity.summary.warnings)


def test_a_gap_without_points_is_a_pause_and_not_timer_time(tmp_path: Path) -> None:
    points = run_points(30)
    gap_s = 10 * 60  # a coffee stop: the app wrote no point for ten minutes
    later = [replace(p, t=p.t + timedelta(seconds=gap_s)) for p in points[901:]]  # type: ignore[operator]
    activity = read_activity(_write(tmp_path, "stop.gpx", gpx(points[:901] + later)))
    assert activity.summary.elapsed_s == 30 * 60 + gap_s
    assert activity.summary.timer_s == 30 * 60 - 1  # the 1 s between points 900 and 901 is inside the gap
    assert any("taken as pauses" in w for w in activity.summary.warnings)


def test_a_garmin_tcx_run_reads_laps_run_cadence_speed_and_watts(tmp_path: Path) -> None:
    points = run_points(40, power=True)
    activity = read_activity(_write(tmp_path, "run.tcx", tcx(points, laps=3, calories=540)))
    summary, records = activity.summary, activity.records
    assert summary.sport == "running" and summary.device == "Forerunner 255"
    assert summary.summary_source == "session"  # the laps' totals, as the device wrote them
    assert summary.start_time == START and summary.elapsed_s == 40 * 60
    lap_ends = [0, 800, 1600, 2400]  # each lap's own span (the test's tcx() splits 2401 points in 3)
    assert summary.timer_s == pytest.approx(sum(b - a for a, b in zip(lap_ends, lap_ends[1:])) - 2)
    assert summary.distance_m == pytest.approx(points[800].distance_m + (points[1600].distance_m - points[801].distance_m)
                                               + (points[-1].distance_m - points[1601].distance_m))
    assert summary.calories_kcal == 540
    assert records["distance_m"].iloc[-1] == points[-1].distance_m  # the file's own distance, not ours
    assert records["speed_m_per_s"].eq(3.0).all()
    assert records["heart_rate_bpm"].mean() == pytest.approx(statistics.fmean(p.hr for p in points))
    assert set(records["cadence_rpm"]) == {86.0}
    assert records["power_w"].mean() == pytest.approx(statistics.fmean(p.power for p in points))


def test_a_tcx_ride_without_positions_indoors_keeps_every_point(tmp_path: Path) -> None:
    points = [replace(p, lat=None, lon=None) for p in run_points(20, power=True)]
    activity = read_activity(_write(tmp_path, "trainer.tcx", tcx(points, sport="Biking", run_cadence=False, laps=1)))
    assert activity.summary.sport == "cycling"
    assert len(activity.records) == len(points) and activity.records["latitude_deg"].isna().all()
    assert set(activity.records["cadence_rpm"]) == {86.0}
    assert activity.summary.distance_m == pytest.approx(points[-1].distance_m)


@pytest.mark.parametrize("writer, name", [(gpx, "route.gpx"), (tcx, "course.tcx")])
def test_a_file_without_time_stamps_is_refused_in_one_line(tmp_path: Path, writer, name: str) -> None:
    points = [replace(p, t=None) for p in run_points(5)]
    with pytest.raises(RejectedFile) as err:
        read_activity(_write(tmp_path, name, writer(points)))
    assert err.value.kind == "not_activity" and "without time stamps" in str(err.value)
    assert "\n" not in str(err.value) and str(err.value).startswith(f"{name}: ")


BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(3, 10)) + "]>\n")
EXTERNAL = '<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, EXTERNAL, "<!-- exported -->\n<!doctype gpx>\n"],
                         ids=["billion-laughs", "external-entity", "doctype-after-a-comment"])
@pytest.mark.parametrize("writer, name", [(gpx, "a.gpx"), (tcx, "a.tcx")])
def test_hostile_xml_is_refused_before_it_is_parsed(tmp_path: Path, prolog: str, writer, name: str) -> None:
    data = writer(run_points(5), prolog=prolog)
    if "xxe" in prolog:  # the entity used where a value is read
        data = data.replace(b"<name>Morning Run</name>", b"<name>&xxe;</name>").replace(
            b"<Id>", b"<Id>&xxe;", 1)
    started = time.monotonic()
    with pytest.raises(RejectedFile) as err:
        read_activity(_write(tmp_path, name, data))
    assert time.monotonic() - started < 5  # nothing expanded (a billion laughs is gigabytes)
    assert "DOCTYPE or entity declaration" in str(err.value) and "root:" not in str(err.value)
    assert "\n" not in str(err.value)


def test_the_standard_parser_itself_refuses_entity_amplification() -> None:
    """A second line of defence, checked rather than assumed: expat (2.4+) stops a billion laughs
    with an amplification error, which our reader would turn into a one-line refusal too."""
    import xml.etree.ElementTree as ET

    with pytest.raises(ET.ParseError, match="amplification|recursive|limit"):
        ET.fromstring(BILLION_LAUGHS + "<gpx>&lol9;</gpx>")


@pytest.mark.parametrize("data, expected", [
    (b"<gpx><trk><trkseg><trkpt lat='1' lon='2'>", "not a readable GPX file"),
    (b"\xff\xfe<\x00g\x00", "not UTF-8"),
    (b"", "not a readable GPX file"),
])
def test_broken_gpx_is_one_line(tmp_path: Path, data: bytes, expected: str) -> None:
    with pytest.raises(RejectedFile) as err:
        read_activity(_write(tmp_path, "broken.gpx", data))
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_a_tcx_that_is_another_xml_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RejectedFile) as err:
        read_activity(_write(tmp_path, "feed.tcx", b"<rss><channel/></rss>"))
    assert "not a TCX file (its root element is <rss>)" in str(err.value)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "huge.gpx", gpx(run_points(30)))
    limits = ArchiveLimits(max_fit_bytes=path.stat().st_size - 1)
    with pytest.raises(RejectedFile) as err:
        read_activity(path, limits)
    assert "over the 0 MiB limit: refused" in str(err.value)
    assert ArchiveLimits().max_fit_bytes == 64 * MiB


def test_gpx_and_tcx_gzipped_and_inside_a_strava_export(tmp_path: Path) -> None:
    """Strava's bulk export: activities/*.gpx, *.tcx.gz, *.fit.gz beside CSV and media."""
    run, ride = run_points(15), run_points(20, power=True)
    path = tmp_path / "export_12345.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities/101.gpx", gpx(run))
        archive.writestr("activities/102.tcx.gz", gzip.compress(tcx(ride, sport="Biking", run_cadence=False)))
        archive.writestr("activities.csv", "Activity ID,Activity Name\n101,Morning Run\n")
        archive.writestr("media/1.jpg", b"\xff\xd8\xff\xe0")
    contents = read_fit(path)
    assert contents.rejections == []
    by_source = {a.summary.source: a for a in contents.activities}
    assert set(by_source) == {"export_12345.zip:activities/101.gpx", "export_12345.zip:activities/102.tcx.gz"}
    assert by_source["export_12345.zip:activities/101.gpx"].summary.sport == "running"
    assert by_source["export_12345.zip:activities/102.tcx.gz"].summary.sport == "cycling"
    assert by_source["export_12345.zip:activities/102.tcx.gz"].summary.timer_s == pytest.approx(20 * 60 - 1)
    assert sorted(source for source, _ in contents.skipped_members) == [
        "export_12345.zip:activities.csv", "export_12345.zip:media/1.jpg"]
    loose = read_activity(_write(tmp_path, "101.gpx.gz", gzip.compress(gpx(run))))
    assert loose.activity_key == by_source["export_12345.zip:activities/101.gpx"].activity_key  # one activity
    assert math.isclose(loose.summary.distance_m, haversine_total_m(_as_written(run)), rel_tol=1e-6)


def test_a_lap_total_a_sampling_interval_past_the_last_point_is_not_called_impossible(tmp_path: Path) -> None:
    """Garmin Connect's lap total counts the last point's 5 s; the points span 5395 s. That is
    rounding within one sampling interval, not a timer longer than the clock."""
    points = run_points(90, step_s=5)[:-1]  # points at 0, 5, ..., 5395 s
    data = tcx(points, laps=1).replace(b"<TotalTimeSeconds>5395.0<", b"<TotalTimeSeconds>5400<")
    activity = read_activity(_write(tmp_path, "lap.tcx", data))
    assert activity.summary.timer_s == 5400 and activity.summary.elapsed_s == 5395
    assert not any("impossible" in w for w in activity.summary.warnings)


def test_a_timer_longer_than_the_clock_within_the_same_minute_is_told_in_seconds(tmp_path: Path) -> None:
    points = run_points(90)[:-20]  # one point a second, 0 .. 5380 s
    data = tcx(points, laps=1).replace(b"<TotalTimeSeconds>5380.0<", b"<TotalTimeSeconds>5400<")
    activity = read_activity(_write(tmp_path, "lap.tcx", data))
    [warning] = [w for w in activity.summary.warnings if "impossible" in w]
    assert "timer time 1 h 30 min 00 s is longer than elapsed time 1 h 29 min 40 s" in warning
