"""GPX and TCX activity files written by the tests, as the apps that export them write them
(Strava's GPX with Garmin's TrackPointExtension, Garmin Connect's TCX with ActivityExtension v2),
and the expected values read from the points independently of the pipeline."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

START = datetime(2026, 7, 18, 6, 30, tzinfo=timezone.utc)
MEAN_EARTH_RADIUS_M = 6_371_008.8  # GRS 80 mean radius R1 (Moritz 2000)


@dataclass
class Point:
    t: datetime | None
    lat: float | None
    lon: float | None
    ele: float | None = None
    hr: int | None = None
    cad: int | None = None
    power: int | None = None
    speed: float | None = None
    distance_m: float | None = None


def run_points(minutes: int = 40, *, step_s: int = 1, hr: bool = True, cad: bool = True, power: bool = False,
               lat0: float = 47.3769, lon0: float = 8.5417, speed_m_per_s: float = 3.0) -> list[Point]:
    """A straight run north-east at a steady speed, with heart rate rising 120 -> 160 bpm."""
    n = minutes * 60 // step_s + 1
    out = []
    for i in range(n):
        s = i * step_s
        d = speed_m_per_s * s
        lat = lat0 + (d / math.sqrt(2)) / 111_195.0
        lon = lon0 + (d / math.sqrt(2)) / (111_195.0 * math.cos(math.radians(lat0)))
        out.append(Point(t=START + timedelta(seconds=s), lat=lat, lon=lon, ele=400 + 10 * math.sin(i / 300),
                         hr=int(120 + 40 * i / n) if hr else None, cad=86 if cad else None,
                         power=int(250 + 10 * math.sin(i / 30)) if power else None, speed=speed_m_per_s,
                         distance_m=d))
    return out


def haversine_total_m(points: list[Point]) -> float:
    """The track's length: the haversine great-circle distance (Sinnott 1984) summed point to point,
    with the standard library's math only."""
    total = 0.0
    located = [p for p in points if p.lat is not None and p.lon is not None]
    for a, b in zip(located, located[1:]):
        p1, p2 = math.radians(a.lat), math.radians(b.lat)  # type: ignore[arg-type]
        dp, dl = p2 - p1, math.radians(b.lon - a.lon)  # type: ignore[operator]
        h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        total += 2 * MEAN_EARTH_RADIUS_M * math.asin(math.sqrt(h))
    return total


def _time(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def gpx(points: list[Point], *, sport: str | None = "running", creator: str = "StravaGPX iPhone",
        name: str = "Morning Run", prolog: str = "") -> bytes:
    """A GPX 1.1 file as Strava exports a phone-recorded activity: ``trk/type``, Garmin's
    TrackPointExtension (``gpxtpx:hr``, ``gpxtpx:cad``) and a ``power`` element."""
    rows = []
    for p in points:
        ext = []
        if p.hr is not None or p.cad is not None:
            inner = (f"<gpxtpx:hr>{p.hr}</gpxtpx:hr>" if p.hr is not None else "") + (
                f"<gpxtpx:cad>{p.cad}</gpxtpx:cad>" if p.cad is not None else "")
            ext.append(f"<gpxtpx:TrackPointExtension>{inner}</gpxtpx:TrackPointExtension>")
        if p.power is not None:
            ext.append(f"<power>{p.power}</power>")
        rows.append(f'   <trkpt lat="{p.lat:.7f}" lon="{p.lon:.7f}">'
                    + (f"<ele>{p.ele:.1f}</ele>" if p.ele is not None else "")
                    + (f"<time>{_time(p.t)}</time>" if p.t is not None else "")
                    + (f"<extensions>{''.join(ext)}</extensions>" if ext else "") + "</trkpt>")
    kind = f"  <type>{sport}</type>\n" if sport is not None else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
            f'<gpx creator="{creator}" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
            f' <metadata><time>{_time(START)}</time></metadata>\n <trk>\n  <name>{name}</name>\n{kind}'
            "  <trkseg>\n" + "\n".join(rows) + "\n  </trkseg>\n </trk>\n</gpx>\n").encode()


def tcx(points: list[Point], *, sport: str = "Running", laps: int = 2, calories: int = 500,
        run_cadence: bool = True, prolog: str = "") -> bytes:
    """A TCX (TrainingCenterDatabase v2) file as Garmin Connect exports one: laps with their totals,
    ``DistanceMeters`` per point, ``RunCadence`` (running) or ``Cadence`` (biking), ``Speed`` and
    ``Watts`` in ActivityExtension v2 (``ns3:TPX``)."""
    per = math.ceil(len(points) / laps)
    chunks = [points[i:i + per] for i in range(0, len(points), per)]
    body = []
    for chunk in chunks:
        timed = [p for p in chunk if p.t is not None]
        span = (timed[-1].t - timed[0].t).total_seconds() if len(timed) > 1 else 0.0  # type: ignore[operator]
        dist = (chunk[-1].distance_m or 0.0) - (chunk[0].distance_m or 0.0)
        tps = []
        for p in chunk:
            cad = ""
            if p.cad is not None and not run_cadence:
                cad = f"<Cadence>{p.cad}</Cadence>"
            tpx = ""
            if p.speed is not None or p.power is not None or (p.cad is not None and run_cadence):
                tpx = ("<Extensions><ns3:TPX>" + (f"<ns3:Speed>{p.speed}</ns3:Speed>" if p.speed is not None else "")
                       + (f"<ns3:RunCadence>{p.cad}</ns3:RunCadence>" if p.cad is not None and run_cadence else "")
                       + (f"<ns3:Watts>{p.power}</ns3:Watts>" if p.power is not None else "") + "</ns3:TPX></Extensions>")
            tps.append("<Trackpoint>" + (f"<Time>{_time(p.t)}</Time>" if p.t is not None else "")
                       + (f"<Position><LatitudeDegrees>{p.lat}</LatitudeDegrees><LongitudeDegrees>{p.lon}"
                          "</LongitudeDegrees></Position>" if p.lat is not None else "")
                       + (f"<AltitudeMeters>{p.ele}</AltitudeMeters>" if p.ele is not None else "")
                       + (f"<DistanceMeters>{p.distance_m}</DistanceMeters>" if p.distance_m is not None else "")
                       + (f"<HeartRateBpm><Value>{p.hr}</Value></HeartRateBpm>" if p.hr is not None else "")
                       + cad + tpx + "</Trackpoint>")
        start = _time(timed[0].t) if timed else _time(START)  # type: ignore[arg-type]
        body.append(f'<Lap StartTime="{start}"><TotalTimeSeconds>{span}</TotalTimeSeconds>'
                    f"<DistanceMeters>{dist}</DistanceMeters><Calories>{calories // len(chunks)}</Calories>"
                    "<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod>"
                    f"<Track>{''.join(tps)}</Track></Lap>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
            '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
            'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
            f'<Activities><Activity Sport="{sport}"><Id>{_time(START)}</Id>{"".join(body)}'
            '<Creator xsi:type="Device_t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<Name>Forerunner 255</Name></Creator></Activity></Activities></TrainingCenterDatabase>").encode()
