"""Shared fixtures: the shared FIT samples, an isolated Prefect home for every test session, one real
Prefect server per session (per xdist worker), inboxes of real samples."""
from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flow_support import build_inbox
from flow_support import write_config as write_flow_config
from shared_paths import PROJECT, SAMPLES  # noqa: F401
from waits import scaled

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
    assert SAMPLES.is_dir(), (f"the shared FIT samples are expected at {SAMPLES}: put the shared folder beside "
                              "the clone, or name it in SWEATLINE_SHARED")
    return SAMPLES


@pytest.fixture
def config_file(tmp_path: Path):
    """Make a config (athlete, ``units``, the nightly's zone) with its inbox and data under tmp_path;
    returns its path."""
    def make(units: str = "metric", timezone: str = "UTC") -> Path:
        path = tmp_path / f"sweatline-{units}-{timezone.replace('/', '-')}.yaml"
        path.write_text(f"inbox: {tmp_path / 'inbox'}\ndata_dir: {tmp_path / 'data'}\n"
                        f'nightly: {{cron: "0 3 * * *", timezone: "{timezone}"}}\n'
                        "athlete: {name: test, body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n"
                        f"units: {units}\n")
        (tmp_path / "inbox").mkdir(exist_ok=True)
        return path
    return make


@pytest.fixture
def write_config(tmp_path: Path):
    """Write a config YAML into tmp_path and return its path."""
    def _write(text: str) -> Path:
        path = tmp_path / "sweatline.yaml"
        path.write_text(text)
        return path
    return _write


def pytest_sessionstart(session: pytest.Session) -> None:
    """Without the shared FIT files most tests cannot run: say so in one line before any starts."""
    if not SAMPLES.is_dir():
        pytest.exit(f"the shared FIT samples are expected at {SAMPLES}: put the shared folder beside the clone "
                    "(../shared), or name it in SWEATLINE_SHARED", returncode=4)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow(reason): starts a real Prefect server or a browser; `make test` runs "
                                       "it, `pytest -m 'not slow'` leaves it out for a quick edit-test loop")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the session's real Prefect server (``prefect_api``) is slow, and says why.

    Slow tests come first, the rest in file order after them: on two workers (``make test``, which
    hands out whole files in this order) the long process and server tests then run beside the many
    short ones, instead of one of them starting last while the other worker has nothing left to do."""
    for item in items:
        if "prefect_api" in getattr(item, "fixturenames", ()) and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow(reason="runs flows against a real Prefect server"))
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _weather_stays_local(monkeypatch: pytest.MonkeyPatch):
    """The suite never reaches the internet: every weather provider goes out through the room's one
    door (pipeline.weather.http), every source through its own (pipeline.sources.http), which may
    only talk to a test server on 127.0.0.1; and every test
    starts with no remembered outage."""
    from urllib.parse import urlparse

    from pipeline.weather import http, service

    real_get = http.http_get

    def local_only(url, params, timeout_s, deadline):  # noqa: ANN001, ANN202
        assert urlparse(url).hostname == "127.0.0.1", f"a test tried to reach {url}: set weather.provider: none"
        return real_get(url, params, timeout_s, deadline)

    monkeypatch.setattr(http, "http_get", local_only)
    from pipeline.sources import http as sources_http

    real_source_get = sources_http.get

    def source_local_only(url, **kwargs):  # noqa: ANN001, ANN003, ANN202
        assert urlparse(url).hostname == "127.0.0.1", f"a test tried to reach {url}: point the source's base_url at a test server"
        return real_source_get(url, **kwargs)

    monkeypatch.setattr(sources_http, "get", source_local_only)
    service.forget_outages()
    yield
    service.forget_outages()


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """A real Prefect server for the whole session (one per xdist worker, Prefect's own
    ``prefect_test_harness``: a server subprocess on a free port with a temporary SQLite database);
    yields its API URL. In this process flows run against it; a ``sweatline`` subprocess uses it
    when given ``PREFECT_API_URL`` (:func:`prefect_env`) instead of starting Prefect's temporary server."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=int(scaled(120))):  # minutes at load 15
        yield PREFECT_API_URL.value()


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Prefect tasks retried on I/O errors (``flows.tasks``) retry at once in this process: a test
    of what is retried, how often and what then fails need not sleep through the product's delays
    between tries (a test in ``tests/flows/test_nightly.py`` holds those delays to what the README says)."""
    import flows.tasks as tasks

    for retried in (tasks.hash_files, tasks.process_file_task, tasks.write_digest_task, tasks.process_ride):
        monkeypatch.setattr(retried, "retry_delay_seconds", [0, 0])


@pytest.fixture
def prefect_env(prefect_api: str) -> dict[str, str]:
    """The environment for a ``sweatline`` subprocess that talks to the session's Prefect server."""
    return {**os.environ, "PREFECT_API_URL": prefect_api}


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(config path, inbox, data_dir) with the mixed inbox of :func:`flow_support.build_inbox`."""
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    build_inbox(inbox)
    return write_flow_config(tmp_path, inbox, data), inbox, data
