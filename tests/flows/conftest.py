"""Fixtures for the flow tests: one real Prefect server for the session, inboxes of real samples."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flow_support import build_inbox, write_config


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """A real Prefect server for the whole session; yields its API URL."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(config path, inbox, data_dir) with the mixed inbox of :func:`build_inbox`."""
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    build_inbox(inbox)
    return write_config(tmp_path, inbox, data), inbox, data
