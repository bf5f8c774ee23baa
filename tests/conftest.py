"""Shared fixtures: the shared FIT samples and an isolated Prefect home for every test session."""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pytest
from shared_paths import PROJECT, SAMPLES  # noqa: F401

# Prefect state never touches the developer's ~/.prefect (PrefectHQ/examples internal/tests/conftest.py).
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="sweatline-test-prefect-")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def manifest_rows() -> list[dict[str, str]]:
    """The rows of ../shared/fit-samples/MANIFEST.csv (independent-decoder reference values)."""
    with open(SAMPLES / "MANIFEST.csv", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def samples() -> Path:
    assert SAMPLES.is_dir(), f"the shared FIT samples are expected at {SAMPLES}"
    return SAMPLES


@pytest.fixture
def write_config(tmp_path: Path):
    """Write a config YAML into tmp_path and return its path."""
    def _write(text: str) -> Path:
        path = tmp_path / "sweatline.yaml"
        path.write_text(text)
        return path
    return _write


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow(reason): starts a real Prefect server or a browser; `make test` runs "
                                       "it, `pytest -m 'not slow'` leaves it out for a quick edit-test loop")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the session's real Prefect server (``prefect_api``) is slow, and says why."""
    for item in items:
        if "prefect_api" in getattr(item, "fixturenames", ()) and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow(reason="runs flows against a real Prefect server"))


@pytest.fixture(autouse=True)
def _weather_stays_local(monkeypatch: pytest.MonkeyPatch):
    """The suite never reaches the internet: the weather room may only talk to a test server on
    127.0.0.1, and every test starts with no remembered outage."""
    from urllib.parse import urlparse

    from pipeline.weather import openmeteo, service

    real_get = openmeteo._get

    def local_only(url, params, timeout_s, deadline):  # noqa: ANN001, ANN202
        assert urlparse(url).hostname == "127.0.0.1", f"a test tried to reach {url}: set weather.provider: none"
        return real_get(url, params, timeout_s, deadline)

    monkeypatch.setattr(openmeteo, "_get", local_only)
    service.forget_outages()
    yield
    service.forget_outages()
