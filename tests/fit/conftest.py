"""Fixtures of the ingest tests: decoded samples (each decoded once per session), the real CLI, and
the same command line in this process."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from fit_helpers import CONFIG, SWEATLINE


@pytest.fixture(scope="session")
def cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    (root / "inbox").mkdir()
    (root / "data").mkdir()
    path = root / "sweatline.yaml"
    path.write_text(CONFIG.format(inbox=root / "inbox", data=root / "data"))
    return path


@pytest.fixture(scope="session")
def ride(cli_config: Path):
    """Run the installed ``sweatline ride FILE --json`` as a user would."""
    assert SWEATLINE.exists(), f"the sweatline command is expected beside {SWEATLINE.parent / 'python'}"

    def _ride(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(SWEATLINE), "ride", str(path), "--json", "--config", str(cli_config), *extra],
                              capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    return _ride


@pytest.fixture(scope="session")
def ride_here(cli_config: Path):
    """``sweatline ride FILE --json`` with the ``ride`` fixture's config, in this process
    (:func:`cli_support.run_cli`): for tests of what the report says. The process contract over the
    same files (exit codes, one stderr line, no traceback) is the ``ride`` fixture's."""
    from cli_support import run_cli

    def _ride(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        return run_cli("ride", str(path), "--json", *extra, config=cli_config)
    return _ride
