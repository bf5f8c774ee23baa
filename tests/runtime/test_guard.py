"""The guard per file: a real child process per file, real limits, real crashes.

No mocks: a 24-hour ride written with tools/fitwriter that provably needs more time and memory
than the small limits set here (:mod:`guard_files`), the 17-minute shared sample that does not,
and real signals (a segfault through ``ctypes``, ``abort``)."""
from __future__ import annotations

import ctypes
import json
import multiprocessing
import operator
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from guard_files import hoard, resting_address_space_mb, write_long_ride
from shared_paths import PROJECT, SAMPLES, SWEATLINE
from waits import scaled

from pipeline.core.config import LimitsConfig, parse_config
from pipeline.core.errors import ConfigError
from pipeline.runtime.guard import (
    IDLE_END_S,
    OverLimit,
    children_started,
    each_guarded,
    keep_children_warm,
    plan_work,
    reusing_children,
    run_guarded,
)
from pipeline.store.catalog import Catalog
from pipeline.usecases.commit import record_outcome
from pipeline.usecases.guarded import process_file_guarded

SHORT = SAMPLES / "tomtom-runner3-cycling-17min.fit"


@pytest.fixture(scope="module")
def long_ride(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_long_ride(tmp_path_factory.mktemp("long"))


def _config(tmp_path: Path, **limits: float):
    return parse_config({"inbox": str(tmp_path), "data_dir": str(tmp_path / "data"), "limits": limits})


def test_a_file_over_the_time_limit_is_set_aside_with_one_line_and_the_next_file_is_read(
        long_ride: Path, tmp_path: Path) -> None:
    config = _config(tmp_path, file_time_s=0.5)
    assert run_guarded(sum, ([1, 2],), LimitsConfig()) == 3  # the forkserver started (its imports are not timed)
    started = time.monotonic()
    slow = process_file_guarded(long_ride, config)
    waited = time.monotonic() - started
    assert slow.status == "rejected"
    assert [(r.kind, r.reason) for r in slow.rejections] == [("too_slow", "took longer than 0.5 s to read; set aside")]
    assert 0.5 <= waited < 0.5 + 8  # killed at the limit, not left to finish (several seconds to read whole)
    short = process_file_guarded(SHORT, _config(tmp_path, file_time_s=30))  # the guard goes on with the next file
    assert short.status == "processed" and len(short.activities) == 1
    assert (short.activities[0].report_dir / "report.json").is_file()
    with Catalog(config.data_dir) as catalog:  # the parent commits the one line like any rejection
        record_outcome(catalog, slow)
        assert [(r.kind, r.reason) for r in catalog.rejections()] == [
            ("too_slow", "took longer than 0.5 s to read; set aside")]


@pytest.mark.slow(reason="reads a 24-hour ride whole under the default limits (about 20 s)")
def test_a_file_over_the_memory_limit_is_set_aside_with_one_line(long_ride: Path, tmp_path: Path) -> None:
    # measured here (a guarded child at rest, then reading): the 17-min file needs 5-10 MiB more, the
    # 24 h ride 40-60 MiB (once charts were SVG it slipped under +40 on one run); +20 sits between
    limit_mb = resting_address_space_mb() + 20
    config = _config(tmp_path, file_memory_mb=limit_mb)
    big = process_file_guarded(long_ride, config)
    # at the limit the child either gets a MemoryError (too_big) or is killed by the C library that
    # failed to allocate (crashed): either way one line and the file set aside
    assert [r.kind for r in big.rejections] in (["too_big"], ["crashed"])
    assert big.reason is not None and big.reason.endswith("; set aside") and "\n" not in big.reason
    assert process_file_guarded(SHORT, config).status == "processed"
    # the same file is read whole under the default limits: it was the limit, not the file
    assert process_file_guarded(long_ride, _config(tmp_path / "default")).status == "processed"


@pytest.mark.parametrize("crash, signal_name", [(ctypes.string_at, "SIGSEGV"), (os.abort, "SIGABRT")])
def test_a_crashed_child_is_one_line(crash, signal_name: str) -> None:
    args = (0,) if crash is ctypes.string_at else ()
    with pytest.raises(OverLimit) as caught:
        run_guarded(crash, args, LimitsConfig())
    assert caught.value.kind == "crashed"
    assert str(caught.value) == f"the reader crashed ({signal_name}) while reading it; set aside"


def test_errors_of_the_child_come_back_as_themselves(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):  # an OSError: the Prefect task retries it
        run_guarded(Path.read_text, (tmp_path / "gone.fit",), LimitsConfig())
    with pytest.raises(ValueError, match="invalid literal"):
        run_guarded(int, ("twelve",), LimitsConfig())
    assert run_guarded(sum, ([1, 2, 3],), LimitsConfig()) == 6


def _from_a_daemon(queue) -> None:
    queue.put(run_guarded(sum, ([20, 22],), LimitsConfig()))


def _warm_worker(queue) -> None:
    keep_children_warm()
    before = children_started()
    pids = [run_guarded(operator.call, (os.getpid,), LimitsConfig(file_time_s=30)) for _ in range(3)]
    queue.put((pids, children_started() - before))


def test_a_daemonic_process_such_as_a_dask_worker_may_still_guard_its_files() -> None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    daemon = ctx.Process(target=_from_a_daemon, args=(queue,), daemon=True)
    daemon.start()
    assert queue.get(timeout=60) == 42
    daemon.join(10)
    assert daemon.exitcode == 0


def test_limits_are_config_keys_with_bounds(tmp_path: Path) -> None:
    assert LimitsConfig() == LimitsConfig(file_time_s=300, file_memory_mb=2048)
    with pytest.raises(ConfigError, match=r"limits.file_time_s must be above 0 and at most 86400, got -1"):
        _config(tmp_path, file_time_s=-1)
    with pytest.raises(ConfigError, match=r"limits.file_memory_mb must be a number, got True"):
        _config(tmp_path, file_memory_mb=True)
    with pytest.raises(ConfigError, match=r"limits.wall is not a known key"):
        _config(tmp_path, wall=3)


@pytest.mark.slow(reason="a whole `sweatline ride` process reading a 24-hour ride up to its limit (about 10 s)")
def test_ride_over_the_memory_limit_exits_2_with_one_line(long_ride: Path, tmp_path: Path) -> None:
    limit_mb = resting_address_space_mb() + 10
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {tmp_path}\ndata_dir: {tmp_path / 'data'}\nlimits: {{file_memory_mb: {limit_mb}}}\n")
    env = {**os.environ, "SWEATLINE_RIDE_VIA": "local"}
    done = subprocess.run([str(SWEATLINE), "ride", str(long_ride), "--config", str(config)], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"{long_ride}: ") and done.stderr.endswith("; set aside\n")
    assert done.stderr.count("\n") == 1
    assert done.stdout == ""


def test_the_default_plan_runs_one_task_per_processor_on_threads_and_batches_a_backfill() -> None:
    assert plan_work(200, cpus=2).model_dump(exclude={"said"}) == {
        "runner": "threads", "files_at_once": 2, "files_per_task": 16, "warm_children": False}  # ceil(200 / 8) = 25, at most 16
    assert plan_work(40, cpus=2).files_per_task == 5  # ceil(40 / (2 * 4))
    assert plan_work(8, cpus=2).files_per_task == 1  # a small night: a task and a fresh process per file
    assert plan_work(1, cpus=8).model_dump(exclude={"said"}) == {
        "runner": "threads", "files_at_once": 1, "files_per_task": 1, "warm_children": False}
    assert plan_work(10, workers=3, runner="processes", cpus=2).model_dump(exclude={"said"}) == {
        "runner": "processes", "files_at_once": 3, "files_per_task": 1, "warm_children": True}
    assert plan_work(200, cpus=2, batch=1).files_per_task == 1  # asked for
    assert plan_work(4, dask_address="tcp://10.0.0.5:8786").model_dump(exclude={"said"}) == {
        "runner": "dask", "files_at_once": None, "files_per_task": 1, "warm_children": True}  # too few to batch: the cluster is not asked
    assert "2 at a time" in plan_work(200, cpus=2).said
    assert "up to 16 files per task" in plan_work(200, cpus=2).said
    assert "each file in its own guarded process" in plan_work(8, cpus=2).said
    with pytest.raises(ValueError, match="batch"):
        plan_work(10, batch=-1)


def test_one_child_reads_a_batch_and_a_crash_or_a_hang_costs_only_its_own_call() -> None:
    calls = [(os.getpid,), (os.getpid,), (os.abort,), (os.getpid,), (time.sleep, 60), (sum, [5, 6]),
             (int, "twelve"), (os.getpid,)]
    started = time.monotonic()
    answers = list(each_guarded(operator.call, calls, LimitsConfig(file_time_s=3)))
    assert time.monotonic() - started < 60  # the sleeper was killed at its limit, not waited for
    assert [index for index, _, _ in answers] == list(range(len(calls)))
    (_, ok0, pid0), (_, ok1, pid1), (_, ok2, crash), (_, ok3, pid3), (_, ok4, hang), (_, ok5, eleven), \
        (_, ok6, error), (_, ok7, pid7) = answers
    assert ok0 and ok1 and pid0 == pid1 != os.getpid()  # one child for the calls in a row
    assert not ok2 and isinstance(crash, OverLimit) and crash.kind == "crashed"
    assert str(crash) == "the reader crashed (SIGABRT) while reading it; set aside"
    assert ok3 and pid3 != pid0  # a fresh child goes on after the crash
    assert not ok4 and isinstance(hang, OverLimit) and str(hang) == "took longer than 3 s to read; set aside"
    assert ok5 and eleven == 11
    assert not ok6 and isinstance(error, ValueError)  # an error of a call is that call's alone
    assert ok7 and pid7 not in (pid0, pid3)


def test_limits_and_the_dask_address_do_not_change_an_estimate(tmp_path: Path) -> None:
    """How and where a file runs is not an input of its estimate: stored answers stay current."""
    from pipeline.usecases.provenance import estimate_inputs

    plain = _config(tmp_path)
    moved = parse_config({"inbox": str(tmp_path), "data_dir": str(tmp_path / "data"),
                          "limits": {"file_time_s": 60, "file_memory_mb": 4096},
                          "dask": {"address": "tcp://10.0.0.5:8786"}})
    assert estimate_inputs(moved, None, None, {}) == estimate_inputs(plain, None, None, {})
    assert "dask" not in estimate_inputs(moved, None, None, {}).config


def test_a_guarded_child_starts_with_the_report_templates_compiled() -> None:
    """The forkserver imports pipeline.report.warm last, so a child forked from it finds the report's
    templates in Jinja's caches: it does not spend its first file compiling them (0.14 s measured).
    The child is asked by a builtin (``eval``: picklable by name) what its environments hold."""
    probe = ("sorted(name for m in [__import__('pipeline.report.render', fromlist=['_HTML'])] "
             "for env in (m._HTML, m._MD) for _, name in env.cache.keys())")
    assert run_guarded(eval, (probe,), LimitsConfig()) == ["report.css", "report.html.j2", "report.md.j2"]


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (not a zombie), from /proc."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


def test_inside_reusing_children_a_healthy_child_serves_the_next_batch_and_ends_with_the_block() -> None:
    limits = LimitsConfig(file_time_s=5)
    with reusing_children():
        first = [value for _, ok, value in each_guarded(operator.call, [(os.getpid,), (os.getpid,)], limits) if ok]
        assert len(first) == 2 and first[0] == first[1] != os.getpid()
        # the next batch (another task of the same night), from another thread: the same warm child
        second: list[int] = []
        worker = threading.Thread(target=lambda: second.extend(
            value for _, ok, value in each_guarded(operator.call, [(os.getpid,)], limits) if ok))
        worker.start()
        worker.join(60)
        assert second == [first[0]]
        # a crash is never handed on: the next batch gets a fresh child
        crashed = list(each_guarded(operator.call, [(os.abort,)], limits))
        assert [(ok, type(value).__name__, getattr(value, "kind", None)) for _, ok, value in crashed] == [
            (False, "OverLimit", "crashed")]
        after = [value for _, ok, value in each_guarded(operator.call, [(os.getpid,)], limits) if ok]
        assert after and after[0] != first[0]
        assert _gone_within(first[0], 10)  # the crashed child (the first one) is gone
        assert _alive(after[0])  # the healthy one waits for more while the block lasts
    assert _gone_within(after[0], 10)  # and ends with the block


def test_a_single_guarded_call_leaves_its_healthy_child_for_the_next_one_inside_reusing_children() -> None:
    limits = LimitsConfig(file_time_s=5)
    with reusing_children():  # one file per task (a small night): run_guarded, call after call
        before = children_started()
        pids = [run_guarded(operator.call, (os.getpid,), limits) for _ in range(3)]
        assert children_started() - before == 1
        assert len(set(pids)) == 1 and pids[0] != os.getpid()
    assert _gone_within(pids[0], 10)


@pytest.mark.parametrize("daemon", [True, False], ids=["daemonic, as a Dask worker", "a process-pool worker"])
def test_keep_children_warm_keeps_a_healthy_child_for_the_life_of_the_process(daemon: bool) -> None:
    # in a process of its own: the setting lasts as long as the process. A non-daemonic worker (as
    # Prefect's process pool has) runs no atexit handlers and joins its children when it exits, so its
    # waiting child must be ended before that join, not left to end by itself after IDLE_END_S
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    worker = ctx.Process(target=_warm_worker, args=(queue,), daemon=daemon)
    worker.start()
    pids, started = queue.get(timeout=120)
    worker.join(min(scaled(10), IDLE_END_S / 2))  # well before the waiting child would end by itself
    alive = worker.is_alive()
    if alive:
        worker.kill()
    assert not alive and worker.exitcode == 0, "the worker's exit waited on its idle guarded child"
    assert started == 1 and len(set(pids)) == 1  # three tasks, one child
    assert _gone_within(pids[0], 10)  # the worker ended: so did its waiting child


def test_outside_reusing_children_each_batch_has_its_own_child() -> None:
    limits = LimitsConfig(file_time_s=5)
    pids = [value for _ in range(2) for _, ok, value in each_guarded(operator.call, [(os.getpid,)], limits) if ok]
    assert len(pids) == 2 and pids[0] != pids[1]
    assert _gone_within(pids[0], 10) and _gone_within(pids[1], 10)


def test_a_reused_child_that_runs_out_of_memory_because_of_earlier_batches_hands_the_file_to_a_fresh_one() -> None:
    """A file over the memory limit in a child that served earlier batches may be the earlier files'
    leftovers: it is read again in a fresh child, whose limit counts that file alone."""
    limits = LimitsConfig(file_time_s=30, file_memory_mb=resting_address_space_mb() + 100)
    with reusing_children():
        (_, ok1, pid1), = each_guarded(hoard, [(64,)], limits)  # 64 MiB kept: fits
        (_, ok2, pid2), = each_guarded(hoard, [(64,)], limits)  # 128 MiB with the first batch's: over, then fresh
    assert ok1 and ok2 and pid1 != pid2
    with reusing_children():  # a file over the limit by itself is still set aside, in a fresh child too
        (_, ok3, over), = each_guarded(hoard, [(128,)], limits)
    assert not ok3 and isinstance(over, OverLimit) and over.kind == "too_big"


def test_a_waiting_child_killed_from_outside_costs_no_file() -> None:
    """A child kept between batches may die while it waits (the system's OOM killer, a user's
    ``kill``): the next batch's file is not blamed for it and is read by a fresh child."""
    limits = LimitsConfig(file_time_s=5)
    with reusing_children():
        (_, ok1, pid1), = each_guarded(operator.call, [(os.getpid,)], limits)
        os.kill(pid1, signal.SIGKILL)
        assert _gone_within(pid1, 10)
        answers = list(each_guarded(operator.call, [(os.getpid,), (sum, [2, 3])], limits))
    assert ok1 and [(ok, value != pid1) for _, ok, value in answers] == [(True, True), (True, True)]


def _address_space_limited_to(mib: int):
    """For ``preexec_fn``: the child process and everything it starts run under a hard ``RLIMIT_AS``
    of ``mib`` MiB, as under ``ulimit -v`` (bash sets the soft and the hard limit)."""
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (mib * 2**20, mib * 2**20))
    return limit


@pytest.mark.parametrize("hard_mb, file_memory_mb", [(1536, 2048), (1024, 2048), (1024, 1048576)])
def test_a_lower_address_space_limit_set_by_the_machine_is_respected(hard_mb: int, file_memory_mb: int,
                                                                      tmp_path: Path) -> None:
    """``ulimit -v`` below ``limits.file_memory_mb``: a process may not raise its hard limit
    (setrlimit(2)), so the guard reads the file under the machine's limit instead of setting aside
    every file with "not allowed to raise maximum limit"."""
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {tmp_path}\ndata_dir: {tmp_path / 'data'}\nlimits: {{file_memory_mb: {file_memory_mb}}}\n")
    done = subprocess.run([str(SWEATLINE), "ride", str(SHORT), "--config", str(config), "--json"],
                          capture_output=True, text=True, env={**os.environ, "SWEATLINE_RIDE_VIA": "local"},
                          timeout=300, preexec_fn=_address_space_limited_to(hard_mb))
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["sweat"]["total_l"] > 0


_REASON_UNDER_A_LIMIT = """
import resource, sys
from guard_files import hoard
from pipeline.core.config import LimitsConfig
from pipeline.runtime.guard import OverLimit, run_guarded
resource.setrlimit(resource.RLIMIT_AS, ({hard}, {hard}))
try:
    run_guarded(hoard, (2048,), LimitsConfig(file_memory_mb=4096))
except OverLimit as exc:
    print(exc.kind, exc.reason)
"""


def test_a_file_over_the_machine_s_lower_limit_is_set_aside_naming_that_limit() -> None:
    """The one line names the limit the file went over: the machine's 1.5 GB, not the config's 4 GB."""
    hard = 1536 * 2**20
    done = subprocess.run([sys.executable, "-c", _REASON_UNDER_A_LIMIT.format(hard=hard)], capture_output=True,
                          text=True, timeout=120, cwd=PROJECT,
                          env={**os.environ, "PYTHONPATH": f"{PROJECT / 'tests'}:{PROJECT}"})
    assert done.stdout == "too_big needed more than 1.5 GB; set aside\n", done.stderr


def _kill_myself(signum: int) -> None:
    os.kill(os.getpid(), signum)


def _kill_myself_once(marker: str, signum: int) -> int:
    """Killed the first time (``marker`` does not exist yet), a good answer the second: a reader the
    OOM killer took once."""
    if not os.path.exists(marker):
        Path(marker).touch()
        os.kill(os.getpid(), signum)
    return os.getpid()


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_reader_killed_from_outside_is_a_failure_to_retry_not_a_verdict(signum: int) -> None:
    from pipeline.runtime.guard import ReaderKilled

    with pytest.raises(ReaderKilled) as caught:  # an OSError: the Prefect tasks retry it, no rejection
        run_guarded(_kill_myself, (signum,), LimitsConfig(file_time_s=30))
    assert isinstance(caught.value, OSError) and not isinstance(caught.value, OverLimit)
    assert str(caught.value) == f"the reader was killed ({signal.Signals(signum).name}) while reading it; it is read again later"


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_file_whose_reader_was_killed_once_is_read_on_the_retry(signum: int, tmp_path: Path) -> None:
    from pipeline.runtime.guard import ReaderKilled

    marker = str(tmp_path / "killed-once")
    limits = LimitsConfig(file_time_s=30)
    with pytest.raises(ReaderKilled):
        run_guarded(_kill_myself_once, (marker, signum), limits)
    assert run_guarded(_kill_myself_once, (marker, signum), limits) != os.getpid()


_NOTED: list[int] = []


def _note() -> int:
    """A call that leaves something behind in its child (as a file read before may)."""
    _NOTED.append(1)
    return os.getpid()


def _crash_unless_first(signum: int) -> int:
    """Crash (``signum``) in a child that ran :func:`_note` before, answer the pid in a fresh one."""
    if _NOTED:
        os.kill(os.getpid(), signum)
    return os.getpid()


@pytest.mark.parametrize("signum", [signal.SIGABRT, signal.SIGSEGV, signal.SIGKILL])
def test_a_crash_inside_a_batch_is_tried_alone_before_it_is_a_verdict(signum: int) -> None:
    """The third call dies only after other calls ran in its child (what an earlier file left
    behind): read again alone in a fresh child, it answers; the batch loses nothing."""
    calls = [(_note,), (_note,), (_crash_unless_first, signum), (sum, [5, 6])]
    answers = list(each_guarded(operator.call, calls, LimitsConfig(file_time_s=30)))
    assert [ok for _, ok, _ in answers] == [True, True, True, True], answers
    (_, _, pid0), (_, _, pid1), (_, _, fresh), (_, _, eleven) = answers
    assert pid0 == pid1 != fresh and eleven == 11
