"""``sweatline ride`` starts the guard's forkserver before loading its config (
:mod:`pipeline.runtime.forkserver`), and leaves nothing running when no file needed it.

Each case runs the command line in a fresh interpreter, as the console script does, and looks at
that interpreter's own child processes (``/proc/<pid>/task/*/children``) right after the command
returned, before the interpreter exits."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from flow_support import write_config
from shared_paths import SAMPLES

RIDE = SAMPLES / "garmin-fr955-walking-5min-hrm-plugin.fit"

_PROBE = """
import json, os, sys, time
from pathlib import Path
from multiprocessing import forkserver

started = {}
import pipeline.runtime.forkserver as gs
_original = gs.start_early
def _spy():
    started['config_loaded_first'] = 'pipeline.core.config' in sys.modules
    _original()
    started['pid'] = forkserver._forkserver._forkserver_pid
gs.start_early = _spy

from flows.cli import _main
code = _main(sys.argv[1:])

def _children():
    kids = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        kids += (task / "children").read_text().split()
    alive = []
    for pid in kids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(bytes(1), b" ").decode()
        except OSError:
            continue
        if state != "Z":
            alive.append(cmdline)
    return alive

print(json.dumps({"code": code, "started": started,
                  "server_pid": forkserver._forkserver._forkserver_pid,
                  "forkservers": [c for c in _children() if "multiprocessing.forkserver" in c]}))
"""


def _ride(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE, "ride", *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_new_file_is_read_by_the_server_started_before_the_config(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = write_config(tmp_path, inbox, tmp_path / "data")
    seen = _ride(str(RIDE), "--json", "--config", str(config))
    assert seen["code"] == 0
    assert seen["started"]["config_loaded_first"] is False  # started before the config's models were imported
    assert seen["started"]["pid"] is not None
    assert seen["server_pid"] == seen["started"]["pid"]  # the same server forked the file's child: kept, as in use
    assert len(list((tmp_path / "data" / "reports").rglob("report.json"))) == 1


def test_a_stored_answer_ends_the_early_server_at_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = write_config(tmp_path, inbox, tmp_path / "data")
    assert _ride(str(RIDE), "--json", "--config", str(config))["code"] == 0
    again = _ride(str(RIDE), "--json", "--config", str(config))
    assert again["code"] == 0
    assert again["started"]["pid"] is not None  # it was started, not knowing the answer was stored
    assert again["server_pid"] is None  # and stopped when the command returned
    assert again["forkservers"] == []  # nothing of it left running (killed and reaped, not a zombie)


def test_a_refused_ride_leaves_no_server_behind(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = write_config(tmp_path, inbox, tmp_path / "data")
    for args in ([str(tmp_path / "missing.fit"), "--config", str(config)],  # no such file
                 [str(RIDE), "--config", str(tmp_path / "no-config.yaml")]):  # no such config
        seen = _ride(*args)
        assert seen["code"] == 2
        assert seen["server_pid"] is None
        assert seen["forkservers"] == []


def _session_leftovers(sid: int) -> list[str]:
    """Every process of session ``sid`` still in the process table: running, or a zombie nobody reaped."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
            if int(fields[3]) == sid:
                found.append(f"{fields[0]} " + (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_the_command_leaves_no_process_behind_when_it_returns(tmp_path: Path) -> None:
    """A user ran ``ps`` right after ``sweatline ride`` returned and found the forkserver still busy
    (its interpreter freeing pandas and the rest, parent 1) and zombies. The console script, in a
    session of its own, for a new file, the stored answer and a refused file: the moment it has
    returned, nothing of that session is left, not even a zombie."""
    from shared_paths import SWEATLINE

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = write_config(tmp_path, inbox, tmp_path / "data")
    text = tmp_path / "notes.fit"
    text.write_text("not a FIT file")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["SWEATLINE_RIDE_VIA"] = "local"
    for path, code in ((RIDE, 0), (RIDE, 0), (text, 2)):  # new, stored, refused in the guarded child
        proc = subprocess.Popen([str(SWEATLINE), "ride", str(path), "--config", str(config)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        _, err = proc.communicate(timeout=120)
        left = _session_leftovers(proc.pid)
        assert proc.returncode == code, err[-2000:]
        assert left == [], left
