"""Per-item results streamed out of batch tasks: each item's result reaches the caller as soon as
the item ends, not when its whole batch does, wherever the tasks run.

A task that runs in the caller's process (on a thread of a task runner) hands each item's result
over as it ends (:func:`publish`); a task elsewhere (another process, another machine) returns its
results when it ends, and :func:`each_result` reads them from its future then. A watcher thread
waits on the futures and feeds the same queue as the tasks do, so one loop in the caller's thread
sees both, and gives each item once (a task's own hand-overs come before its end).

Standard library only, and nothing about what the items are: the futures are any objects an
``as_completed`` function (Prefect's, or :func:`concurrent.futures.as_completed`) yields as they
finish.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

F = TypeVar("F")
R = TypeVar("R")

_CHANNELS: dict[str, queue.Queue[tuple[Any, ...]]] = {}  # channel -> the queue its caller reads, this process


def publish(channel: str, batch: int, index: int, result: object) -> None:
    """From inside a task: hand item ``index`` of batch ``batch``'s result to the caller reading
    ``channel`` in this process. Nothing when no one reads it here (the task runs in another
    process: its results reach the caller when it returns)."""
    listener = _CHANNELS.get(channel)
    if listener is not None:
        listener.put(("item", batch, index, result))


def each_result(channel: str, submit: Callable[[int], F], batches: int,
                as_completed: Callable[[list[F]], Iterable[F]],
                results_of: Callable[[int, F], Iterable[tuple[int, R]]],
                on_result: Callable[[int, int, R], None]) -> None:
    """Submit batches ``0 .. batches - 1`` (``submit(number)`` starts one and returns its future) and
    call ``on_result(batch, index, result)`` in this thread once per item, as soon as its result is
    known: from :func:`publish` on ``channel`` while the task runs, else from ``results_of(batch,
    future)`` (``(index, result)`` pairs; it turns a task that raised into a result per item) when
    it ends. Returns when every task has ended. An error of ``on_result`` or of the watcher
    propagates; the channel is closed either way."""
    arrivals: queue.Queue[tuple[Any, ...]] = queue.Queue()
    _CHANNELS[channel] = arrivals  # before the first task starts: none of its hand-overs is lost
    try:
        futures = {submit(number): number for number in range(batches)}

        def watch() -> None:
            try:
                for future in as_completed(list(futures)):
                    arrivals.put(("task", futures[future], future))
            except BaseException as exc:  # raised again in the caller's thread
                arrivals.put(("watch", exc))

        threading.Thread(target=watch, name=f"batches-{channel}", daemon=True).start()
        given: set[tuple[int, int]] = set()
        ended = 0
        while ended < len(futures):
            item = arrivals.get()
            if item[0] == "watch":
                raise item[1]
            if item[0] == "task":
                ended += 1
                number, results = item[1], list(results_of(item[1], item[2]))
            else:
                number, results = item[1], [(item[2], item[3])]
            for index, result in results:
                if (number, index) not in given:
                    given.add((number, index))
                    on_result(number, index, result)
    finally:
        _CHANNELS.pop(channel, None)
