"""Whether a process recorded earlier is still running: its pid, host and the kernel's start time
(Linux ``/proc/PID/stat``), so a reused pid is not taken for the original. Standard library only."""
from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any


def process_start(pid: int) -> str | None:
    """The kernel's start time of process ``pid`` (Linux ``/proc/PID/stat`` field 22, in clock ticks
    since boot), telling a reused pid from the original; None where there is no ``/proc``."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def this_process() -> dict[str, Any]:
    """What identifies the running process: ``pid``, ``host``, ``pid_start`` (:func:`process_start`)."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "pid_start": process_start(pid)}


def alive(pid: int, pid_start: str | None) -> bool:
    """Whether process ``pid`` of this host still runs and is the one that started at ``pid_start``
    (None: not checked). Someone else's process counts as running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        pass
    except (OverflowError, ValueError, OSError):
        return False
    return pid_start is None or process_start(pid) in (None, pid_start)
