"""The README's command that triggers the nightly deployment works as written from a new shell:
no activated environment, a bare ``PATH``, the project folder as working directory, only the
server's port changed to the test server's."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from flow_support import PROJECT, write_config

README_PORT_URL = "http://127.0.0.1:4200/api"


def _readme_line(pattern: str) -> str:
    lines = [line for line in (PROJECT / "README.md").read_text().splitlines() if re.search(pattern, line)]
    assert len(lines) == 1, lines
    return lines[0]


def test_the_readme_nightly_trigger_runs_in_a_fresh_shell(prefect_api: str, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.serving import build_deployments
    from pipeline.core.config import load_config

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = load_config(write_config(tmp_path, inbox, tmp_path / "data"))
    with temporary_settings(updates={PREFECT_API_URL: prefect_api}):
        build_deployments(config)[0].apply()  # what `sweatline serve` creates
    line = _readme_line(r"deployment run 'nightly/nightly'")
    assert README_PORT_URL in line
    bash = shutil.which("bash") or "/bin/bash"
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", bash, "--noprofile", "--norc", "-c",
                           line.replace(README_PORT_URL, prefect_api)],
                          cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Created flow run" in done.stdout, done.stdout
