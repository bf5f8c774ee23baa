"""Ctrl-C during a backfill (a user's report): the terminal sends SIGINT to the whole process group,
the nightly, its Prefect temporary server and the guard's processes alike. The command stops
within seconds with one line and exit 130, leaves nothing running, keeps every file it finished,
and the next run does the rest, nothing twice.

Measured before the fix, by a user on 63 files: 2½ minutes to stop, Prefect's crash report
retried against the server the same Ctrl-C had stopped, two tracebacks, "internal error", exit 1.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flow_support import write_config
from shared_paths import SWEATLINE
from waits import scaled

from pipeline.store.catalog import Catalog
from tools.fitwriter import DeviceSpec, RecordSample, encode_activity, write

FILES = 20


def _write_inbox(inbox: Path) -> None:
    """``FILES`` distinct 10-minute rides (each its own device serial and start)."""
    inbox.mkdir()
    for k in range(FILES):
        start = datetime(2026, 3, 1, 7, tzinfo=timezone.utc) + timedelta(days=k)
        samples = [RecordSample(timestamp=start + timedelta(seconds=i), distance_m=8.0 * i, speed_m_per_s=8.0,
                                heart_rate_bpm=135 + i % 20, power_w=190 + i % 40, cadence_rpm=88)
                   for i in range(600)]
        write(inbox / f"ride-{k:02d}.fit", encode_activity(samples, sport="cycling",
                                                         device=DeviceSpec(manufacturer="garmin", serial_number=5000 + k)))


def _committed(data: Path) -> int:
    """Activities in the catalog so far (read-only; 0 before it exists or while it is being made)."""
    path = data / "catalog.sqlite"
    if not path.is_file():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM activities").fetchone()[0])
    except sqlite3.Error:
        return 0


def _session_processes(sid: int) -> list[str]:
    """Command lines of the live processes of session ``sid`` (zombies left out)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[-1].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, ValueError, IndexError):
            continue
    return found


@pytest.mark.slow(reason="two real nightlies over 20 files, one interrupted with its Prefect server: about half a minute")
def test_ctrl_c_stops_a_backfill_within_seconds_with_one_line_and_loses_nothing(tmp_path: Path,
                                                                                prefect_env: dict[str, str]) -> None:
    """The interrupted run starts its own temporary Prefect server, as a user's nightly does, so the
    Ctrl-C reaches that server too; the next run, whose question is what the data directory kept,
    talks to the session's server."""
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    _write_inbox(inbox)
    config = write_config(tmp_path, inbox, data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    proc = subprocess.Popen([str(SWEATLINE), "nightly", "--config", str(config)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, start_new_session=True,
                            env=env)
    deadline = time.monotonic() + scaled(300)
    while time.monotonic() < deadline and proc.poll() is None:  # some files committed, the rest still to do
        if _committed(data) >= 3:
            break
        time.sleep(0.1)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    allowed_s = scaled(20)  # the command gives the run 5 s to stop, then ends: 20 s on a quiet machine
    interrupted_at = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    out, err = proc.communicate(timeout=scaled(120))
    stopped_s = time.monotonic() - interrupted_at
    assert proc.returncode == 130, err[-3000:]
    assert stopped_s < allowed_s, (stopped_s, allowed_s)
    assert err.rstrip("\n").splitlines()[-1] == ("sweatline: interrupted; what was finished is kept "
                                                  "(run the command again to go on)")
    assert "Traceback" not in err and "internal error" not in err, err[-3000:]
    time.sleep(1)
    assert _session_processes(proc.pid) == []  # no guard child, forkserver or Prefect server left
    with Catalog(data) as catalog:
        kept = len(catalog.activities())
        assert [run.state for run in catalog.runs("nightly")] == ["failed"]
    assert 3 <= kept < FILES

    again = subprocess.run([str(SWEATLINE), "nightly", "--config", str(config)], capture_output=True, text=True,
                           timeout=600, env=prefect_env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.startswith(f"processed {FILES - kept}, skipped {kept},")
    with Catalog(data) as catalog:
        ids = [a.id for a in catalog.activities()]
    assert len(ids) == len(set(ids)) == FILES


SLOW_TO_STOP = """
import os, signal, sys, time
from flows.cli.nightly import stopping_at_ctrl_c, terminal_progress
from pipeline.runtime.progress import report_progress

with stopping_at_ctrl_c(), terminal_progress():
    for done in range(1, 4):
        report_progress(done, 10, f"file-{done}.fit")
    time.sleep(0.5)  # drawn
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
    except KeyboardInterrupt:
        pass  # a run slow to stop: it goes on reporting
    for done in range(4, 8):
        report_progress(done, 10, f"file-{done}.fit")
        time.sleep(0.3)
    time.sleep(30)  # never stops by itself: the grace period ends the process
"""


def test_ctrl_c_clears_the_progress_bar_at_once_and_gives_the_terminal_back() -> None:
    """A user's terminal after Ctrl-C: the bar redrawn about 20 times below the "interrupted" line
    while the run stopped, never cleared, the cursor left hidden and ``?25h`` printed as text. Here a
    run that does not stop is interrupted on a real pty: the bar is cleared at the Ctrl-C and never
    drawn again, the cursor is shown, the one line is the last thing written, exit 130 after the grace."""
    import pty
    import sys

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_TO_STOP], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=slave)
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the pty closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    assert proc.wait(timeout=60) == 130
    os.close(master)
    text = drawn.decode(errors="replace")
    line = "sweatline: interrupted; what was finished is kept (run the command again to go on)"
    assert "nightly" in text and line in text  # a bar was drawn, the line was said
    after = text[text.index(line) + len(line):]
    assert "nightly" not in after and "file-" not in after  # not drawn again below the line
    assert text.rfind("\x1b[?25h") > text.rfind("\x1b[?25l")  # the cursor shown again
    assert "?25h" not in text.replace("\x1b[?25h", "")  # never printed as text
