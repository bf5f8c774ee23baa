"""The weather cache: Open-Meteo's hourly answers kept in the catalog database, per provider,
rounded place (:class:`~pipeline.weather.models.Place`) and UTC hour, so that a second run or a
rebuild asks nothing again.

Its own migration component (``weather``) in ``catalog.sqlite`` (:func:`pipeline.store.db.migrate`):
the table evolves independently of the catalog's numbered migrations, which other features append to.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from pipeline.store.db import BUSY_TIMEOUT_S, catalog_path, connect, migrate, transaction
from pipeline.weather.models import HourlyWeather, Place

WEATHER_MIGRATIONS: list[str] = [
    # 1: hourly weather per provider, place (tenths of a degree) and UTC hour
    """
    CREATE TABLE weather_hours (
        provider                 TEXT NOT NULL,
        lat_e1                   INTEGER NOT NULL,
        lon_e1                   INTEGER NOT NULL,
        hour_utc                 TEXT NOT NULL,
        temperature_c            REAL,
        humidity_pct             REAL,
        wind_speed_m_per_s       REAL,
        solar_radiation_w_per_m2 REAL,
        dataset                  TEXT NOT NULL,
        fetched_at               TEXT NOT NULL,
        PRIMARY KEY (provider, lat_e1, lon_e1, hour_utc)
    );
    """,
]


def _hour_key(hour: datetime) -> str:
    return hour.astimezone(UTC).strftime("%Y-%m-%dT%H:00Z")


class WeatherCache:
    """Read and write cached hours under ``data_dir`` (one short connection per call)."""

    def __init__(self, data_dir: Path, provider: str) -> None:
        self.data_dir = Path(data_dir)
        self.provider = provider

    def _connect(self) -> sqlite3.Connection:
        conn = connect(self.data_dir)
        migrate(conn, "weather", WEATHER_MIGRATIONS)
        return conn

    def _connect_read_only(self) -> sqlite3.Connection | None:
        """The catalog opened read-only (SQLite URI ``mode=ro``), or None when it holds no weather yet
        (no catalog file, no table): a reader on a worker never creates, migrates or writes it."""
        path = catalog_path(self.data_dir)
        if not path.is_file():
            return None
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'weather_hours'").fetchone():
                return conn
        except BaseException:
            conn.close()
            raise
        conn.close()
        return None

    def lookup(self, spans: dict[Place, tuple[datetime, datetime]]) -> dict[Place, list[HourlyWeather]]:
        """The cached hours of each place from its first to its last hour (UTC, inclusive), in order.
        Read-only (see :meth:`_connect_read_only`). Raises ``sqlite3.Error`` for a damaged catalog."""
        found: dict[Place, list[HourlyWeather]] = {}
        conn = self._connect_read_only()
        if conn is None:
            return {place: [] for place in spans}
        try:
            for place, (first, last) in spans.items():
                rows = conn.execute(
                    "SELECT hour_utc, temperature_c, humidity_pct, wind_speed_m_per_s, solar_radiation_w_per_m2, "
                    "dataset FROM weather_hours WHERE provider = ? AND lat_e1 = ? AND lon_e1 = ? "
                    "AND hour_utc BETWEEN ? AND ? ORDER BY hour_utc",
                    (self.provider, place.lat_e1, place.lon_e1, _hour_key(first), _hour_key(last)),
                ).fetchall()
                found[place] = [HourlyWeather(place, datetime.strptime(r[0], "%Y-%m-%dT%H:00Z").replace(tzinfo=UTC),
                                              r[1], r[2], r[3], r[4], r[5]) for r in rows]
        finally:
            conn.close()
        return found

    def store(self, hours: Iterable[HourlyWeather]) -> int:
        """Keep these hours (replacing older answers for the same place and hour); hours without
        a temperature are not kept (the provider may fill them later). Returns how many were kept.
        Called where the flow runs (:func:`pipeline.usecases.commit.record_outcome`), never by a reader."""
        now = datetime.now(UTC).isoformat()
        rows = [(self.provider, h.place.lat_e1, h.place.lon_e1, _hour_key(h.hour), h.temperature_c, h.humidity_pct,
                 h.wind_speed_m_per_s, h.solar_radiation_w_per_m2, h.dataset, now)
                for h in hours if h.temperature_c is not None]
        if not rows:
            return 0
        conn = self._connect()
        try:
            with transaction(conn):
                conn.executemany("INSERT OR REPLACE INTO weather_hours VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        finally:
            conn.close()
        return len(rows)
