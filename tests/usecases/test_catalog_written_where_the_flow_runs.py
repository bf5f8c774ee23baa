"""The reader of a file (the guard's child; on a cluster, a Dask worker) writes nothing to
``catalog.sqlite``: a smart scale's readings and the weather hours the provider answered come back
in the file's outcome and are kept when the outcome is committed, where the flow runs.

Each variant reads real files in a real guarded child process against a real HTTP server that
answers like Open-Meteo, then compares the catalog's bytes before and after the child."""
from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_open_meteo import FakeOpenMeteo
from shared_paths import SAMPLES

from pipeline.core.config import parse_config
from pipeline.store.catalog import Catalog
from pipeline.store.weighins import WeighIns
from pipeline.usecases.commit import record_outcome
from pipeline.usecases.guarded import process_file_guarded
from tools.fitwriter import WeightSample, encode_weight_scale, write

ROAD = SAMPLES / "stages-dashl50-cycling-34min-road.fit"        # GPS outdoors: the weather is asked for
TRAINER = SAMPLES / "garmin-edge800-cycling-38min-indoor-trainer.fit"  # indoors: nothing asked


def _catalog_bytes(data: Path) -> dict[str, str]:
    """SHA-256 of the catalog's database and write-ahead log (the ``-shm`` index is shared memory
    that any reader maps, and an empty log, which a reader may open, holds no data)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(data.glob("catalog.sqlite*"))
            if not p.name.endswith("-shm") and p.stat().st_size > 0}


def _scale_file(path: Path) -> Path:
    start = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
    write(path, encode_weight_scale([WeightSample(start, 70.6), WeightSample(start + timedelta(hours=2), 69.4)]))
    return path


def _rows(data: Path, table: str) -> int:
    conn = sqlite3.connect(data / "catalog.sqlite")
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def server():
    with FakeOpenMeteo() as fake:
        yield fake


def _config(tmp_path: Path, url: str):
    return parse_config({"data_dir": str(tmp_path / "data"), "inbox": str(tmp_path / "inbox"),
                         "weather": {"provider": "open-meteo", "timeout_s": 5, "cache": True, "base_url": url},
                         "athlete": {"body_mass_kg": 70, "height_cm": 175, "sex": "male", "age": 35}})


@pytest.mark.parametrize("catalog_before", ["absent", "present"])
def test_the_reader_writes_nothing_and_the_commit_keeps_scale_and_weather(
        tmp_path: Path, server: FakeOpenMeteo, catalog_before: str) -> None:
    config = _config(tmp_path, server.url)
    data = Path(config.data_dir)
    if catalog_before == "present":  # an earlier night committed an indoor ride: the catalog exists, WAL and all
        with Catalog(data) as catalog:
            record_outcome(catalog, process_file_guarded(TRAINER, config))
    before = _catalog_bytes(data) if data.exists() else {}
    scale = process_file_guarded(_scale_file(tmp_path / "scale.fit"), config)
    ride = process_file_guarded(ROAD, config)
    assert len(server.requests) == 1  # the ride's weather was asked for, in the child
    after = _catalog_bytes(data) if data.exists() else {}
    assert after == before  # absent stays absent; present is not changed by a byte
    assert [(r.weight_kg) for r in scale.scale_readings] == [70.6, 69.4]
    (processed,) = ride.activities
    assert processed.weather_provider == "open-meteo" and processed.weather_hours
    with Catalog(data) as catalog:
        record_outcome(catalog, scale)
        record_outcome(catalog, ride)
        assert sorted(r.weight_kg for r in WeighIns(catalog).scale_readings()) == [69.4, 70.6]
    assert _rows(data, "weather_hours") == len({(h.place, h.hour) for h in processed.weather_hours})
    again = process_file_guarded(ROAD, config)  # the next reader finds the hours kept where the flow ran
    assert len(server.requests) == 1 and not again.activities[0].weather_hours


def test_cache_off_returns_no_hours_to_keep(tmp_path: Path, server: FakeOpenMeteo) -> None:
    config = _config(tmp_path, server.url)
    config = config.model_copy(update={"weather": config.weather.model_copy(update={"cache": False})})
    outcome = process_file_guarded(ROAD, config)
    assert len(server.requests) == 1 and outcome.activities[0].weather_hours == []
    with Catalog(config.data_dir) as catalog:
        record_outcome(catalog, outcome)
    assert _rows(Path(config.data_dir), "sqlite_master WHERE name = 'weather_hours'") == 0
