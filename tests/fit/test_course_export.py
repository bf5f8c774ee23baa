"""``plan --course ... --export-fit PLAN.fit``: the course written back with a course point at each
planned drink and feed, decoded by fitparse and by Garmin's own FIT SDK (garmin-fit-sdk), the
points at the distances the JSON timeline plans, and read back as a course by our reader."""
from __future__ import annotations

import json
import re
from pathlib import Path

import fitparse
import pytest
from cli_support import run_cli
from course_files import HILLY, due_cues, profile_points, write_gpx
from garmin_fit_sdk import Decoder, Stream

from pipeline.fit.course import read_course


def _export(folder: Path, *options: str) -> tuple[dict, Path, Path]:
    """The JSON plan, the exported FIT course and the route of a 1-hour ride over the hilly course,
    planned into ``folder`` with ``options`` (temperature, units, aid points)."""
    route = write_gpx(folder / "hilly.gpx", profile_points(HILLY))
    config = folder / "sweatline.yaml"
    config.write_text(f"data_dir: {folder / 'data'}\ninbox: {folder / 'inbox'}\n")
    out = folder / "plan.fit"
    result = run_cli("plan", "--course", str(route), "--sport", "cycling", "--start", "2027-06-12T06:00+00:00",
                     "--finish", "1h", "--humidity", "50", *options, "--export-fit", str(out), "--json", config=config)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), out, route


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[dict, Path, Path]:
    return _export(tmp_path_factory.mktemp("export"), "--temp", "27", "--aid-km", "10")


def test_fitparse_reads_the_course_and_its_drink_points(exported) -> None:
    report, path, _ = exported
    assert report["plan"]["carbohydrate_g_per_h"] == 60.0  # a 1 h finish: Thomas et al. 2016's 1-2.5 h band, up to 60 g/h
    ff = fitparse.FitFile(str(path))
    assert next(ff.get_messages("file_id")).get_value("type") == "course"
    points = [m.get_values() for m in fitparse.FitFile(str(path)).get_messages("course_point")]
    water = [p for p in points if p["type"] == "water"]
    food = [p for p in points if p["type"] == "food"]
    due = [cue[1:] for cue in due_cues(report["plan"]["timeline"])]  # (distance, mL, g)
    assert [p["distance"] for p in water] == pytest.approx([d for d, ml, _ in due if ml > 0], abs=0.01)
    assert [int(re.fullmatch(r"Drink (\d+) mL", p["name"]).group(1)) for p in water] == \
        [round(ml) for _, ml, _ in due if ml > 0]
    last = due[-1][0]  # the cues carry all the drinking planned up to the last of them
    assert sum(ml for _, ml, _ in due) == pytest.approx(sum(e["drink_ml"] for e in report["plan"]["timeline"]
                                                            if e["distance_m"] + e["length_m"] <= last + 0.01))
    assert [p["distance"] for p in food] == pytest.approx([d for d, _, g in due if g >= 1], abs=0.01)
    assert all(re.fullmatch(r"Eat \d+ g carbs", p["name"]) for p in food)
    records_ = [m.get_values() for m in fitparse.FitFile(str(path)).get_messages("record")]
    finish = records_[-1]["timestamp"]
    gaps = [(b["timestamp"] - a["timestamp"]).total_seconds() for a, b in zip(water, water[1:])]
    assert all(900.0 - 1.0 <= g <= 20 * 60.0 + 1.0 for g in gaps), gaps  # 15-20 min apart
    assert all((finish - p["timestamp"]).total_seconds() >= 600.0 - 1.0 for p in water + food)  # none in the last 10 min
    records = [m.get_values() for m in fitparse.FitFile(str(path)).get_messages("record")]
    assert records[-1]["distance"] == pytest.approx(20_000.0, abs=1.0)
    elapsed = (records[-1]["timestamp"] - records[0]["timestamp"]).total_seconds()
    assert elapsed == pytest.approx(3600.0, abs=1.0)  # the --finish time


def test_garmins_sdk_decodes_it_whole(exported) -> None:
    _, path, _ = exported
    decoder = Decoder(Stream.from_file(str(path)))
    assert decoder.is_fit() and decoder.check_integrity()
    messages, errors = Decoder(Stream.from_file(str(path))).read()
    assert errors == []
    assert messages["file_id_mesgs"][0]["type"] == "course"
    assert messages["course_mesgs"][0]["sport"] == "cycling"
    kinds = {m["type"] for m in messages["course_point_mesgs"]}
    assert {"water", "food"} <= kinds
    fitparse_points = [m.get_values() for m in fitparse.FitFile(str(path)).get_messages("course_point")]
    assert [(m["distance"], m["name"]) for m in messages["course_point_mesgs"]] == \
        [(p["distance"], p["name"]) for p in fitparse_points]


def test_it_reads_back_as_the_same_course(exported) -> None:
    _, path, route = exported
    again, original = read_course(path), read_course(route)
    assert again.distance_m == pytest.approx(original.distance_m, abs=1.0)
    assert again.sport == "cycling"
    assert [p.kind for p in again.course_points if p.water]  # the water points are water again


@pytest.mark.parametrize("flag", ["--export-fit", "--export-fit-workout"])
def test_an_unwritable_export_is_one_line(tmp_path: Path, flag: str) -> None:
    """The course and the workout export alike: a path under a file is one line naming the flag."""
    route = write_gpx(tmp_path / "r.gpx", profile_points(((3000.0, 0.0),)))
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    result = run_cli("plan", "--course", str(route), "--sport", "running", "--speed", "10", "--start",
                     "2027-06-12T06:00", "--temp", "20", "--humidity", "50", flag,
                     str(route / "plan.fit"), config=config)
    assert result.returncode == 2 and flag in result.stderr and result.stderr.count("\n") == 1


LONG_CUE = "Fontaine de l'église Saint-Pierre, eau potable"
"""A cue name of 46 characters (48 UTF-8 bytes: two accented letters), three times a 15-character cut."""


def test_the_courses_own_long_cue_names_are_written_whole(tmp_path: Path) -> None:
    """The route's own water point keeps its whole name in the exported file: the course point
    ``name`` field is a FIT ``string`` whose size the definition sets (Garmin's SDK profile gives no
    length), so one width that holds the longest name, read back by both decoders."""
    points = profile_points(((3000.0, 0.0), (3000.0, 0.04)))
    lat, lon, _ = points[len(points) // 2]
    route = write_gpx(tmp_path / "r.gpx", points, waypoints=[(lat, lon, LONG_CUE, "Water")])
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    out = tmp_path / "plan.fit"
    result = run_cli("plan", "--course", str(route), "--sport", "running", "--speed", "10", "--start",
                     "2027-06-12T06:00+00:00", "--temp", "20", "--humidity", "50", "--export-fit", str(out), config=config)
    assert result.returncode == 0, result.stderr
    names = [m.get_values()["name"] for m in fitparse.FitFile(str(out)).get_messages("course_point")]
    assert LONG_CUE in names
    messages, errors = Decoder(Stream.from_file(str(out))).read()
    assert errors == []
    assert LONG_CUE in [m["name"] for m in messages["course_point_mesgs"]]
    # every course point's definition gives the name field the same size: the longest name + NUL
    sizes = _course_point_name_sizes(out.read_bytes())
    assert sizes == {len(LONG_CUE.encode("utf-8")) + 1}


def _course_point_name_sizes(data: bytes) -> set[int]:
    """The size the definition messages of ``course_point`` (global 32) give its ``name`` (field 6),
    read from the bytes by the FIT protocol's record layout (normal headers only, as we write)."""
    header_size = data[0]
    end = header_size + int.from_bytes(data[4:8], "little")
    pos, sizes, layouts = header_size, set(), {}
    while pos < end:
        head = data[pos]
        pos += 1
        local = head & 0x0F
        if head & 0x40:  # definition: reserved, architecture, global number, field count, fields
            number = int.from_bytes(data[pos + 2:pos + 4], "little")
            count = data[pos + 4]
            fields = [tuple(data[pos + 5 + 3 * k:pos + 8 + 3 * k]) for k in range(count)]
            pos += 5 + 3 * count
            layouts[local] = sum(size for _, size, _ in fields)
            if number == 32:
                sizes |= {size for field_number, size, _ in fields if field_number == 6}
        else:
            pos += layouts[local]
    return sizes


def test_the_cues_are_named_in_the_readers_units(tmp_path: Path) -> None:
    """With imperial units the drink cues read "Drink 4.1 fl oz": each cue's planned mL (the timeline
    read as :func:`course_files.due_cues` reads it) over 29.5735 mL per US fl oz (NIST SP 811 B.8), one decimal below
    10 fl oz."""
    report, out, _ = _export(tmp_path, "--temp", "81", "--units", "imperial")
    due = [cue[1:] for cue in due_cues(report["plan"]["timeline"])]
    water = [m.get_values()["name"] for m in fitparse.FitFile(str(out)).get_messages("course_point")
             if m.get_values()["type"] == "water"]
    expected = []
    for _, ml, _ in due:
        if ml > 0:
            oz = ml / (3785.411784 / 128.0)
            expected.append(f"Drink {oz:.1f} fl oz" if oz < 10 else f"Drink {oz:.0f} fl oz")
    assert water == expected and water


def test_cue_names_written_as_html_are_exported_as_plain_text(samples: Path, tmp_path: Path) -> None:
    """The shared Stages course writes its turn cues as HTML (``...Ave N<br>Pass by ... 0.5&nbsp;mi``,
    as fitparse reads the file); the exported course, and a GPX waypoint named likewise, carry
    plain text: the break a " · ", the entities decoded, no tag left."""
    source = samples / "stages-link-course.fit"
    raw = [m.get_values()["name"] for m in fitparse.FitFile(str(source)).get_messages("course_point")]
    assert "Continue straight onto Phinney Ave N<br>Pass by Zeeks Pizza (on the right in 0.5&nbsp;mi)" in raw
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    out = tmp_path / "plan.fit"
    result = run_cli("plan", "--course", str(source), "--start", "2027-05-01T09:00-07:00", "--power", "220",
                     "--temp", "20", "--humidity", "50", "--export-fit", str(out), config=config)
    assert result.returncode == 0, result.stderr
    names = [m.get_values()["name"] for m in fitparse.FitFile(str(out)).get_messages("course_point")]
    assert "Continue straight onto Phinney Ave N · Pass by Zeeks Pizza (on the right in 0.5 mi)" in names
    assert "Continue onto Greenwood Ave N · Pass by the church (on the left)" in names
    assert not any(re.search(r"<|&\w+;", name) for name in names)

    points = profile_points(((3000.0, 0.0), (3000.0, 0.04)))
    lat, lon, _ = points[len(points) // 2]
    route = write_gpx(tmp_path / "r.gpx", points, waypoints=[(lat, lon, "Water&lt;br/&gt;Fountain &amp;amp; tap", "Water")])
    # the XML text is "Water<br/>Fountain &amp; tap": markup inside the name, as the FIT cue's
    assert read_course(route).course_points[0].name == "Water · Fountain & tap"
