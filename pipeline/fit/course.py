"""A route to plan on (``sweatline plan --course``): a FIT course file or a GPX route or track, read
into one table of points along the way and the route's own course points.

* FIT: a ``course`` file as Garmin Connect, Wahoo, Komoot and Stages export it (FIT SDK, "Course
  file": ``file_id.type = course``, ``course`` with the sport and name, ``record`` messages with
  ``position_lat``/``position_long`` in semicircles, ``distance`` [m] and ``altitude`` [m], and
  ``course_point`` messages with ``distance``, ``type`` — ``water``, ``food``, ``generic`` ... — and
  ``name``). An activity file is read the same way (its records are a route too). The container
  is checked by :func:`pipeline.fit.framing.scan` first; fitparse decodes the messages.
* GPX 1.0/1.1 (https://www.topografix.com/GPX/1/1/) with gpxpy, as the activities' reader
  (:mod:`pipeline.fit.tracks`): the points of every track segment, else of the routes (a route
  needs no time stamps); elevation [m]; the sport from the track's ``type`` (the same words as an
  activity's); ``wpt`` whose ``type``, ``sym`` or ``name`` says water or food become course points.
  A document declaring a DTD or an entity is refused before it is parsed, so no entity is ever
  expanded (the "billion laughs" and external-entity attacks need one).

Names (the route's, its course points') are kept as plain text (:func:`pipeline.core.untrusted.plain_text`):
route planners write turn-by-turn cues as HTML (``...Ave N<br>Pass by ... 0.5&nbsp;mi``), which a
device screen, a report and a FIT file written back would show as markup.

Distances are the file's where it has them, else the haversine sum
(:func:`pipeline.fit.tracks.haversine_m`); a point without a position is dropped. Bad input is a one-line :class:`~pipeline.core.errors.RejectedFile`.
"""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.core.errors import RejectedFile
from pipeline.core.untrusted import plain_text
from pipeline.fit.tracks import haversine_m

MAX_COURSE_BYTES = 64 * 1024 * 1024
"""A course file larger than this is refused unread (a 24-hour route at 1 point a second is ~3 MB)."""
SEMICIRCLE_DEG = 180.0 / 2**31
"""FIT semicircles to degrees (FIT SDK: 2^31 semicircles = 180°)."""
POINT_COLUMNS = ("distance_m", "latitude_deg", "longitude_deg", "altitude_m")
WATER_WORDS = re.compile(r"water|drink|aid|feed|food|ravito|verpflegung|bottle", re.IGNORECASE)
FOOD_WORDS = re.compile(r"food|feed|ravito|verpflegung|aid", re.IGNORECASE)


@dataclass(frozen=True)
class CoursePoint:
    """A point the route names: where [m from the start], its FIT type (``water``, ``food``, ...) and name."""

    distance_m: float
    kind: str
    name: str = ""

    @property
    def water(self) -> bool:
        """Whether water can be had there (a FIT ``water`` or ``food`` point: aid stations carry both)."""
        return self.kind in ("water", "food", "aid_station")


@dataclass
class Course:
    """A route: ``points`` (:data:`POINT_COLUMNS`, distance increasing, altitude NaN where unknown),
    its course points, name and sport (the file's, when it says)."""

    points: pd.DataFrame
    course_points: list[CoursePoint] = field(default_factory=list)
    name: str = ""
    sport: str | None = None
    source: str = ""

    @property
    def has_elevation(self) -> bool:
        """Whether the file gave an altitude for at least two points (else the route is planned flat)."""
        return int(np.isfinite(self.points["altitude_m"].to_numpy(float)).sum()) >= 2

    @property
    def distance_m(self) -> float:
        return float(self.points["distance_m"].iloc[-1])


def read_course(path: Path | str) -> Course:
    """The route in ``path`` (``.fit`` or ``.gpx``, by content). Raises
    :class:`~pipeline.core.errors.RejectedFile` (one line) for a missing, oversize, unreadable or
    position-less file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_COURSE_BYTES:
            raise RejectedFile(path.name, f"{size / 2**20:.0f} MiB: larger than a course file can be "
                               f"({MAX_COURSE_BYTES // 2**20} MiB)", "oversize")
        data = path.read_bytes()
    except OSError as exc:
        raise RejectedFile(path.name, f"cannot be read ({exc.strerror or type(exc).__name__})", "io") from None
    if data[8:12] == b".FIT":
        return _fit_course(data, path.name)
    if data.lstrip()[:1] == b"<":
        root = _xml_root(data)
        if root not in (None, "gpx"):
            known = {"TrainingCenterDatabase": "a TCX file", "kml": "a KML file"}.get(root, f"an XML file of <{root}>")
            raise RejectedFile(path.name, f"is {known}, not a route this reads: give a FIT course (.fit) or a GPX "
                               "route or track (.gpx)", "decode")
        return _gpx_course(data, path.name)
    raise RejectedFile(path.name, "is neither a FIT course nor a GPX file", "decode")


def _xml_root(data: bytes) -> str | None:
    """The local name of an XML document's first element ('gpx', 'TrainingCenterDatabase'), or None
    when it cannot be told (not well-formed before it, or a DTD: left to the GPX reader's refusals)."""
    if _DECLARATION.search(data):
        return None
    parser: ET.XMLPullParser = ET.XMLPullParser(events=("start",))
    try:
        for start in range(0, len(data), 4096):
            parser.feed(data[start:start + 4096])
            for event in parser.read_events():
                element = event[-1]
                if isinstance(element, ET.Element):
                    return _local(element.tag)
    except ET.ParseError:
        return None
    return None


def _finish(source: str, lat: np.ndarray, lon: np.ndarray, alt: np.ndarray, dist: np.ndarray | None,
            points: list[CoursePoint], name: str, sport: str | None) -> Course:
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180) & ~((lat == 0) & (lon == 0))
    lat, lon, alt = lat[ok], lon[ok], alt[ok]
    if len(lat) < 2:
        raise RejectedFile(source, "has fewer than two positions: no route to plan on", "not_activity")
    steps = np.concatenate([[0.0], haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])])
    measured = np.cumsum(steps)
    if dist is not None:
        dist = dist[ok]
        if np.isfinite(dist).all() and dist[-1] > 0 and np.all(np.diff(dist) >= 0):
            measured = dist - dist[0]
    frame = pd.DataFrame({"distance_m": measured, "latitude_deg": lat, "longitude_deg": lon, "altitude_m": alt})
    frame = frame.drop_duplicates("distance_m", keep="first").reset_index(drop=True)
    if len(frame) < 2 or frame["distance_m"].iloc[-1] < 100.0:
        raise RejectedFile(source, "is shorter than 100 m: no route to plan on", "not_activity")
    total = float(frame["distance_m"].iloc[-1])
    kept = sorted((p for p in points if 0.0 <= p.distance_m <= total + 1.0), key=lambda p: p.distance_m)
    return Course(frame, kept, name, sport, source)


def _fit_course(data: bytes, source: str) -> Course:
    """A FIT course (or activity) file's records and course points."""
    from fitparse import FitFile

    from pipeline.fit.framing import NotFit, scan
    from pipeline.fit.messages import DECODE_ERRORS

    try:
        framing = scan(data)
    except NotFit as exc:
        raise RejectedFile(source, str(exc), exc.kind) from None
    if framing.damage is not None:
        raise RejectedFile(source, f"damaged FIT file: {framing.damage.reason}", framing.damage.kind)
    rows: list[tuple[float, float, float, float]] = []
    marks: list[tuple[float | None, float | None, float | None, str, str]] = []
    name, sport = "", None
    try:
        file_sport: str | None = None  # an activity's session (or sport message) says it; a course's course does
        for message in FitFile(data).get_messages(("record", "course_point", "course", "session", "sport")):
            values = message.get_values()
            if message.name == "record":
                rows.append((_deg(values.get("position_lat")), _deg(values.get("position_long")),
                             _num(values.get("enhanced_altitude", values.get("altitude"))), _num(values.get("distance"))))
            elif message.name == "course_point":
                marks.append((_num(values.get("distance")), _deg(values.get("position_lat")),
                              _deg(values.get("position_long")), str(values.get("type") or "generic"),
                              plain_text(str(values.get("name") or ""))))
            elif message.name == "course":
                name = plain_text(str(values.get("name") or ""))
                sport = str(values["sport"]) if isinstance(values.get("sport"), str) else None
            elif file_sport is None and isinstance(values.get("sport"), str):
                file_sport = str(values["sport"])
    except DECODE_ERRORS as exc:
        raise RejectedFile(source, f"undecodable FIT data ({type(exc).__name__}: {exc})", "decode") from None
    if not rows:
        raise RejectedFile(source, "a FIT file with no record positions: no route to plan on", "not_activity")
    table = np.array(rows, dtype=float)
    course = _finish(source, table[:, 0], table[:, 1], table[:, 2], table[:, 3], [], name, sport or file_sport)
    course.course_points = _placed(course, marks)
    return course


def _placed(course: Course, marks: Sequence[tuple[float | None, float | None, float | None, str, str]]) -> list[CoursePoint]:
    """Course points at their own distance, else at the nearest route point to their position."""
    pts = course.points
    out = []
    for dist, lat, lon, kind, label in marks:
        if dist is None and lat is not None and lon is not None:
            near = haversine_m(pts["latitude_deg"].to_numpy(), pts["longitude_deg"].to_numpy(),
                               np.full(len(pts), lat), np.full(len(pts), lon))
            dist = float(pts["distance_m"].iloc[int(np.argmin(near))])
        if dist is not None and 0.0 <= dist <= course.distance_m + 1.0:
            out.append(CoursePoint(float(dist), kind, label))
    return sorted(out, key=lambda p: p.distance_m)


def _deg(value: object) -> float:
    return float(value) * SEMICIRCLE_DEG if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan


def _num(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan


_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _gpx_course(data: bytes, source: str) -> Course:
    """A GPX document's track (else route) points, its sport and its water/food waypoints (gpxpy)."""
    import gpxpy
    import gpxpy.gpx

    from pipeline.fit.tracks import GPX_SPORTS

    if _DECLARATION.search(data):
        raise RejectedFile(source, "a GPX file declaring a DTD or entities is not read (GPX needs neither)", "decode")
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RejectedFile(source, f"a GPX file that is not UTF-8 text ({exc.reason} at byte {exc.start})",
                           "decode") from None
    except (gpxpy.gpx.GPXException, ET.ParseError, ValueError) as exc:
        raise RejectedFile(source, f"not a readable GPX file ({' '.join(str(exc).split())[:200]})", "decode") from None
    track = [(p.latitude, p.longitude, p.elevation) for t in gpx.tracks for seg in t.segments for p in seg.points]
    points = track or [(p.latitude, p.longitude, p.elevation) for r in gpx.routes for p in r.points]
    if not points:
        raise RejectedFile(source, "a GPX file with no track or route points", "not_activity")
    lat = np.array([_float(p[0]) for p in points])
    lon = np.array([_float(p[1]) for p in points])
    ele = np.array([_float(p[2]) for p in points])
    owner = gpx.tracks[0] if track else gpx.routes[0]
    kind = str(owner.type or "").strip().lower()
    course = _finish(source, lat, lon, ele, None, [], plain_text(str(owner.name or gpx.name or ""))[:200], GPX_SPORTS.get(kind))
    marks = []
    for wpt in gpx.waypoints:
        words = " ".join(str(t) for t in (wpt.type, wpt.symbol, wpt.name) if t)
        if not WATER_WORDS.search(words):
            continue
        kind = "food" if FOOD_WORDS.search(words) else "water"
        marks.append((None, _float(wpt.latitude), _float(wpt.longitude), kind, (plain_text(str(wpt.name or "")) or kind)[:100]))
    course.course_points = _placed(course, marks)
    return course


def _float(value: object) -> float:
    if value is None or isinstance(value, bool):
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
