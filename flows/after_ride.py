"""The ``after-ride`` flow: one file, right after the ride, with an optional weather override.

Parameters (every knob, so a deployment run or the UI can set it): ``fit_file`` (default: the
newest file in the inbox), ``temperature_c``, ``humidity_pct``, ``config_path``. Returns the
headline numbers and the report path(s) (:class:`flows.ride_core.RideResult`), logs them, and
publishes them as a Markdown artifact.

Trigger it from another terminal while ``sweatline serve`` runs::

    prefect deployment run 'after-ride/after-ride' --param fit_file=/path/to/ride.fit --param temperature_c=31
"""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.retry import retry_on_io_error
from flows.ride_core import RideResult, ride, validate_override
from pipeline.config import load_config


@task(name="process-ride", retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=retry_on_io_error,
      cache_policy=NO_CACHE, task_run_name="process {fit_file}")
def process_ride(fit_file: str | None, config_path: str | None, temperature_c: float | None,
                 humidity_pct: float | None, flow_run_id: str | None) -> list[RideResult]:
    """Decode, estimate and report one file (retried on I/O errors only, never on bad data)."""
    config = load_config(config_path)
    override = validate_override(temperature_c, humidity_pct)
    return ride(fit_file, config, override, orchestrator="prefect", prefect_flow_run_id=flow_run_id)


@flow(name="after-ride", flow_run_name="after-ride {fit_file}", log_prints=False)
def after_ride(fit_file: str | None = None, temperature_c: float | None = None, humidity_pct: float | None = None,
               config_path: str | None = None) -> list[RideResult]:
    """Estimate sweat loss for one activity now and write its report."""
    logger = get_run_logger()
    results = process_ride(fit_file, config_path, temperature_c, humidity_pct, flow_run.get_id())
    lines: list[str] = []
    for result in results:
        what = "already processed with this weather; report reused" if result.reused else "processed"
        logger.info("%s: %s", result.fit_file, what)
        for line in result.headline_lines():
            logger.info(line)
        lines += [f"### {result.activity.source}", "", *[f"- {line}" for line in result.headline_lines()], ""]
    create_markdown_artifact(key="after-ride", markdown="\n".join(["## After-ride", "", *lines]),
                             description="Headline sweat estimate and report location")
    return results


def report_paths(results: list[RideResult]) -> list[Path]:
    return [r.report_dir for r in results]
