"""The deployments as Prefect builds them (no server needed) and prefect.yaml kept in step with them."""
from __future__ import annotations

import importlib
from pathlib import Path

import yaml
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


def test_prefect_yaml_points_at_the_real_flows_and_reads_the_schedule_from_the_shipped_config(monkeypatch) -> None:
    """prefect.yaml's schedule is templated from its build step's output: the step imported by its
    name as ``prefect deploy`` imports it, called from the project folder with its inputs, and the
    schedule filled by Prefect's own templating. The shipped config's ``nightly:`` is the schedule's
    one source."""
    from prefect.utilities.importtools import import_object
    from prefect.utilities.templating import apply_values

    spec = yaml.safe_load((PROJECT / "prefect.yaml").read_text())
    deployments = {d["name"]: d for d in spec["deployments"]}
    assert set(deployments) == {"nightly", "after-ride"}
    for name, deployment in deployments.items():
        path, function = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert getattr(module, function).name == name
        assert deployment["work_pool"]["name"] == "sweatline"
        assert (PROJECT / deployment["parameters"]["config_path"]).is_file()
    monkeypatch.chdir(PROJECT)
    outputs = {}
    for step in spec["build"]:
        ((name, inputs),) = step.items()
        step_id = inputs.pop("id")
        outputs[step_id] = import_object(name)(**inputs)
    shipped = load_config(PROJECT / "config" / "sweatline.yaml")
    (schedule,) = apply_values(deployments["nightly"]["schedules"], outputs)
    assert (schedule["cron"], schedule["timezone"]) == (shipped.nightly.cron, shipped.nightly.timezone)
    assert "schedules" not in deployments["after-ride"]
    assert "0 3 * * *" not in (PROJECT / "prefect.yaml").read_text()  # written once, in the config
