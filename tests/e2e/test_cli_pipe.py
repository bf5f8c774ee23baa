"""A reader that stops early (`sweatline plan … | head -1`) is not an error (fresh-user trial)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from shared_paths import SWEATLINE


def test_output_piped_into_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    (tmp_path / "inbox").mkdir()
    # a shell's `| head -1` once head has exited: the reading end is closed before sweatline writes
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([str(SWEATLINE), "plan", "--sport", "running", "--duration", "2h", "--speed", "12",
                               "--config", str(config)], stdout=write_end, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write_end)
    err = proc.stderr
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"internal error" not in err and b"BrokenPipe" not in err
