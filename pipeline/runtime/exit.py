"""Ending a command's process: its helper processes first, then at once when nothing is left to
write, or with the interpreter's normal clean-up when a library needs it. Standard library only.

A successful command that imported no library with exit-time work ends without the interpreter's
clean-up (freeing every module and object) once stdout and stderr are flushed: the command has
returned, its catalog connections are closed and its files renamed into place. Prefect's API log
handler and services flush at interpreter exit, so a process that imported Prefect exits normally.
"""
from __future__ import annotations

import os
import sys
from typing import NoReturn


def stop_helpers() -> None:
    """End the guard's forkserver (:mod:`pipeline.runtime.forkserver`) if this process started it."""
    forkserver = sys.modules.get("pipeline.runtime.forkserver")
    if forkserver is not None:
        forkserver.stop()


def flush_and_exit(code: int) -> NoReturn:
    """End the process now with ``code``, stdout and stderr flushed first."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def exit_now_if_safe() -> None:
    """End a successful command now (status 0), stdout and stderr flushed, unless Prefect was
    imported (then return, and the interpreter exits normally). A reader of stdout that has gone
    (``| head``) is not an error: nothing is left to say to it."""
    if "prefect" in sys.modules:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        stdout_to_devnull()
    except ValueError:
        return  # a closed stream: let the normal exit report it
    os._exit(0)


def stdout_to_devnull() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush after a broken pipe raises
    nothing (the recipe of Python's documentation, "Note on SIGPIPE", in the signal module)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
