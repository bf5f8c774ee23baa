"""A guard per file: each file is read, estimated and reported in its own worker process,
under a wall-time limit and an address-space limit, so no file can stall or exhaust the night.

:func:`process_file_guarded` is :func:`pipeline.usecases.ingest.process_file` run in a child process:

* the child is forked from a *forkserver* (:mod:`multiprocessing`) that imported the pipeline
  once (:data:`pipeline.runtime.forkserver.PRELOAD`), so a child costs a fork (milliseconds) and not an interpreter start
  (pandas, pyarrow, fitparse: seconds), and it is forked from a single-threaded server, never
  from the caller — forking a process that runs threads (Prefect's, Dask's) can copy a lock
  some other thread holds and hang the child;
* the child sets ``RLIMIT_AS`` (its address space) to ``limits.file_memory_mb`` (or to the lower
  hard limit the machine already sets: :func:`address_space_limit_bytes`) before it reads the
  file: an allocation past it fails (``MemoryError``) instead of swapping the machine;
* the caller waits at most ``limits.file_time_s`` for the answer, then kills the child
  (``SIGKILL``). Backstops for a caller that dies first: the child asks the kernel for
  ``SIGKILL`` when its parent exits (``PR_SET_PDEATHSIG``, Linux) and carries ``RLIMIT_CPU``
  of twice the time limit plus 10 s;
* the answer (a :class:`~pipeline.usecases.outcome.FileOutcome`, pydantic: picklable) comes back over a
  pipe; the caller commits it to the catalog (:func:`pipeline.usecases.commit.record_outcome`).

A file over a limit, or whose child crashed (a segfault in a C extension), is a *rejection* with
one plain line (:func:`over_limit_outcome`) — "took longer than 300 s to
read; set aside", "needed more than 2 GB; set aside" — never retried, never a traceback, and the
night goes on. Two deaths are not verdicts: a child that had read other files first (a batch) and
died is replaced and the file read again alone, and a reader killed from outside (``SIGKILL``,
``SIGTERM``: the OOM killer, a ``kill``) is a :class:`ReaderKilled`, an ``OSError`` retried like one. An ``OSError`` in the child comes back as an ``OSError`` (the Prefect task retries
it); any other exception comes back as itself, or as a ``RuntimeError`` naming it when it does not
survive pickling.

Daemonic callers: a Dask worker (and any ``multiprocessing`` daemon) may not start children
(``AssertionError: daemonic processes are not allowed to have children`` — the rule exists so a
daemon's exit does not orphan them). The guard's children never outlive the wait (killed at the
time limit, ``PR_SET_PDEATHSIG`` when the caller dies), so :func:`_start` lifts the flag for the
one ``start()`` call, under a lock.

Running each file in its own process is also what puts every core to work: the caller only
waits, so a pool of threads each waiting on a guarded child runs that many files in parallel.
"""
from __future__ import annotations

import atexit
import contextlib
import ctypes
import multiprocessing
import multiprocessing.util
import os
import pickle
import signal
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel

from pipeline.core.config import LimitsConfig
from pipeline.runtime.forkserver import guard_process

KILL_GRACE_S = 5.0
"""How long to wait for a killed child to be reaped."""

IDLE_END_S = 60.0
"""How long a guarded child waits for more work before it ends by itself: a child kept warm between
a process's batches (:func:`reusing_children`, :func:`keep_children_warm`) serves the next batch of
the same night, and is not left holding memory on a Dask worker for the nights after it."""

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_START_LOCK = threading.Lock()


KILLED_FROM_OUTSIDE = (signal.SIGKILL, signal.SIGTERM)
"""Signals that end a reader from outside (the kernel's OOM killer, a user's or a supervisor's
``kill``): they say nothing about the file, so the file is not set aside for them."""


class ReaderKilled(OSError):
    """The reader of a file was killed from outside (:data:`KILLED_FROM_OUTSIDE`) while reading it,
    alone in a fresh child: a failure to retry, not a verdict on the file. An ``OSError``, so the
    Prefect tasks retry it as they retry I/O errors, and a night whose retries all failed counts the
    file as failed (read again the next night), never as rejected."""


class OverLimit(Exception):
    """A file that went over a guard limit or whose child crashed: ``kind`` (``too_slow``,
    ``too_big``, ``crashed``) and the one-line ``reason``. Internal to the guard: callers get a
    rejected :class:`FileOutcome`, not this exception."""

    def __init__(self, kind: str, reason: str) -> None:
        self.kind = kind
        self.reason = reason
        super().__init__(reason)


def bytes_text(n_bytes: int) -> str:
    """``2 GB``, ``512 MB`` (binary units, as the limit was given in MiB)."""
    mib = n_bytes / 2**20
    if mib >= 1024:
        gib = mib / 1024
        return f"{gib:.0f} GB" if gib == int(gib) else f"{gib:.1f} GB"
    return f"{mib:.0f} MB"


def seconds_text(seconds: float) -> str:
    """``300 s``, ``0.5 s``."""
    return f"{seconds:g} s"


def _serve(conn: Connection, memory_bytes: int, cpu_s: int) -> None:
    """In the child: set the limits, then answer each ``(fn, args_list)`` the caller sends — ``fn(*args)``
    for each of ``args_list`` in turn, ``(tag, payload)`` sent back after each — until the caller
    sends ``None`` or closes its end, or sends nothing for :data:`IDLE_END_S`. Ends after a
    ``memory`` answer (what it left behind is not trusted: the rest go to a fresh child). Before each batch the processor-time limit is raised to
    what the child has used plus ``cpu_s`` a call."""
    import resource

    try:  # the caller died: so does this child (Linux); elsewhere the CPU limit is the backstop
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover
        pass
    memory_bytes = address_space_limit_bytes(memory_bytes)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    try:
        while True:
            try:
                if not conn.poll(IDLE_END_S):  # idle: end (a caller that sends now gets a fresh child)
                    return
                work = conn.recv()
            except (EOFError, MemoryError):  # the caller is gone, or no room left for more: end
                return
            if work is None:
                return
            fn, args_list = work
            used = resource.getrusage(resource.RUSAGE_SELF)
            budget_s = int(used.ru_utime + used.ru_stime) + 1 + cpu_s * len(args_list)
            if cpu_hard != resource.RLIM_INFINITY:  # pragma: no cover - a hard limit set by the system
                budget_s = min(budget_s, cpu_hard)
            resource.setrlimit(resource.RLIMIT_CPU, (budget_s, cpu_hard))
            for args in args_list:
                try:
                    answer: tuple[str, Any] = ("ok", fn(*args))
                except MemoryError:
                    answer = ("memory", None)
                except BaseException as exc:  # handed to the caller to raise
                    answer = _failure(exc, memory_bytes)
                try:
                    conn.send(answer)
                except MemoryError:
                    answer = ("memory", None)
                    conn.send(answer)
                if answer[0] == "memory":
                    return
    finally:
        conn.close()


def address_space_limit_bytes(configured_bytes: int) -> int:
    """The address-space limit a guarded child can have: ``configured_bytes``, or the hard
    ``RLIMIT_AS`` this process already runs under when that is lower (``ulimit -v``, a container's
    or a batch system's limit). A process may lower its hard limit but never raise it
    (setrlimit(2)), so asking for more fails with ``ValueError: not allowed to raise maximum
    limit`` for every file; the machine's own limit is respected instead."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY:
        return configured_bytes
    return min(configured_bytes, int(hard))


def _failure(exc: BaseException, memory_bytes: int) -> tuple[str, Any]:
    """The child's answer for an exception: ``memory`` when it came from the address-space limit
    (a ``MemoryError`` in its chain, or a C library that reported a failed allocation otherwise —
    SQLite's "disk I/O error" — with the address space within 5 % of the limit), else the error."""
    chained: BaseException | None = exc
    seen: set[int] = set()
    while chained is not None and id(chained) not in seen:
        if isinstance(chained, MemoryError):
            return ("memory", None)
        seen.add(id(chained))
        chained = chained.__cause__ or chained.__context__
    if _peak_address_space() >= 0.95 * memory_bytes:
        return ("memory", None)
    if isinstance(exc, OSError):
        return ("oserror", (exc.errno, exc.strerror or str(exc), exc.filename))
    try:
        pickle.loads(pickle.dumps(exc))
        return ("error", exc)
    except Exception:  # an exception that does not survive pickling
        return ("error", RuntimeError(f"{type(exc).__name__}: {exc}"))


def _peak_address_space() -> int:
    """This process's peak address space in bytes (``VmPeak`` of ``/proc/self/status``; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmPeak:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _start(process: multiprocessing.process.BaseProcess) -> None:
    """``process.start()``, also from a daemonic process (a Dask worker): see the module docstring."""
    current = multiprocessing.current_process()
    with _START_LOCK:
        config: dict[str, Any] = current._config  # type: ignore[attr-defined]  # private: typeshed leaves it out
        daemon = config.get("daemon")
        if daemon:
            config["daemon"] = False
        try:
            process.start()
        finally:
            if daemon:
                config["daemon"] = daemon


def run_guarded(fn: Callable[..., Any], args: tuple[Any, ...], limits: LimitsConfig) -> Any:
    """``fn(*args)`` in a child process under ``limits``; returns what it returned.

    ``fn`` and ``args`` must be picklable (a module-level function, pydantic models, paths).
    Raises :class:`OverLimit` past the wall-time or address-space limit or when the child died;
    ``OSError`` for one in the child; any other exception of the child as itself. Inside
    :func:`reusing_children` (or :func:`keep_children_warm`) the child then waits for the next call.
    """
    answers = list(each_guarded(fn, [args], limits))  # to its end: only then is a healthy child put back
    if not answers:  # pragma: no cover
        raise AssertionError("each_guarded answered nothing")
    _, ok, value = answers[0]
    if not ok:
        raise value
    return value


class _Child:
    """A guarded child process (:func:`_serve`) and the caller's end of its pipe. ``calls``: how many
    calls it has answered (0: fresh)."""

    def __init__(self, memory_bytes: int, cpu_s: int) -> None:
        self.limits = (memory_bytes, cpu_s)
        global _STARTED
        self.conn, theirs = multiprocessing.Pipe(duplex=True)
        self.process = guard_process()(target=_serve, args=(theirs, memory_bytes, cpu_s), name="sweatline-guard")
        self.calls = 0
        try:
            _start(self.process)
            with _IDLE_LOCK:
                _STARTED += 1
        finally:
            theirs.close()  # the child holds its own end: EOF here when it dies without answering

    def close(self, wait_s: float) -> None:
        """Ask the child to end (closing the pipe), wait ``wait_s`` for it, then kill it."""
        self.conn.close()
        self.process.join(wait_s)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(KILL_GRACE_S)
        try:
            self.process.close()
        except ValueError:  # pragma: no cover - still running after the grace period
            pass


_IDLE: list[_Child] | None = None  # children kept between batches, inside reusing_children()
_IDLE_LOCK = threading.Lock()
_STARTED = 0  # guarded children this process started


def children_started() -> int:
    """How many guarded children this process has started: what batching and keeping children warm
    save, counted (a figure for tests and benchmarks; ``Client.run`` asks a Dask worker for it)."""
    return _STARTED


def keep_children_warm() -> None:
    """From now on, for the life of this process, a guarded child that answered all its calls waits
    for the next batch, as inside :func:`reusing_children`, on whichever thread it comes. For a
    process that runs task after task and has no block to put around them: a Dask worker, a
    worker of Prefect's process pool (:attr:`WorkPlan.warm_children`). The guarantees per call
    are the same; a waiting child ends by itself after :data:`IDLE_END_S` without work, or when this
    process exits (its pipe closed at exit, or by the system when the process is killed)."""
    global _IDLE
    with _IDLE_LOCK:
        if _IDLE is None:
            _IDLE = []
            atexit.register(_end_idle_children)
            # a process started by multiprocessing (a worker of Prefect's process pool) runs no atexit
            # handlers: it runs multiprocessing's finalizers, then joins its children, which would wait
            # out IDLE_END_S; a finalizer with an exit priority runs before that join
            multiprocessing.util.Finalize(None, _end_idle_children, exitpriority=10)


def _end_idle_children() -> None:
    """At this process's exit: end the children still waiting (their pipes closed), so the exit does
    not wait on them (multiprocessing joins a process's children when it exits)."""
    with _IDLE_LOCK:
        idle = list(_IDLE or [])
        if _IDLE:
            _IDLE.clear()
    for child in idle:
        child.close(KILL_GRACE_S)


@contextlib.contextmanager
def reusing_children() -> Iterator[None]:
    """Inside the block, a guarded child that answered all its calls waits for the next batch of this
    process (another thread's, another task's) instead of ending: a fresh child spends about 0.2 s
    more on its first file than a warm one (``benchmarks/bench_backfill.py``). The limits hold per
    call as before; a child that went over one, crashed or ran out of memory is never reused. On
    leaving the outermost block every waiting child is ended. Used by the nightly around its tasks
    (threads runner: they share this process); elsewhere (and before :func:`keep_children_warm`)
    each call of :func:`each_guarded` has its own child."""
    global _IDLE
    with _IDLE_LOCK:
        outermost = _IDLE is None
        if outermost:
            _IDLE = []
    try:
        yield
    finally:
        if outermost:
            with _IDLE_LOCK:
                idle, _IDLE = _IDLE or [], None
            for child in idle:
                child.close(KILL_GRACE_S)


def _take_child(memory_bytes: int, cpu_s: int) -> _Child:
    """A waiting child with these limits (:func:`reusing_children`), else a fresh one."""
    with _IDLE_LOCK:
        if _IDLE:
            for child in _IDLE:
                if child.limits == (memory_bytes, cpu_s):
                    _IDLE.remove(child)
                    return child
    return _Child(memory_bytes, cpu_s)


def _put_back(child: _Child) -> None:
    """A child that answered every call: kept for the next batch inside :func:`reusing_children`, else ended."""
    with _IDLE_LOCK:
        if _IDLE is not None:
            _IDLE.append(child)
            return
    child.close(KILL_GRACE_S)


def each_guarded(fn: Callable[..., Any], args_list: list[tuple[Any, ...]], limits: LimitsConfig,
                 ) -> Iterator[tuple[int, bool, Any]]:
    """``fn(*args)`` for each of ``args_list``, one after another in one guarded child process, each
    under ``limits`` (the wall time is each call's own; the address-space limit the child's);
    yields ``(index, True, value)`` or ``(index, False, exception)`` as each call ends, in order.

    Reusing one child is what makes a batch fast: a fresh child re-warms what the pipeline builds
    on first use (caches, allocator arenas, the pages it shares with the forkserver), about 0.2 s a
    file here (``benchmarks/bench_backfill.py``); inside :func:`reusing_children` the child
    also serves the next batch. The per-call guarantees are those of :func:`run_guarded`: a call
    over the time limit or that kills its child is an :class:`OverLimit` for that call alone — the
    child is killed and a fresh one goes on with the calls after it; a call over the memory limit in
    a child that already ran others is tried again in a fresh child (its limit then counts that
    file alone) before it is an :class:`OverLimit`; so is a call whose waiting child died before
    answering it (a child that served an earlier batch, killed from outside while it waited).
    ``OSError`` and other exceptions of a call come back as in :func:`run_guarded`.
    """
    memory_bytes = address_space_limit_bytes(int(limits.file_memory_mb * 2**20))
    cpu_s = int(2 * limits.file_time_s) + 10
    start = 0
    while start < len(args_list):
        chunk = args_list[start:]
        child = _take_child(memory_bytes, cpu_s)
        restart_at = len(args_list)
        healthy = False
        try:
            try:
                child.conn.send((fn, chunk))
            except OSError:  # a waiting child that is gone (killed from outside): a fresh one
                child.close(0)
                child = _Child(memory_bytes, cpu_s)
                child.conn.send((fn, chunk))
            for j in range(len(chunk)):
                try:
                    ready = child.conn.poll(limits.file_time_s)
                    answer = child.conn.recv() if ready else None
                except (EOFError, OSError):
                    answer = ("died", None)
                if answer is None:
                    child.process.kill()
                    child.process.join(KILL_GRACE_S)
                    yield start + j, False, OverLimit(
                        "too_slow", f"took longer than {seconds_text(limits.file_time_s)} to read; set aside")
                    restart_at = start + j + 1
                    break
                tag, payload = answer
                if tag == "memory" and child.calls > 0:  # maybe what earlier files left: once more in a fresh child
                    restart_at = start + j
                    break
                if tag == "died" and child.calls > 0:  # a child that served others died (killed while it waited,
                    restart_at = start + j  # or a crash earlier files may have set up): this file alone, afresh
                    break
                if tag == "died":
                    child.process.join(KILL_GRACE_S)
                    exitcode = child.process.exitcode
                    if exitcode is not None and -exitcode in KILLED_FROM_OUTSIDE:
                        yield start + j, False, ReaderKilled(_death_reason(exitcode, limits).replace(
                            "; set aside", "; it is read again later"))
                    else:
                        yield start + j, False, OverLimit("crashed", _death_reason(exitcode, limits))
                    restart_at = start + j + 1
                    break
                child.calls += 1
                yield start + j, *_answer(tag, payload, memory_bytes)
                if tag == "memory":
                    restart_at = start + j + 1
                    break
            else:
                healthy = True
        finally:  # a child that answered everything waits for more (or ends by itself); any other is killed now
            if healthy:
                _put_back(child)
            else:
                child.close(0)
        start = restart_at


def _answer(tag: str, payload: Any, memory_bytes: int) -> tuple[bool, Any]:
    """``(True, value)`` or ``(False, exception)`` for a child's answer other than ``died``."""
    if tag == "ok":
        return True, payload
    if tag == "memory":
        return False, OverLimit("too_big", f"needed more than {bytes_text(memory_bytes)}; set aside")
    if tag == "oserror":
        errno, strerror, filename = payload
        return False, OSError(errno, strerror, filename) if errno is not None else OSError(strerror)
    return False, payload


def _death_reason(exitcode: int | None, limits: LimitsConfig) -> str:
    """One line for a child that died without answering."""
    if exitcode is not None and exitcode < 0:
        signum = -exitcode
        if signum in (signal.SIGXCPU,):
            return f"took more than {seconds_text(2 * limits.file_time_s + 10)} of processor time to read; set aside"
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        what = "was killed" if signum in (signal.SIGKILL, signal.SIGTERM) else "crashed"
        return f"the reader {what} ({name}) while reading it; set aside"
    return f"the reader stopped without an answer (exit status {exitcode}); set aside"


class WorkPlan(BaseModel):
    """How a nightly runs its files: ``runner`` (``threads``: Prefect's ThreadPoolTaskRunner, each
    thread waiting on its task's guarded process; ``processes``: its ProcessPoolTaskRunner, each
    worker process again guarding its files; ``dask``: a Dask cluster), ``files_at_once`` (on Dask
    the threads of its workers as its scheduler counted them; None: not counted, the cluster runs
    as many as it has), ``files_per_task`` (1: a ``process-file`` task and a fresh
    guarded process per file; more: ``process-files`` tasks of that many files, read one after
    another in one guarded process), ``warm_children`` (the tasks run in processes other than the
    flow's — Dask workers, Prefect's worker processes — and each such process keeps its guarded
    children warm from task to task: :func:`keep_children_warm`; the flow's own threads have
    :func:`reusing_children`) and the log line ``said``."""

    runner: Literal["threads", "processes", "dask"]
    files_at_once: int | None
    files_per_task: int = 1
    warm_children: bool = False
    said: str


MAX_FILES_PER_TASK = 16
"""The most files one ``process-files`` task reads: past it, the saving per file is small (a Prefect
task run costs a few ms of this process's and the server's processor time; a fresh guarded child
about 0.2 s, where :func:`reusing_children` does not hand a warm one on) and a kill or a crash
costs a longer batch."""

TASKS_PER_WORKER = 4
"""Batches are cut so each worker gets at least this many: the last ones to finish are short, and
a slow file does not hold a long tail of others behind it."""


def cpu_count() -> int:
    """The processors this process may run on (its affinity on Linux)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def files_per_task(new_files: int, files_at_once: int) -> int:
    """Files per task for ``new_files`` files, ``files_at_once`` at a time: ``ceil(new_files /
    (files_at_once * TASKS_PER_WORKER))``, at most :data:`MAX_FILES_PER_TASK`, at least 1 — so a
    small night keeps one file per task and a backfill reads many in each warm guarded process."""
    return max(1, min(MAX_FILES_PER_TASK, -(-new_files // (max(files_at_once, 1) * TASKS_PER_WORKER))))


def plan_work(new_files: int, workers: int | None = None, runner: str = "auto",
              dask_address: str | None = None, cpus: int | None = None, batch: int | None = None) -> WorkPlan:
    """The runner, the number of files at once and the files per task for ``new_files`` files.

    ``workers``: files (tasks) at once (None or 0: one per processor, at most ``new_files``);
    ``runner``: ``auto`` (threads, or Dask when ``dask_address`` is set), ``threads`` or
    ``processes``; ``batch``: files per task (None or 0: :func:`files_per_task`, on Dask for the threads of the
    cluster's workers as its scheduler counts them, 1 when it cannot be asked). Threads are the default at every batch size: each task
    already runs its files in a guarded process, so the threads only wait and every core works,
    with no second interpreter per worker to start. Batches are the default past
    ``files_at_once * TASKS_PER_WORKER`` files: a guarded process that reads file after file is
    warm after the first — both measured by ``benchmarks/bench_backfill.py`` (README "Every
    core"). Raises ``ValueError`` for an unknown ``runner`` or a negative ``batch``.
    """
    if runner not in ("auto", "threads", "processes"):
        raise ValueError(f"runner must be auto, threads or processes, got {runner!r}")
    if batch is not None and batch < 0:
        raise ValueError(f"batch must be 0 (automatic) or more files per task, got {batch}")
    if dask_address and runner == "auto":
        return _dask_plan(new_files, dask_address, batch)
    cpus = cpus or cpu_count()
    count = max(1, min(workers or cpus, max(new_files, 1)))
    per_task = batch or files_per_task(new_files, count)
    how = _batched_text(per_task, None if batch else new_files)
    if runner == "processes":
        return WorkPlan(runner="processes", files_at_once=count, files_per_task=per_task, warm_children=True,
                        said=f"{count} at a time on {count} Prefect worker process(es), {how}")
    why = "chosen" if runner == "threads" else "the default: the fastest measured at every batch size"
    return WorkPlan(runner="threads", files_at_once=count, files_per_task=per_task,
                    said=f"{count} at a time, {how} ({count} thread(s) waiting on them; {why})")


def _dask_plan(new_files: int, address: str, batch: int | None) -> WorkPlan:
    """The plan on the Dask cluster at ``address``: batches cut for the threads of its workers, asked
    of its scheduler (:func:`pipeline.runtime.dask_cluster.dask_task_slots`) as for the local
    processors; a cluster that cannot be asked keeps one file per task, and the log line says why.
    Not asked when the batch is given or the night is too small to batch (at most
    :data:`TASKS_PER_WORKER` files: one file per task on any cluster)."""
    from pipeline.runtime.dask_cluster import dask_task_slots

    slots: int | None = None
    found = ""
    if not batch and new_files > TASKS_PER_WORKER:
        slots, found = dask_task_slots(address)
    per_task = batch or (files_per_task(new_files, slots) if slots else 1)
    how = _batched_text(per_task, new_files if not batch and slots else None)
    said = f"on the Dask cluster at {address}" + (f" ({found})" if found else "") + f", {how}"
    return WorkPlan(runner="dask", files_at_once=slots, files_per_task=per_task, warm_children=True, said=said)


def _batched_text(per_task: int, new_files: int | None) -> str:
    """How the files are grouped, for the plan's log line (``new_files``: the batch was chosen for it)."""
    if per_task == 1:
        why = f"; one file per task for {new_files} file(s)" if new_files is not None else ""
        return f"each file in its own guarded process{why}"
    why = f"; batches chosen for {new_files} files" if new_files is not None else ""
    return (f"up to {per_task} files per task, read one after another in one guarded process "
            f"(a file over a limit is set aside and a fresh process goes on{why})")
