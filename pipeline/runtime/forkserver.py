"""The forkserver the guard's children are forked from (:mod:`pipeline.runtime.guard`), and starting it early.

The forkserver is one interpreter that imports the pipeline once (:data:`PRELOAD`: pandas, pyarrow,
the decoders, the report templates; 1.2–1.7 s on this project's 2-processor test machine) and then
forks a child per guarded call, which starts with all of that loaded.

Standard library only, so a command can start it before importing anything of its own:
``sweatline ride`` calls :func:`start_early` right after parsing its command line, and the
forkserver's imports run on another processor while the command loads its config and looks in the
catalog (about 0.4 s of imports of its own: pydantic, the config's models). Whether the file is new
is only known after that; when no child was forked from it in the end (the stored answer, a refused
command line), :func:`stop_if_unused` ends it at once instead of leaving it importing for nothing.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from typing import Any

PRELOAD: list[str] = ["pipeline.runtime.forkserver_init"]
"""Modules the forkserver imports once, so each child starts with them loaded (a fork, not an
import); a name that does not import is skipped by the forkserver. First
:mod:`pipeline.runtime.forkserver_init`: the forkserver and its children ignore SIGINT (the command
that started them handles a Ctrl-C and ends them). The modules the children's work needs are added
by whoever sends that work (:func:`add_preload`), so this module names no domain module."""


def add_preload(names: list[str]) -> None:
    """Append ``names`` (module names, in import order) to :data:`PRELOAD`, once each. Takes effect
    for a forkserver not started yet (the running one keeps what it imported)."""
    for name in names:
        if name not in PRELOAD:
            PRELOAD.append(name)
    if _CONTEXT is not None and _CONTEXT.get_start_method() == "forkserver":
        _CONTEXT.set_forkserver_preload(PRELOAD)


_CONTEXT: multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext | None = None
_STATE_LOCK = threading.Lock()
_EARLY_PID: int | None = None  # the forkserver start_early() started, while no child was forked from it


def context() -> multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext:
    """The forkserver context (preloaded with :data:`PRELOAD`); spawn where there is none."""
    global _CONTEXT
    if _CONTEXT is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            forkserver_ctx = multiprocessing.get_context("forkserver")
            forkserver_ctx.set_forkserver_preload(PRELOAD)
            _CONTEXT = forkserver_ctx
        else:  # pragma: no cover - not Linux/macOS
            _CONTEXT = multiprocessing.get_context("spawn")
    return _CONTEXT


def guard_process() -> type[multiprocessing.process.BaseProcess]:
    """How the child starts: :class:`GuardProcess` from the preloaded forkserver. Not a plain
    ``fork`` of the caller: Prefect and Dask run threads, and the address-space limit would count
    whatever the caller happens to map (a fork of a big process fails on its first allocation)."""
    ctx = context()
    if ctx.get_start_method() == "forkserver":
        return GuardProcess
    return ctx.Process  # pragma: no cover


def _server() -> Any:
    from multiprocessing import forkserver

    return getattr(forkserver, "_forkserver", None)


def start_early() -> None:
    """Start the forkserver now, unless it runs already; returns at once (its imports go on in it).

    Raises nothing: where it cannot start (no forkserver on this platform, no process to spare),
    the guard starts it when it first needs it, as without this call."""
    global _EARLY_PID
    if context().get_start_method() != "forkserver":  # pragma: no cover - not Linux/macOS
        return
    server = _server()
    before = getattr(server, "_forkserver_pid", None)
    try:
        from multiprocessing import forkserver

        forkserver.ensure_running()
    except OSError:  # pragma: no cover - e.g. out of processes: the guard tries again, and says why
        return
    pid = getattr(server, "_forkserver_pid", None)
    with _STATE_LOCK:
        _EARLY_PID = pid if pid is not None and pid != before else None


def stop_if_unused() -> None:
    """End the forkserver :func:`start_early` started, if no child was forked from it since (it may
    still be importing :data:`PRELOAD`: SIGKILL, then multiprocessing's own stop, which reaps it). A
    later guarded call starts a new one."""
    global _EARLY_PID
    with _STATE_LOCK:
        pid, _EARLY_PID = _EARLY_PID, None
    server = _server()
    if pid is not None and server is not None and getattr(server, "_forkserver_pid", None) == pid:
        _kill(server, pid)


def _kill(server: Any, pid: int) -> None:
    """SIGKILL the forkserver ``pid``, then multiprocessing's own stop of ``server``: it closes the
    "alive" pipe, waits for (reaps) the killed server and forgets its socket."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # pragma: no cover - it had ended already (a zombie: still reaped below)
        pass
    try:
        server._stop()
    except OSError:  # pragma: no cover - reaped elsewhere, or its socket file already gone
        pass


def stop() -> None:
    """End, now, the forkserver and multiprocessing's resource tracker this process started; for the
    end of a command (the console script: :func:`flows.cli.main`), when nothing will be forked again.

    Left to themselves they outlive the command: the forkserver notices the command has gone and
    then runs its interpreter's exit clean-up over pandas, pyarrow and the rest (0.3–0.7 s at up to
    90 % of a processor: a user saw it in ``ps`` after ``sweatline ride`` returned), and both stay
    zombies until the system reaps them. The forkserver holds nothing of value: SIGKILL, and
    reaped here. The tracker is asked to end (its pipe closed) and waited for, so it still cleans
    up whatever was left registered with it. Raises nothing."""
    server = _server()
    pid = getattr(server, "_forkserver_pid", None)
    if pid is not None:
        _kill(server, pid)
    from multiprocessing import resource_tracker

    tracker = getattr(resource_tracker, "_resource_tracker", None)
    if tracker is not None and getattr(tracker, "_pid", None) is not None:
        try:
            tracker._stop()
        except (OSError, RuntimeError):  # pragma: no cover - ChildProcessError (reaped elsewhere), a reentrant call
            pass


def _forked() -> None:
    """A child was forked from the forkserver: it is in use, :func:`stop_if_unused` leaves it."""
    global _EARLY_PID
    with _STATE_LOCK:
        _EARLY_PID = None


try:
    from multiprocessing import popen_forkserver
    from multiprocessing.context import ForkServerProcess
except ImportError:  # pragma: no cover - no forkserver on this platform
    pass
else:
    class _ForkserverPopen(popen_forkserver.Popen):
        _fds: list[int]  # set by popen_forkserver.Popen.__init__ (typeshed leaves the private attribute out)

        def _launch(self, process_obj: Any) -> None:
            # popen_forkserver.Popen._launch of CPython 3.11-3.13 (identical), with the main-module keys
            # left out of the preparation data
            import io
            from multiprocessing import forkserver, spawn, util
            from multiprocessing.context import (  # type: ignore[attr-defined]  # typeshed omits context.reduction
                reduction,
                set_spawning_popen,
            )

            _forked()
            prep_data = {key: value for key, value in spawn.get_preparation_data(process_obj._name).items()
                         if not key.startswith("init_main_from")}
            buf = io.BytesIO()
            set_spawning_popen(self)
            try:
                reduction.dump(prep_data, buf)
                reduction.dump(process_obj, buf)
            finally:
                set_spawning_popen(None)
            self.sentinel, w = forkserver.connect_to_new_process(self._fds)
            _parent_w = os.dup(w)
            self.finalizer = util.Finalize(self, util.close_fds,  # type: ignore[attr-defined]  # typeshed omits util.close_fds
                                           (_parent_w, self.sentinel))
            with open(w, "wb", closefd=True) as f:
                f.write(buf.getbuffer())
            self.pid = forkserver.read_signed(self.sentinel)

    class GuardProcess(ForkServerProcess):
        """A forkserver ``Process`` whose child does not re-run the caller's ``__main__``
        (multiprocessing's default for forkserver/spawn children: the ``sweatline`` script, pytest,
        ``prefect.engine`` or a Dask worker's main — an import per file, for nothing: the child
        needs only :data:`PRELOAD` and the pickled function)."""

        @staticmethod
        def _Popen(process_obj: Any) -> Any:
            return _ForkserverPopen(process_obj)
