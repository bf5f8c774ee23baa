"""Routes built for the tests: a GPX track of known climbs and descents, written as GPX 1.1 is
documented (https://www.topografix.com/GPX/1/1/: ``trk``/``trkseg``/``trkpt`` with ``lat``/``lon``
attributes and an ``ele`` child, ``wpt`` with ``name``/``type``)."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

METRES_PER_DEGREE_LAT = 6_371_008.8 * 3.141592653589793 / 180.0
"""Metres along a meridian per degree of latitude on the WGS-84 mean sphere (the reader's haversine radius)."""


def profile_points(pieces: Sequence[tuple[float, float]], step_m: float = 25.0,
                   start: tuple[float, float] = (45.0, 6.0), start_ele_m: float = 500.0) -> list[tuple[float, float, float]]:
    """Points due north every ``step_m``: ``pieces`` are (length [m], grade [fraction]) in order."""
    lat, lon = start
    ele = start_ele_m
    points = [(lat, lon, ele)]
    for length, grade in pieces:
        for _ in range(int(round(length / step_m))):
            lat += step_m / METRES_PER_DEGREE_LAT
            ele += grade * step_m
            points.append((lat, lon, ele))
    return points


def write_gpx(path: Path, points: Sequence[tuple[float, float, float]],
              waypoints: Sequence[tuple[float, float, str, str]] = (), route: bool = False) -> Path:
    """A GPX 1.1 file of ``points`` (lat, lon, ele) as a track (or a route), with ``waypoints``
    (lat, lon, name, type)."""
    tag = "rtept" if route else "trkpt"
    body = "\n".join(f'      <{tag} lat="{lat:.7f}" lon="{lon:.7f}"><ele>{ele:.2f}</ele></{tag}>' for lat, lon, ele in points)
    wpts = "\n".join(f'  <wpt lat="{lat:.7f}" lon="{lon:.7f}"><name>{name}</name><type>{kind}</type></wpt>'
                     for lat, lon, name, kind in waypoints)
    inner = (f"  <rte><name>Test route</name>\n{body}\n  </rte>" if route else
             f"  <trk><name>Test route</name><trkseg>\n{body}\n  </trkseg></trk>")
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<gpx version="1.1" creator="tests" xmlns="http://www.topografix.com/GPX/1/1">\n'
                    f"{wpts}\n{inner}\n</gpx>\n", encoding="utf-8")
    return path


HILLY = ((4000.0, 0.06), (4000.0, -0.06), (4000.0, 0.0), (4000.0, 0.06), (4000.0, -0.06))
"""20 km: a 4 km climb at 6 %, its descent, 4 km flat, the climb and descent again."""


def due_cues(timeline: list[dict], every_s: float = 900.0, quiet_s: float = 600.0) -> list[tuple[float, float, float, float]]:
    """(time [s], distance [m], drink [mL], carbohydrate [g]) of each drink and feed cue a plan's
    ``timeline`` asks for, read independently of the exporters: at the end of the segment that
    completes 15 minutes since the last cue, none within 10 minutes of the finish; each cue carries
    what was planned since the last."""
    finish_s = timeline[-1]["elapsed_s"] + timeline[-1]["duration_s"]
    out, drink, carbs, since = [], 0.0, 0.0, 0.0
    for e in timeline:
        drink, carbs, since = drink + e["drink_ml"], carbs + e["carbohydrate_g"], since + e["duration_s"]
        end_s = e["elapsed_s"] + e["duration_s"]
        if since >= every_s - 1e-6 and finish_s - end_s >= quiet_s - 1e-6:
            out.append((end_s, e["distance_m"] + e["length_m"], drink, carbs))
            drink = carbs = since = 0.0
    return out
