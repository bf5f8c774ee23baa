"""Bad input in a flow run is one line in its log, not a traceback.

A flow that raises for bad input (:class:`~pipeline.core.errors.SweatlineInputError`: a file that
is not FIT, an inbox that is gone, a damaged catalog) is logged by Prefect twice with the whole
traceback: the flow engine's "Encountered exception during execution" and, in a deployment run's
process, the engine's "Engine execution exited with unexpected exception" — some 80 lines each in
the ``sweatline serve`` terminal for what the command line says in one. :func:`install` puts a
filter on Prefect's run loggers (``prefect.flow_runs``, which both go through, and ``prefect.task_runs``) that turns the
first into the error's one line and drops the second. Any other exception keeps its traceback: it
is a bug, and the traceback is the report. The run still ends Failed, with the error as its state
message.
"""
from __future__ import annotations

import logging

from pipeline.core.errors import SweatlineInputError
from pipeline.core.untrusted import clean_text

RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")
ENGINE_EXIT = "Engine execution exited with unexpected exception"


class OneLineInputErrors(logging.Filter):
    """Rewrites a record carrying a :class:`SweatlineInputError` as its one line, without traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not isinstance(exc, SweatlineInputError):
            return True
        if str(record.msg).startswith(ENGINE_EXIT):
            return False  # said once already, by the flow engine's record
        record.msg, record.args = "%s", (clean_text(str(exc)),)
        record.exc_info, record.exc_text = None, None
        return True


def install() -> None:
    """Put :class:`OneLineInputErrors` on Prefect's flow-run and task-run loggers, once per process."""
    for name in RUN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLineInputErrors) for f in logger.filters):
            logger.addFilter(OneLineInputErrors())
