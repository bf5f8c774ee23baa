"""Fixtures of the ingest tests: decoded samples (each decoded once per session) and the real CLI."""
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
