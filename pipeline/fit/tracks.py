"""GPX and TCX activities (phone-recorded activities in Strava's export, older Garmin and Polar
exports) read into the same :class:`~pipeline.fit.models.Activity` as a FIT file.

Each file is turned into the messages a FIT file would give (:class:`~pipeline.fit.messages.Messages`:
one ``session`` and one ``record`` per track point, in FIT units: seconds since the FIT epoch,
semicircles) and summarised by :func:`pipeline.fit.summary.build_activity`, so the consistency
checks, the identity key, the model and the reports are those of a FIT file.

* **GPX 1.0/1.1** with gpxpy: time, position and elevation of each track point; heart rate,
  cadence, power and air temperature from the extensions Garmin defines (TrackPointExtension
  ``hr``, ``cad``, ``atemp``) and the ``power`` element Strava and others write; elements are
  matched by local name, whatever their namespace prefix. GPX holds no distance or speed: both
  come from the positions (great-circle distance, :func:`haversine_m`).
* **TCX** (Garmin Training Center Database v2) with :mod:`xml.etree.ElementTree`: each
  ``Trackpoint``'s ``Time``, ``Position``, ``AltitudeMeters``, ``DistanceMeters``,
  ``HeartRateBpm/Value``, ``Cadence`` (bike) or ``RunCadence`` (ActivityExtension v2), ``Speed`` and
  ``Watts`` (ActivityExtension v2); laps' ``TotalTimeSeconds``, ``DistanceMeters`` and ``Calories``
  summed as the session's totals. docs/decisions/tcx-reader.md says why not a TCX library.

Sport: TCX ``Activity/@Sport`` (Running, Biking, Other); GPX ``trk/type`` (``running``,
``cycling``... and Strava's numeric codes ``1`` ride, ``9`` run). A file with no sport is a generic
activity, as a FIT file without one is.

Untrusted XML: a document with a DOCTYPE is refused before it is parsed (GPX and TCX need none;
a DOCTYPE is what entity expansion — "billion laughs" — and external entities need), and so is
one whose XML the parser rejects. The file's size is capped by the archive limits
(:func:`pipeline.fit.archive.stored_bytes_cap`) before it is read. Points without a time are
dropped; a file with no timed point is refused in one line.
"""
from __future__ import annotations

import functools
import math
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import Any

import numpy as np

from pipeline.core.errors import RejectedFile
from pipeline.fit.clock import FIT_EPOCH_UNIX_S, Clock
from pipeline.fit.messages import Messages
from pipeline.fit.models import Activity
from pipeline.fit.summary import build_activity

EARTH_RADIUS_M = 6_371_008.8
"""Mean radius of the Earth, R1 = (2a + b) / 3 of GRS 80 (Moritz 2000, "Geodetic Reference System
1980", J. Geodesy 74: 128-133): the sphere of the haversine great-circle distance."""
DEG_TO_SEMICIRCLE = 2**31 / 180.0  # FIT SDK "semicircles": 2^31 semicircles = 180 degrees
SPEED_WINDOW_S = 4.0
"""Speed from positions is the distance over at least this many seconds (a centred difference):
a phone's 1 s positions scatter by metres, so a 1 s difference swings by several m/s."""
MAX_TRACK_SPEED_M_PER_S = 100.0
"""Faster than any human-powered sport (track cycling peaks near 22 m/s): a GPS jump, left out."""

PAUSE_GAP_S = 30.0
"""A stretch without a track point longer than this is a pause: phone apps write a point every
1-5 s while recording (Strava: about 1 s), and none while paused or auto-paused."""

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

GPX_SPORTS = {
    "running": "running", "run": "running", "trail_running": "running", "9": "running",
    "cycling": "cycling", "biking": "cycling", "ride": "cycling", "road_biking": "cycling",
    "mountain_biking": "cycling", "1": "cycling",
    "walking": "walking", "walk": "walking", "hiking": "hiking", "hike": "hiking",
    "swimming": "swimming", "swim": "swimming",
}
"""GPX ``trk/type`` (free text in GPX 1.1) to FIT sport names: the words Garmin Connect and
Strava write (lower case), and Strava's older numeric codes (``9`` run, as in its "Morning Run"
exports; ``1`` ride)."""
TCX_SPORTS = {"running": "running", "biking": "cycling"}
"""TCX ``Activity/@Sport`` (TrainingCenterDatabase v2: ``Running``, ``Biking``, ``Other``)."""


def read_track(data: bytes, kind: str, source: str, activity_id: str) -> Activity:
    """The :class:`Activity` of a GPX (``kind="gpx"``) or TCX (``kind="tcx"``) file's bytes.

    Raises :class:`RejectedFile` (one line): a DOCTYPE (kind ``decode``), XML that does not parse or
    is not GPX / TCX (``not_fit``), no timed track point (``not_activity``)."""
    if _DOCTYPE.search(data):
        raise RejectedFile(source, f"{kind.upper()} file with a DOCTYPE or entity declaration (entity expansion "
                           "or an external entity: not something an activity file holds): refused", "decode")
    points, sport, totals, creator, warn = (_gpx(data, source) if kind == "gpx" else _tcx(data, source))
    points = [p for p in points if p.get("t") is not None]
    if not points:
        raise RejectedFile(source, f"{kind.upper()} file without time stamps on its points: nothing to analyse "
                           "(a planned route, not a recording)", "not_activity")
    return _activity(points, sport, totals, creator, warn, source, activity_id, kind)


def haversine_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance [m] between points given in degrees, on a sphere of
    :data:`EARTH_RADIUS_M` (the haversine formula, Sinnott 1984, Sky & Telescope 68: 159). Arrays of
    one shape in, that shape out; NaN where a position is missing."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _fit_seconds(when: datetime | None) -> float | None:
    if when is None:
        return None
    if when.tzinfo is None:  # GPX and TCX times are UTC (xsd:dateTime with Z); a bare time is taken as UTC
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() - FIT_EPOCH_UNIX_S


@functools.lru_cache(maxsize=512)
def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].split(":")[-1].lower()


def _local(tag: Any) -> str:
    """An element's name without its namespace, lower case ("{...ActivityExtension/v2}Watts" -> "watts")."""
    return _local_name(tag) if isinstance(tag, str) else ""


def _extension_values(elements: list[Any]) -> dict[str, float]:
    """Heart rate, cadence, power, temperature and speed from GPX point extensions, by local name."""
    names = {"hr": "hr", "heartrate": "hr", "cad": "cad", "cadence": "cad", "power": "power", "watts": "power",
             "atemp": "temp", "temp": "temp", "speed": "speed"}
    out: dict[str, float] = {}
    for element in elements:
        for node in element.iter():
            key = names.get(_local(node.tag))
            value = _number(node.text)
            if key is not None and value is not None:
                out.setdefault(key, value)
    return out


def _gpx(data: bytes, source: str) -> tuple[list[dict[str, Any]], str | None, dict[str, float], str | None, list[str]]:
    import gpxpy
    import gpxpy.gpx

    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RejectedFile(source, f"GPX file that is not UTF-8 text ({exc.reason} at byte {exc.start})", "not_fit") from None
    except (gpxpy.gpx.GPXException, ET.ParseError, ValueError) as exc:
        raise RejectedFile(source, f"not a readable GPX file ({' '.join(str(exc).split())[:200]})", "not_fit") from None
    warn: list[str] = []
    points: list[dict[str, Any]] = []
    types = [str(t.type) for t in gpx.tracks if t.type]
    for track in gpx.tracks:
        for segment in track.segments:
            for p in segment.points:
                ext = _extension_values(list(p.extensions))
                points.append({"t": _fit_seconds(p.time), "lat": p.latitude, "lon": p.longitude,
                               "alt": p.elevation, "hr": ext.get("hr"), "cad": ext.get("cad"),
                               "power": ext.get("power"), "temp": ext.get("temp"), "speed": ext.get("speed")})
    sport = None
    if types:
        sport = GPX_SPORTS.get(types[0].strip().lower())
        if sport is None:
            warn.append(f"GPX track type '{types[0].strip()[:40]}' is not a sport Sweatline knows: read as a generic activity")
    return points, sport, {}, gpx.creator, warn


def _tcx(data: bytes, source: str) -> tuple[list[dict[str, Any]], str | None, dict[str, float], str | None, list[str]]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise RejectedFile(source, f"not a readable TCX file ({exc})", "not_fit") from None
    if _local(root.tag) != "trainingcenterdatabase":
        raise RejectedFile(source, f"not a TCX file (its root element is <{_local(root.tag)[:40]}>)", "not_fit")
    points: list[dict[str, Any]] = []
    totals = {"timer_s": 0.0, "distance_m": 0.0, "calories_kcal": 0.0}
    seen = {key: False for key in totals}
    sport = None
    activities = [node for node in root.iter() if _local(node.tag) == "activity"]
    if activities:
        sport = TCX_SPORTS.get((activities[0].get("Sport") or "").strip().lower())
    for lap in (node for node in root.iter() if _local(node.tag) == "lap"):
        for child in lap:
            key = {"totaltimeseconds": "timer_s", "distancemeters": "distance_m", "calories": "calories_kcal"}.get(
                _local(child.tag))
            value = _number(child.text)
            if key is not None and value is not None:
                totals[key] += value
                seen[key] = True
        for point in (node for node in lap.iter() if _local(node.tag) == "trackpoint"):
            values: dict[str, Any] = {}
            for node in point.iter():
                name = _local(node.tag)
                if name == "time":
                    values["t"] = _tcx_time(node.text)
                elif name == "latitudedegrees":
                    values["lat"] = _number(node.text)
                elif name == "longitudedegrees":
                    values["lon"] = _number(node.text)
                elif name == "altitudemeters":
                    values["alt"] = _number(node.text)
                elif name == "distancemeters":
                    values["dist"] = _number(node.text)
                elif name == "heartratebpm":
                    values["hr"] = _number(next((c.text for c in node if _local(c.tag) == "value"), None))
                elif name in ("cadence", "runcadence"):
                    values["cad"] = _number(node.text)
                elif name == "speed":
                    values["speed"] = _number(node.text)
                elif name == "watts":
                    values["power"] = _number(node.text)
            points.append(values)
    creator = next((c.text for node in root.iter() if _local(node.tag) in ("creator", "author")
                    for c in node if _local(c.tag) == "name" and c.text), None)
    return points, sport, {key: value for key, value in totals.items() if seen[key]}, creator, []


def _tcx_time(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return _fit_seconds(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


def _column(points: list[dict[str, Any]], key: str) -> np.ndarray:
    return np.array([np.nan if p.get(key) is None else float(p[key]) for p in points], dtype=float)


def _activity(points: list[dict[str, Any]], sport: str | None, totals: dict[str, float], creator: str | None,
              warn: list[str], source: str, activity_id: str, kind: str) -> Activity:
    points = sorted(points, key=lambda p: p["t"])
    t = _column(points, "t")
    lat, lon = _column(points, "lat"), _column(points, "lon")
    distance = _column(points, "dist")
    speed = _column(points, "speed")
    if not np.isfinite(distance).any() and np.isfinite(lat).any():
        distance = _distance_from_positions(lat, lon)
        if not np.isfinite(speed).any():
            speed = _speed_from_distance(t, distance)
    elif not np.isfinite(speed).any() and np.isfinite(distance).any():
        speed = _speed_from_distance(t, distance)
    records = []
    for i, p in enumerate(points):
        record: dict[str, Any] = {"timestamp": float(t[i])}
        for key, name in (("alt", "altitude"), ("hr", "heart_rate"), ("cad", "cadence"), ("power", "power"),
                          ("temp", "temperature")):
            if p.get(key) is not None:
                record[name] = float(p[key])
        if math.isfinite(lat[i]) and math.isfinite(lon[i]):
            record["position_lat"] = lat[i] * DEG_TO_SEMICIRCLE
            record["position_long"] = lon[i] * DEG_TO_SEMICIRCLE
        if math.isfinite(distance[i]):
            record["distance"] = float(distance[i])
        if math.isfinite(speed[i]):
            record["speed"] = float(speed[i])
        records.append(record)
    gaps = _pauses(t)
    moving_s = float(t[-1] - t[0]) - sum(end - begin for begin, end in gaps)
    located = distance[np.isfinite(distance)]
    session: dict[str, Any] = {"sport": sport or "generic", "start_time": float(t[0]), "timestamp": float(t[-1]),
                               "total_elapsed_time": float(t[-1] - t[0]),
                               "total_timer_time": totals.get("timer_s") or moving_s,
                               "total_distance": totals.get("distance_m") or (float(located[-1]) if len(located) else None)}
    if totals.get("calories_kcal"):
        session["total_calories"] = totals["calories_kcal"]
    if gaps:
        warn.append(f"{len(gaps)} gap(s) of more than {PAUSE_GAP_S:.0f} s without a point taken as pauses "
                    f"({sum(end - begin for begin, end in gaps) / 60:.0f} min): the file records no timer")
    events = [event for begin, end in gaps for event in ((round(begin), False), (round(end), True))]
    msgs = Messages(file_types=["activity"], sessions=[session], records=records, timer_events=events,
                    file_id={"type": "activity", "product_name": creator} if creator else {"type": "activity"},
                    decoder=kind)
    activity = build_activity(msgs, Clock([]), source=source, activity_id=activity_id, salvaged=False, warn=warn)
    activity.decoder = "gpxpy" if kind == "gpx" else "xml.etree"
    if not totals:  # a GPX (or a TCX without lap totals): every figure is the points' own
        activity.summary = activity.summary.model_copy(update={"summary_source": "records"})
    return activity


def _pauses(t: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) of each stretch longer than :data:`PAUSE_GAP_S` without a point: GPX and TCX
    have no timer, and a phone app that pauses (or auto-pauses) writes no points meanwhile."""
    steps = np.diff(t)
    return [(float(t[i]), float(t[i + 1])) for i in np.flatnonzero(steps > PAUSE_GAP_S)]


def _distance_from_positions(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Cumulative great-circle distance [m] along the points (a point without a position keeps the
    distance so far; NaN before the first position)."""
    have = np.isfinite(lat) & np.isfinite(lon)
    out = np.full(len(lat), np.nan)
    index = np.flatnonzero(have)
    if len(index) == 0:
        return out
    steps = haversine_m(lat[index[:-1]], lon[index[:-1]], lat[index[1:]], lon[index[1:]])
    cumulative = np.concatenate([[0.0], np.cumsum(steps)])
    out[index] = cumulative
    filled = np.maximum.accumulate(np.where(np.isfinite(out), out, -np.inf))
    return np.where(np.isfinite(filled), filled, np.nan)


def _speed_from_distance(t: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """Speed [m/s] at each point: distance over the span reaching at least :data:`SPEED_WINDOW_S`
    around it (half before, half after), NaN where the distance is missing or the speed is a jump
    beyond :data:`MAX_TRACK_SPEED_M_PER_S`."""
    half = SPEED_WINDOW_S / 2
    lo = np.clip(np.searchsorted(t, t - half, side="right") - 1, 0, len(t) - 1)
    hi = np.clip(np.searchsorted(t, t + half, side="left"), 0, len(t) - 1)
    dt = t[hi] - t[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = np.where(dt > 0, (distance[hi] - distance[lo]) / dt, np.nan)
    return np.where(np.isfinite(speed) & (speed >= 0) & (speed <= MAX_TRACK_SPEED_M_PER_S), speed, np.nan)
