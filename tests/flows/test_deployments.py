"""The deployments as Prefect builds them, served or deployed to a work pool from the one definition."""
from __future__ import annotations

import importlib
from pathlib import Path

from flow_support import PROJECT, write_config

from pipeline.core.config import load_config


def test_serve_builds_a_cron_nightly_in_the_configured_zone_and_an_unscheduled_after_ride(tmp_path: Path) -> None:
    from flows.serving import build_deployments

    config = load_config(write_config(tmp_path, tmp_path, tmp_path / "data", cron="30 4 * * 1-5", timezone="America/Denver"))
    nightly, after_ride = build_deployments(config)
    assert (nightly.flow_name, nightly.name) == ("nightly", "nightly")
    (schedule,) = nightly.schedules
    assert schedule.schedule.cron == "30 4 * * 1-5" and schedule.schedule.timezone == "America/Denver"
    assert (after_ride.flow_name, after_ride.name) == ("after-ride", "after-ride")
    assert not after_ride.schedules
    for deployment in (nightly, after_ride):
        assert deployment.parameters["config_path"] == str(config.source)
        module, name = deployment.entrypoint.rsplit(".", 1)
        assert getattr(importlib.import_module(module), name).name == deployment.flow_name


def test_deploy_registers_the_same_deployments_on_a_work_pool_with_the_configs_schedule(
        prefect_api: str, tmp_path: Path) -> None:
    """``sweatline deploy`` against a real server: the deployments ``serve`` builds, on the pool,
    the nightly's schedule the config's; a pool the server lacks is one line."""
    from cli_support import run_cli
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    config = write_config(tmp_path, tmp_path, tmp_path / "data", cron="15 5 * * *", timezone="Europe/Paris")
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="sweatline-test", type="process"), overwrite=True)
    done = run_cli("deploy", "--pool", "sweatline-test", config=config, env={"PREFECT_API_URL": prefect_api})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (f"deployed on {prefect_api}, work pool 'sweatline-test': "
                                           "nightly/nightly, after-ride/after-ride")
    with get_client(sync_client=True) as client:
        nightly = client.read_deployment_by_name("nightly/nightly")
        after_ride = client.read_deployment_by_name("after-ride/after-ride")
    assert nightly.work_pool_name == "sweatline-test" and after_ride.work_pool_name == "sweatline-test"
    (schedule,) = nightly.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("15 5 * * *", "Europe/Paris")
    assert nightly.parameters["config_path"] == str(config.resolve()) and not after_ride.schedules
    assert nightly.entrypoint == "flows.nightly.nightly"

    missing = run_cli("deploy", "--pool", "no-such-pool", config=config, env={"PREFECT_API_URL": prefect_api})
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.strip() == ("--pool: the Prefect server has no work pool 'no-such-pool': create it with "
                                      "prefect work-pool create no-such-pool --type process")


def test_the_schedule_is_written_once_in_the_config() -> None:
    """No second copy of the deployments (a prefect.yaml) to drift from the code."""
    assert not (PROJECT / "prefect.yaml").exists()
