"""Per-item results streamed out of batch tasks (pipeline.runtime.batches), with the standard
library's thread pool standing in for a task runner: an item handed over while its task still runs
reaches the caller before the task ends; every item is given once; a task elsewhere (no hand-over)
gives its items when it ends; a task that raised gives what ``results_of`` makes of it."""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

import pytest

from pipeline.runtime.batches import each_result, publish


def test_an_item_arrives_while_its_task_still_runs_and_each_item_is_given_once() -> None:
    release = threading.Event()
    seen: list[tuple[int, int, str]] = []

    def task(number: int) -> list[tuple[int, str]]:
        publish("run-a", number, 0, f"{number}.0")  # handed over at once
        assert release.wait(10)  # the task goes on until the caller has seen its first item
        publish("run-a", number, 1, f"{number}.1")
        return [(0, f"{number}.0"), (1, f"{number}.1")]  # its result repeats what it handed over

    def on_result(number: int, index: int, result: str) -> None:
        seen.append((number, index, result))
        if len(seen) == 1:
            release.set()

    with ThreadPoolExecutor(max_workers=1) as pool:
        each_result("run-a", lambda number: pool.submit(task, number), 1, as_completed,
                    lambda number, future: future.result(), on_result)
    assert seen == [(0, 0, "0.0"), (0, 1, "0.1")]


def test_a_task_that_hands_nothing_over_gives_its_items_when_it_ends() -> None:
    seen: list[tuple[int, int, int]] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        each_result("run-b", lambda number: pool.submit(lambda: [(0, number * 10), (1, number * 10 + 1)]), 3,
                    as_completed, lambda number, future: future.result(), lambda *item: seen.append(item))
    assert sorted(seen) == [(0, 0, 0), (0, 1, 1), (1, 0, 10), (1, 1, 11), (2, 0, 20), (2, 1, 21)]


def test_a_task_that_raised_gives_what_results_of_makes_of_it_and_the_others_go_on() -> None:
    def task(number: int) -> list[tuple[int, str]]:
        if number == 1:
            raise OSError("disk went away")
        return [(0, "ok")]

    def results_of(number: int, future: Future) -> list[tuple[int, str]]:
        try:
            return future.result()
        except OSError as exc:
            return [(0, f"failed: {exc}")]

    seen: list[tuple[int, int, str]] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        each_result("run-c", lambda number: pool.submit(task, number), 2, as_completed, results_of,
                    lambda *item: seen.append(item))
    assert sorted(seen) == [(0, 0, "ok"), (1, 0, "failed: disk went away")]


def test_an_error_of_the_caller_propagates_and_the_channel_is_closed() -> None:
    def broken(*item: object) -> None:
        raise ValueError("commit failed")

    with ThreadPoolExecutor(max_workers=1) as pool, pytest.raises(ValueError, match="commit failed"):
        each_result("run-d", lambda number: pool.submit(lambda: [(0, 1)]), 1, as_completed,
                    lambda number, future: future.result(), broken)
    publish("run-d", 0, 0, "late")  # no one listens any more: nothing happens, nothing is kept
    from pipeline.runtime import batches

    assert "run-d" not in batches._CHANNELS
