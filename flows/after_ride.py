"""The ``after-ride`` flow: one file, right after the ride, with an optional weather override.

Parameters (every knob, so a deployment run or the UI can set it): ``fit_file`` (default: the
newest file in the inbox), ``temperature_c``, ``humidity_pct``, ``config_path``. Returns the
headline numbers and the report path(s) (:class:`pipeline.usecases.ride.RideResult`), logs them, and
publishes them as a Markdown artifact. The work is :func:`pipeline.usecases.ride.ride`, the same
function the fast path of ``sweatline ride`` calls.

Trigger it from another terminal while ``sweatline serve`` runs::

    prefect deployment run 'after-ride/after-ride' --param fit_file=/path/to/ride.fit --param temperature_c=31
"""
from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows import quiet
from flows.tasks import process_ride
from pipeline.core.untrusted import clean_text, markdown_text
from pipeline.usecases.ride import AFTER_RIDE, RideResult

quiet.install()  # bad input: one line in the run's log, not a traceback


@flow(name=AFTER_RIDE, flow_run_name="after-ride {fit_file}", log_prints=False)
def after_ride(fit_file: str | None = None, temperature_c: float | None = None, humidity_pct: float | None = None,
               config_path: str | None = None) -> list[RideResult]:
    """Estimate sweat loss for one activity now and write its report."""
    logger = get_run_logger()
    results = process_ride(fit_file, config_path, temperature_c, humidity_pct, flow_run.get_id())
    lines: list[str] = []
    for result in results:
        what = "already processed with these inputs; report reused" if result.reused else "processed"
        logger.info("%s: %s", clean_text(result.fit_file), what)
        for line in result.headline_lines():
            logger.info("%s", clean_text(line))
        lines += [f"### {markdown_text(result.activity.source)}", "",
                  *[f"- {markdown_text(line)}" for line in result.headline_lines()], ""]
    create_markdown_artifact(key="after-ride", markdown="\n".join(["## After-ride", "", *lines]),
                             description="Headline sweat estimate and report location")
    return results
