"""Retry only what a retry can fix: I/O errors (a file still being synced, a full disk freed,
a network share that blinked). Bad data (:class:`~pipeline.errors.SweatlineInputError`) and
bugs fail at once — retrying them only repeats the same answer, slower."""
from __future__ import annotations

from typing import Any

from pipeline.errors import SweatlineInputError


def is_io_error(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and not isinstance(exc, SweatlineInputError)


def retry_on_io_error(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry the task run only when it failed with an ``OSError``."""
    try:
        state.result()
    except BaseException as exc:  # the exception the task raised
        return is_io_error(exc)
    return False
