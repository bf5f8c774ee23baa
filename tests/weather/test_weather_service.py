"""The weather along the route, against a real local HTTP server speaking Open-Meteo's
JSON (:mod:`fake_open_meteo`): what is sent, what the samples get, the cache, a dead / slow /
garbage-answering server, indoor files, and provider ``none`` equal to the path without weather."""
from __future__ import annotations

import socket
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fake_open_meteo import HUMIDITY, SUN, WIND, FakeOpenMeteo, temperature_at

from pipeline.core.config import ConfigError, parse_config
from pipeline.fit import read_fit
from pipeline.fit.models import Activity
from pipeline.usecases.analyse import analyse_activity
from pipeline.usecases.ingest import process_activity
from pipeline.weather.providers import open_meteo as openmeteo
from pipeline.weather.cache import WeatherCache
from pipeline.weather.models import Place
from pipeline.weather.service import weather_for_activity

ROAD = "stages-dashl50-cycling-34min-road.fit"        # GPS and a temperature sensor; crosses an hour
GPS_ONLY = "garmin-edge200-cycling-27min-gps-only.fit"  # GPS, no temperature sensor
VIRTUAL = "zwift-app-cycling-30min-virtual.fit"         # indoor, yet with (virtual) positions
TRAINER = "garmin-edge800-cycling-38min-indoor-trainer.fit"


@pytest.fixture(scope="module")
def activities(samples: Path) -> dict[str, Activity]:
    return {name: read_fit(samples / name).activities[0] for name in (ROAD, GPS_ONLY, VIRTUAL, TRAINER)}


@pytest.fixture
def server():
    with FakeOpenMeteo() as fake:
        yield fake


def config_for(tmp_path: Path, base_url: str | None, provider: str = "open-meteo", timeout_s: float = 2.0,
               cache: bool = True):
    weather = {"provider": provider, "timeout_s": timeout_s, "cache": cache}
    if base_url:
        weather["base_url"] = base_url
    return parse_config({"data_dir": str(tmp_path / "data"), "inbox": str(tmp_path / "inbox"), "weather": weather,
                         "athlete": {"body_mass_kg": 70, "height_cm": 175, "sex": "male", "age": 35}})


def _epoch_s(records: pd.DataFrame) -> np.ndarray:
    return (pd.to_datetime(records["timestamp"], utc=True) - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()


def test_the_request_carries_the_rounded_positions_and_dates_and_nothing_else(server, activities, tmp_path) -> None:
    activity = activities[ROAD]
    config = config_for(tmp_path, server.url)
    samples = weather_for_activity(activity, config.weather, config.data_dir)
    assert samples.usable and samples.requests == 1 and len(server.requests) == 1
    path, params = server.requests[0]
    assert path == "/v1/archive"  # 2021: long in the archive
    assert set(params) == {"latitude", "longitude", "hourly", "wind_speed_unit", "timeformat", "timezone",
                           "start_date", "end_date"}
    recs = activity.records.dropna(subset=["latitude_deg"])
    expected = {Place.of(a, b) for a, b in zip(recs["latitude_deg"], recs["longitude_deg"])}
    sent = {Place.of(float(a), float(b)) for a, b in zip(params["latitude"].split(","), params["longitude"].split(","))}
    assert sent == expected
    for value in params["latitude"].split(",") + params["longitude"].split(","):
        assert len(value.split(".")[1]) == 1, f"{value}: more than 0.1° leaves the machine"
    times = pd.to_datetime(activity.records["timestamp"], utc=True)
    assert params["start_date"] == times.min().date().isoformat()
    assert params["end_date"] == (times.max().floor("h") + pd.Timedelta(hours=1)).date().isoformat()
    assert params["hourly"] == "temperature_2m,relative_humidity_2m,wind_speed_10m,shortwave_radiation"
    assert params["wind_speed_unit"] == "ms" and params["timeformat"] == "unixtime"


def test_samples_get_the_served_values_at_their_own_times(server, activities, tmp_path) -> None:
    activity = activities[ROAD]
    config = config_for(tmp_path, server.url)
    samples = weather_for_activity(activity, config.weather, config.data_dir)
    seconds = _epoch_s(activity.records)
    np.testing.assert_allclose(samples.frame["weather_temperature_c"], [temperature_at(t) for t in seconds], atol=0.01)
    assert np.ptp(samples.frame["weather_temperature_c"]) > 0.4  # it changes over the session, by the hour
    np.testing.assert_allclose(samples.frame["weather_humidity_pct"], HUMIDITY)
    np.testing.assert_allclose(samples.frame["weather_wind_speed_m_per_s"], WIND)
    np.testing.assert_allclose(samples.frame["weather_solar_radiation_w_per_m2"], SUN)

    analysis = analyse_activity(activity, config, weather=samples)
    env = analysis.report.environment
    assert env.source == "weather"
    assert env.humidity_pct == pytest.approx(HUMIDITY)
    assert env.wind_speed_m_per_s == pytest.approx(WIND) and env.solar_radiation_w_per_m2 == pytest.approx(SUN)
    assert "historical archive" in env.weather_provider
    assert any("temperature from Open-Meteo" in n for n in env.notes)
    assert any("not added to the air speed" in n for n in env.notes)
    series = analysis.series
    expected = [temperature_at(t.timestamp()) for t in series.index]
    np.testing.assert_allclose(series["temperature_c"], expected, atol=0.01)  # the air the model used, per sample


def test_the_cache_answers_a_second_run_with_no_request(server, activities, tmp_path) -> None:
    activity = activities[ROAD]
    config = config_for(tmp_path, server.url)
    first = weather_for_activity(activity, config.weather, config.data_dir)
    assert len(server.requests) == 1 and first.fetched
    assert not (config.data_dir / "catalog.sqlite").exists()  # the reader writes nothing: the commit keeps them
    WeatherCache(config.data_dir, config.weather.provider).store(first.fetched)
    second = weather_for_activity(activity, config.weather, config.data_dir)
    assert len(server.requests) == 1 and second.requests == 0 and second.cached_hours > 0
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert second.provider == first.provider
    uncached = config_for(tmp_path, server.url, cache=False)
    weather_for_activity(activity, uncached.weather, uncached.data_dir)
    assert len(server.requests) == 2  # cache: false asks every time


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nobody listens there: connection refused


def _fallback_checks(analysis, reason: str) -> None:
    env = analysis.report.environment
    assert env.source == "device"  # the bike sensor, as without the weather service
    assert env.weather_provider is None
    assert any(reason in n and "next source" in n for n in env.notes), env.notes


@pytest.mark.parametrize("mode", ["down", "slow", "garbage", "bad_json", "overloaded"])
def test_a_failing_server_costs_the_timeout_once_per_run_and_falls_back_with_a_note(
        mode, server, activities, tmp_path) -> None:
    timeout_s = 1.0
    server.mode, server.delay_s = mode, 5.0
    url = _closed_port_url() if mode == "down" else server.url
    config = config_for(tmp_path, url, timeout_s=timeout_s)
    started = time.monotonic()
    first = weather_for_activity(activities[ROAD], config.weather, config.data_dir)
    spent = time.monotonic() - started
    assert spent < timeout_s + 0.8, f"{mode}: {spent:.2f} s for a {timeout_s} s timeout"  # twice would be >= 2 s
    assert not first.usable and first.requests == 1
    if mode == "slow":
        assert len(server.requests) == 1  # the time is spent: no retry after a timeout
    reason = {"down": "unreachable", "slow": "no answer within", "garbage": "not JSON",
              "bad_json": "answered", "overloaded": "HTTP 503"}[mode]
    _fallback_checks(analyse_activity(activities[ROAD], config, weather=first), reason)

    asked = len(server.requests)
    started = time.monotonic()
    later = weather_for_activity(activities[GPS_ONLY], config.weather, config.data_dir)  # the next file of the night
    assert time.monotonic() - started < timeout_s  # no second wait
    assert later.requests == 0 and len(server.requests) == asked
    assert any("not asked again" in n for n in later.notes)
    env = analyse_activity(activities[GPS_ONLY], config, weather=later).report.environment
    assert env.source == "config" and any("not asked again" in n for n in env.notes)


def test_a_refused_request_says_why_and_does_not_condemn_the_server(server, activities, tmp_path) -> None:
    server.mode = "error"
    config = config_for(tmp_path, server.url)
    first = weather_for_activity(activities[ROAD], config.weather, config.data_dir)
    assert not first.usable and any("out of allowed range" in n for n in first.notes)
    server.mode = "ok"
    assert weather_for_activity(activities[GPS_ONLY], config.weather, config.data_dir).usable


def test_indoor_files_make_no_request(server, activities, tmp_path) -> None:
    config = config_for(tmp_path, server.url)
    for name in (VIRTUAL, TRAINER):
        samples = weather_for_activity(activities[name], config.weather, config.data_dir)
        assert samples.requests == 0 and not samples.usable
        assert analyse_activity(activities[name], config, weather=samples).report.environment.source != "weather"
    assert server.requests == []


def test_the_after_ride_path_uses_the_weather_and_the_override_still_wins(server, activities, tmp_path) -> None:
    from pipeline.usecases.analyse import WeatherOverride

    config = config_for(tmp_path, server.url)
    done = process_activity(activities[GPS_ONLY], config, sha256="a" * 64)
    assert done.row.environment_source == "weather"
    report = (done.report_dir / "report.md").read_text()
    assert "Weather" in report and "Open-Meteo" in report
    overridden = process_activity(activities[GPS_ONLY], config, WeatherOverride(temperature_c=31.0), sha256="b" * 64)
    assert overridden.row.environment_source == "override" and overridden.row.temperature_c == 31.0
    assert overridden.row.humidity_pct == pytest.approx(HUMIDITY)  # humidity still from the weather service


@pytest.mark.parametrize("name", [ROAD, GPS_ONLY, VIRTUAL, TRAINER])
def test_provider_none_gives_exactly_the_estimate_without_weather(name, server, activities, tmp_path) -> None:
    """``provider: none`` is the path without any weather service: the same report as the analysis
    called the way it was before the weather service (no weather argument at all), and no request."""
    activity = activities[name]
    config = config_for(tmp_path, server.url, provider="none")
    samples = weather_for_activity(activity, config.weather, config.data_dir)
    assert samples.requests == 0 and samples.frame is None and samples.notes == []
    with_none = analyse_activity(activity, config, weather=samples)
    before = analyse_activity(activity, config)  # the pre-change call
    assert with_none.report.to_json() == before.report.to_json()
    pd.testing.assert_frame_equal(with_none.series, before.series)
    assert server.requests == []


def test_recent_days_come_from_the_forecast_api_with_past_days() -> None:
    places = [Place.of(51.52, -0.13)]
    recent = openmeteo.build_request(places, date(2026, 11, 27), date(2026, 11, 27), date(2026, 11, 30))
    assert recent.url.endswith("/v1/forecast") and recent.params["past_days"] == "3"
    assert recent.params["forecast_days"] == "1" and "start_date" not in recent.params
    old = openmeteo.build_request(places, date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 30), "http://h:1")
    assert old.url == "http://h:1/v1/archive" and old.params["start_date"] == "2026-11-20"
    assert recent.params["latitude"] == "51.5" and recent.params["longitude"] == "-0.1"


def test_the_forecast_answer_is_parsed_like_the_archive(server, activities, tmp_path) -> None:
    activity = activities[GPS_ONLY]
    start = pd.to_datetime(activity.records["timestamp"], utc=True).min()
    server.today = start.date()  # the server lives on the activity's day
    config = config_for(tmp_path, server.url)
    samples = weather_for_activity(activity, config.weather, config.data_dir, now=start.to_pydatetime())
    assert server.requests[0][0] == "/v1/forecast" and samples.usable
    assert "forecast" in samples.provider
    np.testing.assert_allclose(samples.frame["weather_temperature_c"],
                               [temperature_at(t) for t in _epoch_s(activity.records)], atol=0.01)


def test_weather_config_keys() -> None:
    assert parse_config({}).weather.provider == "none"  # positions leave the machine only when turned on
    with pytest.raises(ConfigError, match="weather.provider"):
        parse_config({"weather": {"provider": "darksky"}})
    with pytest.raises(ConfigError, match="weather.timeout_s"):
        parse_config({"weather": {"timeout_s": 0}})
    with pytest.raises(ConfigError, match="weather.base_url"):
        parse_config({"weather": {"base_url": "ftp://x"}})


def test_an_unusable_cache_leaves_a_note_and_the_estimate_goes_on(server, activities, tmp_path) -> None:
    config = config_for(tmp_path, server.url)
    config.data_dir.mkdir(parents=True)
    (config.data_dir / "catalog.sqlite").write_bytes(b"not a database at all" * 100)
    samples = weather_for_activity(activities[ROAD], config.weather, config.data_dir)
    assert not samples.usable and any("weather cache unusable" in n for n in samples.notes)
    assert analyse_activity(activities[ROAD], config, weather=samples).report.environment.source == "device"


def test_ride_says_on_the_terminal_when_the_weather_service_let_it_down(server, activities, tmp_path) -> None:
    """A user with ``provider: open-meteo`` and no internet got an ordinary answer from ``sweatline
    ride``: only the report's notes said the weather was not used. The command now prints it among
    its warnings (stderr, exit 0); a served answer, an indoor file and ``provider: none`` print none."""
    import os
    import subprocess

    from shared_paths import SAMPLES, SWEATLINE

    dead = config_for(tmp_path / "dead", _closed_port_url())
    done = process_activity(activities[GPS_ONLY], dead, sha256="c" * 64)
    assert done.row.environment_source != "weather"
    assert [w for w in done.warnings if w.startswith("weather: ")] == [
        "weather: Open-Meteo weather not used: unreachable (ConnectError); weather from the next source"]
    served = process_activity(activities[GPS_ONLY], config_for(tmp_path / "ok", server.url), sha256="d" * 64)
    indoor = process_activity(activities[TRAINER], config_for(tmp_path / "indoor", _closed_port_url()), sha256="e" * 64)
    for fine in (served, indoor):
        assert not any(w.startswith("weather: ") for w in fine.warnings), fine.warnings

    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {tmp_path / 'inbox'}\ndata_dir: {tmp_path / 'data'}\n"
                      f"weather: {{provider: open-meteo, timeout_s: 1, base_url: '{_closed_port_url()}'}}\n")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["SWEATLINE_RIDE_VIA"] = "local"
    out = subprocess.run([str(SWEATLINE), "ride", str(SAMPLES / GPS_ONLY), "--config", str(config)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (f"{SAMPLES / GPS_ONLY}: warning: weather: Open-Meteo weather not used: unreachable (ConnectError); "
            "weather from the next source") in out.stderr.splitlines()
