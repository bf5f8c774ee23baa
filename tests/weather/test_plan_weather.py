"""The weather of a planned course against a real local HTTP server speaking Open-Meteo's forecast
and archive formats (:mod:`fake_open_meteo`): the forecast where and when the athlete will be,
climatology beyond the forecast's horizon, the override that asks nobody, and a hot day's 06:00 and
13:00 starts. Nothing reaches the internet: the config's ``base_url`` is the local server."""
from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from course_files import HILLY, profile_points, write_gpx
from fake_open_meteo import HUMIDITY, FakeOpenMeteo, temperature_at

from pipeline.core.config import parse_config
from pipeline.core.inputs import WeatherOverride
from pipeline.fit.course import read_course
from pipeline.usecases.race import RaceRequest, plan_course
from pipeline.weather.service import CLIMATOLOGY_YEARS, FORECAST_HORIZON_DAYS, weather_for_plan


@pytest.fixture
def server():
    with FakeOpenMeteo() as fake:
        yield fake


def _config(tmp_path: Path, base_url: str, cache: bool = False):
    return parse_config({"data_dir": str(tmp_path / "data"), "inbox": str(tmp_path / "inbox"),
                         "weather": {"provider": "open-meteo", "base_url": base_url, "timeout_s": 2.0, "cache": cache},
                         "athlete": {"body_mass_kg": 70, "height_cm": 175, "sex": "male", "age": 35}})


@pytest.fixture
def hilly(tmp_path: Path):
    return read_course(write_gpx(tmp_path / "hilly.gpx", profile_points(HILLY)))


def _start(days_ahead: int, hour: int) -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _epoch(records: pd.DataFrame) -> np.ndarray:
    return (pd.to_datetime(records["timestamp"], utc=True) - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()


def test_the_forecast_for_the_places_and_hours_of_the_course(server, hilly, tmp_path: Path) -> None:
    config = _config(tmp_path, server.url)
    plan = plan_course(hilly, RaceRequest("cycling", _start(3, 6), power_w=200.0), config)
    assert plan.report.environment.source == "forecast"
    assert plan.report.plan.weather == "forecast"
    assert {path for path, _ in server.requests} == {"/v1/forecast"}
    _, params = server.requests[0]
    # only the rounded places (0.1°) and the days: nothing of the athlete, the file or the exact route
    assert set(params) == {"latitude", "longitude", "hourly", "wind_speed_unit", "timeformat", "timezone",
                           "past_days", "forecast_days"}
    assert params["latitude"].split(",") == ["45.0", "45.1", "45.2"]
    assert int(params["forecast_days"]) == 4  # today to the race day
    series = plan.series
    assert series["air_temperature_c"].to_numpy() == pytest.approx([temperature_at(t) for t in _epoch(series)], abs=1e-6)
    entry = plan.report.plan.timeline[0]
    middle = (pd.Timestamp(_start(3, 6)) + pd.Timedelta(seconds=entry.elapsed_s + entry.duration_s / 2)).timestamp()
    assert entry.temperature_c == pytest.approx(temperature_at(middle), abs=0.3)
    assert entry.humidity_pct == pytest.approx(HUMIDITY)


def test_beyond_the_horizon_the_archive_s_same_dates_of_earlier_years(server, hilly, tmp_path: Path) -> None:
    config = _config(tmp_path, server.url)
    start = _start(FORECAST_HORIZON_DAYS + 30, 9)
    records = pd.DataFrame({"timestamp": pd.date_range(start, periods=4, freq="30min"),
                            "latitude_deg": [45.0] * 4, "longitude_deg": [6.0] * 4})
    samples = weather_for_plan(records, config.weather, config.data_dir)
    assert samples.dataset == "climatology" and samples.usable
    archive = [params for path, params in server.requests if path == "/v1/archive"]
    assert len(archive) == CLIMATOLOGY_YEARS
    years = sorted(int(p["start_date"][:4]) for p in archive)
    assert years == list(range(years[0], years[0] + CLIMATOLOGY_YEARS))
    assert all(p["start_date"][5:] == start.strftime("%m-%d") for p in archive)
    assert all(datetime.fromisoformat(p["end_date"]).date() < datetime.now(UTC).date() for p in archive)
    # the fake serves the same temperature at the same hour of every day, so the mean is that value
    assert samples.frame["weather_temperature_c"].to_numpy() == pytest.approx([temperature_at(t) for t in _epoch(records)])
    assert any("climatology" in note for note in samples.notes)


def test_temp_and_humidity_given_ask_nobody(server, hilly, tmp_path: Path) -> None:
    plan = plan_course(hilly, RaceRequest("running", _start(2, 8), speed_m_per_s=3.0), _config(tmp_path, server.url),
                       override=WeatherOverride(temperature_c=18.0, humidity_pct=70.0))
    assert server.requests == []
    assert plan.report.environment.source == "override"
    assert {e.temperature_c for e in plan.report.plan.timeline} == {18.0}


def _hot_day(epoch_s: float) -> float:
    """A hot day's forecast: 18 °C at 03:00 UTC rising to 36 °C at 15:00 (a cosine through the day)."""
    hour = (epoch_s / 3600.0) % 24
    return 27.0 - 9.0 * math.cos(2 * math.pi * (hour - 3.0) / 24.0)


@pytest.mark.parametrize("sport, ask", [("cycling", {"power_w": 200.0}), ("running", {"speed_m_per_s": 3.0})])
def test_a_13_00_start_on_a_hot_day_sweats_and_drinks_more_than_a_06_00_one(server, hilly, tmp_path: Path,
                                                                           sport: str, ask: dict) -> None:
    server.temperature = _hot_day
    config = _config(tmp_path, server.url)
    early = plan_course(hilly, RaceRequest(sport, _start(2, 6), **ask), config).report
    late = plan_course(hilly, RaceRequest(sport, _start(2, 13), **ask), config).report
    assert early.environment.source == late.environment.source == "forecast"
    # the served air over each course's hours, computed from the forecast itself
    assert late.environment.temperature_c > early.environment.temperature_c + 5.0
    assert late.sweat.total_l > early.sweat.total_l
    drink = lambda r: sum(e.drink_ml for e in r.plan.timeline)  # noqa: E731
    assert drink(late) >= drink(early)
    assert late.plan.sodium_mg_per_h > early.plan.sodium_mg_per_h
    for report, hour in ((early, 6), (late, 13)):
        for e in report.plan.timeline:
            middle = (pd.Timestamp(_start(2, hour)) + pd.Timedelta(seconds=e.elapsed_s + e.duration_s / 2)).timestamp()
            assert e.temperature_c == pytest.approx(_hot_day(middle), abs=0.6)


def test_the_archive_hours_of_a_climatology_are_kept_and_asked_once(server, tmp_path: Path) -> None:
    from cli_support import run_cli

    route = write_gpx(tmp_path / "route.gpx", profile_points(((6000.0, 0.02),)))
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n"
                      f"weather:\n  provider: open-meteo\n  base_url: {server.url}\n  timeout_s: 2\n")
    start = _start(FORECAST_HORIZON_DAYS + 40, 7).strftime("%Y-%m-%dT%H:%M+00:00")
    for _ in range(2):
        result = run_cli("plan", "--course", str(route), "--sport", "running", "--speed", "10", "--start", start,
                         "--json", config=config)
        assert result.returncode == 0, result.stderr
    assert len(server.requests) == CLIMATOLOGY_YEARS  # the second plan found them in the cache
    assert '"source": "climatology"' in result.stdout


def test_a_course_planned_in_the_past_gets_the_weather_it_had(server, hilly, tmp_path: Path) -> None:
    plan = plan_course(hilly, RaceRequest("running", _start(-30, 8), speed_m_per_s=3.0), _config(tmp_path, server.url))
    assert {path for path, _ in server.requests} == {"/v1/archive"}
    assert plan.report.environment.source == "weather"
    assert "archive" in plan.report.environment.weather_provider


def test_a_dead_forecast_server_leaves_the_config_climate_and_says_so(server, hilly, tmp_path: Path) -> None:
    from pipeline.weather.service import forget_outages

    server.mode = "overloaded"
    try:
        plan = plan_course(hilly, RaceRequest("running", _start(3, 8), speed_m_per_s=3.0),
                           _config(tmp_path, server.url))
    finally:
        forget_outages()
    assert plan.report.environment.source == "config"
    assert any("Open-Meteo weather not used" in note for note in plan.report.environment.notes)
    assert plan.report.plan.timeline  # the plan is made all the same


def test_a_start_without_an_offset_is_in_the_start_s_own_time_zone(server, tmp_path: Path) -> None:
    import json

    from cli_support import run_cli

    route = write_gpx(tmp_path / "route.gpx", profile_points(((6000.0, 0.02),)))
    day = (datetime.now(UTC) + timedelta(days=3)).date()
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n"
                      f"nightly: {{cron: '0 3 * * *', timezone: America/New_York}}\n"
                      f"weather:\n  provider: open-meteo\n  base_url: {server.url}\n  timeout_s: 2\n")
    server.zone = "Asia/Tokyo"  # UTC+9 all year (no daylight saving)
    result = run_cli("plan", "--course", str(route), "--sport", "running", "--speed", "10", "--start",
                     f"{day.isoformat()}T06:00", "--json", config=config)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    expected = datetime(day.year, day.month, day.day, 6, tzinfo=UTC) - timedelta(hours=9)
    assert datetime.fromisoformat(report["plan"]["start_time"]) == expected
    assert any("Asia/Tokyo, the start's time zone" in n for n in report["environment"]["notes"])
    zone_asks = [params for path, params in server.requests if params.get("timezone") == "auto"]
    assert len(zone_asks) == 1 and zone_asks[0]["latitude"] == "45.0"  # the rounded position only


def test_without_a_provider_the_start_is_in_the_config_s_zone(tmp_path: Path) -> None:
    import json

    from cli_support import run_cli

    route = write_gpx(tmp_path / "route.gpx", profile_points(((6000.0, 0.02),)))
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n"
                      "nightly: {cron: '0 3 * * *', timezone: Asia/Tokyo}\n")
    result = run_cli("plan", "--course", str(route), "--sport", "running", "--speed", "10", "--start",
                     "2027-01-10T06:00", "--temp", "10", "--humidity", "70", "--json", config=config)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert datetime.fromisoformat(report["plan"]["start_time"]) == datetime(2027, 1, 9, 21, tzinfo=UTC)
    assert any("the config's nightly.timezone" in n for n in report["environment"]["notes"])
