"""Reading a route to plan on: the shared Stages course (FIT) against fitparse's own reading of its
lap and course points, GPX tracks and routes built here, and refusals of what is not a route."""
from __future__ import annotations

from pathlib import Path

import fitparse
import numpy as np
import pytest
from course_files import HILLY, profile_points, write_gpx

from pipeline.core.errors import RejectedFile
from pipeline.fit.course import read_course

STAGES = "stages-link-course.fit"


def test_the_stages_course_has_the_lap_distance_and_its_course_points(samples: Path) -> None:
    course = read_course(samples / STAGES)
    ff = fitparse.FitFile(str(samples / STAGES))
    lap = next(ff.get_messages("lap")).get_values()
    marks = [m.get_values() for m in fitparse.FitFile(str(samples / STAGES)).get_messages("course_point")]
    assert course.distance_m == pytest.approx(lap["total_distance"], abs=1.0)
    assert course.sport == "cycling"
    assert [p.distance_m for p in course.course_points] == pytest.approx(sorted(m["distance"] for m in marks))
    assert course.points["latitude_deg"].between(47.0, 48.0).all()  # Seattle: semicircles read as degrees
    assert course.points["distance_m"].is_monotonic_increasing


def test_a_gpx_track_gives_its_length_and_climb(tmp_path: Path) -> None:
    path = write_gpx(tmp_path / "hilly.gpx", profile_points(HILLY))
    course = read_course(path)
    assert course.distance_m == pytest.approx(20_000.0, rel=1e-3)
    climb = np.clip(np.diff(course.points["altitude_m"].to_numpy()), 0, None).sum()
    assert climb == pytest.approx(2 * 4000 * 0.06, rel=1e-3)


def test_a_gpx_route_and_its_water_waypoints(tmp_path: Path) -> None:
    points = profile_points(((5000.0, 0.0),))
    lat, lon, _ = points[len(points) // 2]  # 2.5 km
    path = write_gpx(tmp_path / "route.gpx", points, [(lat, lon, "Fountain", "Water"), (lat, lon, "View", "Summit")],
                     route=True)
    course = read_course(path)
    assert [round(p.distance_m) for p in course.course_points] == [2500]
    assert course.course_points[0].water


def test_a_gpx_track_type_gives_the_sport(tmp_path: Path) -> None:
    path = write_gpx(tmp_path / "run.gpx", profile_points(((3000.0, 0.0),)))
    path.write_text(path.read_text().replace("<trk><name>Test route</name>", "<trk><name>Test route</name><type>running</type>"))
    assert read_course(path).sport == "running"


@pytest.mark.parametrize("text, words", [
    ('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>', "DTD or entities"),
    ("<gpx><trk></trk></gpx>", "no track or route points"),
    ("<html></html>", "an XML file of <html>, not a route"),
    ("<TrainingCenterDatabase xmlns='http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2'/>", "is a TCX file"),
    ("<gpx><trk><trkseg><trkpt lat='1' lon='1'>", "not a readable GPX file"),
    (b"<gpx>\xff\xfe</gpx>", "not UTF-8"),
    ("hello", "neither a FIT course nor a GPX"),
])
def test_what_is_not_a_route_is_one_line(tmp_path: Path, text: str | bytes, words: str) -> None:
    path = tmp_path / "bad.gpx"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(RejectedFile, match=words) as caught:
        read_course(path)
    assert "\n" not in str(caught.value)
