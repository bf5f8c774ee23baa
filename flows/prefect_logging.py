"""Keeping Prefect's console output where it belongs.

Prefect's logging config (``prefect/logging/logging.yml``) sends flow/task run logs to the API
handler and — through the root and ``prefect`` loggers — to a console handler on **stderr**.
That is right for ``sweatline nightly`` (progress in the terminal) and wrong for ``sweatline
ride``, whose contract is the JSON report alone on stdout and, for a bad file, exactly one
line on stderr. :func:`quiet_console` silences the console handlers (the runs' logs still
reach the Prefect API and its UI).
"""
from __future__ import annotations

import logging
import os

_CONSOLE_ENV = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"


def quiet_console_env() -> None:
    """Before Prefect is imported: its console handler starts at CRITICAL (Prefect reads
    ``PREFECT_LOGGING_[PATH]_[TO]_[KEY]`` overrides of its logging.yml)."""
    os.environ.setdefault(_CONSOLE_ENV, "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def quiet_console() -> None:
    """After Prefect is imported too: raise every stream handler it attached to stderr to CRITICAL+1."""
    quiet_console_env()
    import prefect  # noqa: F401  (configures logging on import)

    names = ["", "prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.extra", "uvicorn", "fastapi",
             "prefect._internal", "prefect.server", "prefect.client", "docket"]
    for name in names:
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                handler.setLevel(logging.CRITICAL + 1)
