"""The two deployments and serving them (Prefect's ``serve``: a long-running process that creates
the deployments on the server and runs their flow runs in subprocesses).

* ``nightly/nightly`` — on ``nightly.cron`` in ``nightly.timezone`` (a Prefect ``Cron`` schedule;
  the server's scheduler creates the runs, so a real server must be up: Prefect's temporary
  server does not schedule, PrefectHQ/examples#18);
* ``after-ride/after-ride`` — no schedule; triggered by hand::

      prefect deployment run 'after-ride/after-ride' --param fit_file=/path/ride.fit

Both get ``config_path`` as a default parameter, so their runs read the same configuration as
the ``sweatline serve`` (or ``sweatline deploy``) that created them. :func:`build_deployments` is
their one definition: ``serve`` runs them in its own process (:func:`serve_deployments`),
``deploy`` registers them on a work pool for workers elsewhere (:func:`deploy_deployments`); the
schedule's one source is the config's ``nightly:``. Entry points are module paths
(``flows.nightly:nightly``), so the runs find the code wherever the working directory is (a
worker needs the project installed).
"""
from __future__ import annotations

from collections.abc import Coroutine
from typing import Any
from uuid import UUID

from prefect import serve
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.after_ride import after_ride
from flows.nightly import nightly
from pipeline.core.config import Config
from pipeline.core.errors import UsageError

TAGS = ["sweatline"]


def build_deployments(config: Config) -> list[RunnerDeployment]:
    """``nightly`` (scheduled) and ``after-ride`` (manual) for this configuration."""
    parameters: dict[str, Any] = {"config_path": str(config.source) if config.source is not None else None}
    return [
        _built(nightly.to_deployment(
            name="nightly", tags=TAGS, parameters=parameters,
            schedule=Cron(config.nightly.cron, timezone=config.nightly.timezone), paused=False,
            description=f"Every new FIT file in the inbox, at '{config.nightly.cron}' ({config.nightly.timezone}).",
            entrypoint_type=EntrypointType.MODULE_PATH)),
        _built(after_ride.to_deployment(
            name="after-ride", tags=TAGS, parameters=parameters,
            description="One FIT file now (default: the newest in the inbox), with an optional weather override.",
            entrypoint_type=EntrypointType.MODULE_PATH)),
    ]


def _built(deployment: RunnerDeployment | Coroutine[Any, Any, RunnerDeployment]) -> RunnerDeployment:
    """``to_deployment``'s answer: Prefect's ``async_dispatch`` returns the deployment when called
    outside an event loop (as here) and a coroutine inside one; TypeError for the coroutine."""
    if not isinstance(deployment, RunnerDeployment):
        deployment.close()
        raise TypeError("build_deployments must be called outside an event loop")
    return deployment


def serve_deployments(config: Config, limit: int | None = None) -> None:
    """Create/update both deployments and run their flow runs until interrupted (Ctrl-C / SIGTERM)."""
    serve(*build_deployments(config), limit=limit)


def deploy_deployments(config: Config, work_pool: str) -> list[str]:
    """Register both deployments (:func:`build_deployments`) on the server in use, their runs going
    to ``work_pool`` (a *process* pool whose workers have this project installed); returns their
    names (``nightly/nightly``). Raises :class:`~pipeline.core.errors.UsageError` when the server
    has no such pool."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(work_pool)
        except ObjectNotFound:
            raise UsageError("--pool", f"the Prefect server has no work pool {work_pool!r}: create it with "
                                       f"prefect work-pool create {work_pool} --type process") from None
    names = []
    for deployment in build_deployments(config):
        applied = deployment.apply(work_pool_name=work_pool)
        if not isinstance(applied, UUID):  # a coroutine: only inside an event loop
            applied.close()
            raise TypeError("deploy_deployments must be called outside an event loop")
        names.append(f"{deployment.flow_name}/{deployment.name}")
    return names
