"""A real HTTP server on 127.0.0.1 (http.server in a thread) that answers like Open-Meteo.

It speaks the documented form (``/v1/archive`` with ``start_date``/``end_date``, ``/v1/forecast``
with ``past_days``/``forecast_days``; ``latitude``/``longitude`` as comma-separated lists, a JSON
list for several places; ``hourly`` arrays beside ``time`` in unix seconds with
``timeformat=unixtime``; HTTP 400 ``{"error": true, "reason": ...}`` for a bad request), and
misbehaves on demand: ``mode`` = ``ok`` | ``slow`` (sleeps ``delay_s`` first) | ``garbage``
(HTML with status 200) | ``bad_json`` (JSON not in Open-Meteo's form) | ``error`` (HTTP 400) |
``overloaded`` (HTTP 503). Every request is kept in ``requests`` as (path, params).

Served values: temperature :func:`hourly_temperature` (a sample should get :func:`temperature_at`;
``temperature`` may be set to another function of the epoch second), humidity :data:`HUMIDITY`,
wind :data:`WIND`, sun :data:`SUN`.
"""
from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HUMIDITY = 63.0
WIND = 4.2
SUN = 512.0
ORIGIN = datetime(2000, 1, 1, tzinfo=UTC).timestamp()


def hourly_temperature(epoch_s: float) -> float:
    """The served air temperature at a full hour [°C]: 12 °C at midnight UTC, 0.8 °C more each hour."""
    return 12.0 + 0.8 * (round((epoch_s - ORIGIN) / 3600.0) % 24)


def temperature_at(epoch_s: float) -> float:
    """What a sample at ``epoch_s`` should get: linear between the served hours around it."""
    lo = (epoch_s // 3600.0) * 3600.0
    share = (epoch_s - lo) / 3600.0
    return (1 - share) * hourly_temperature(lo) + share * hourly_temperature(lo + 3600.0)


class FakeOpenMeteo:
    def __init__(self) -> None:
        self.mode = "ok"
        self.delay_s = 0.0
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.today = datetime.now(UTC).date()
        self.zone = "Europe/Paris"  # what ``timezone=auto`` resolves every place to
        self.temperature = hourly_temperature  # epoch seconds -> °C at that full hour; a test may serve its own
        server = self
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                params = {k: v[-1] for k, v in parse_qs(url.query).items()}
                with server._lock:
                    server.requests.append((url.path, params))
                status, body, kind = server.answer(url.path, params)
                if server.mode == "slow":
                    time.sleep(server.delay_s)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (slow mode)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "FakeOpenMeteo":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, path: str, params: dict[str, str]) -> tuple[int, bytes, str]:
        if self.mode == "garbage":
            return 200, b"<html><body>502 Bad Gateway</body></html>", "text/html"
        if self.mode == "bad_json":
            return 200, json.dumps({"latitude": 1.0, "hourly": {"time": [1, 2], "temperature_2m": [3]}}).encode(), \
                "application/json"
        if self.mode == "overloaded":
            return 503, b'{"error": true, "reason": "Too many requests"}', "application/json"
        if self.mode == "error":
            return 400, json.dumps({"error": True, "reason": "Parameter 'start_date' is out of allowed range"}).encode(), \
                "application/json"
        try:
            lats = [float(x) for x in params["latitude"].split(",")]
            lons = [float(x) for x in params["longitude"].split(",")]
            if path == "/v1/archive":
                first, last = date.fromisoformat(params["start_date"]), date.fromisoformat(params["end_date"])
            elif path == "/v1/forecast":
                first = self.today - timedelta(days=int(params.get("past_days", "0")))
                last = self.today + timedelta(days=int(params.get("forecast_days", "7")) - 1)
            else:
                return 404, b'{"error": true, "reason": "Not Found"}', "application/json"
        except (KeyError, ValueError) as exc:
            return 400, json.dumps({"error": True, "reason": f"bad parameter: {exc}"}).encode(), "application/json"
        start = datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp()
        hours = int(((last - first).days + 1) * 24)
        times = [int(start + 3600 * i) for i in range(hours)]
        items = []
        for lat, lon in zip(lats, lons):
            items.append({
                "latitude": lat, "longitude": lon, "generationtime_ms": 0.1, "utc_offset_seconds": 0,
                "timezone": self.zone if params.get("timezone") == "auto" else "GMT",
                "timezone_abbreviation": "GMT", "elevation": 100.0,
                "hourly_units": {"time": "unixtime", "temperature_2m": "°C", "relative_humidity_2m": "%",
                                 "wind_speed_10m": "m/s", "shortwave_radiation": "W/m²"},
                "hourly": {"time": times,
                           "temperature_2m": [self.temperature(t) for t in times],
                           "relative_humidity_2m": [HUMIDITY] * hours,
                           "wind_speed_10m": [WIND] * hours,
                           "shortwave_radiation": [SUN] * hours},
            })
        body = items if len(items) > 1 else items[0]
        return 200, json.dumps(body).encode(), "application/json"
