"""Past one machine: the nightly on a real Dask cluster (``distributed.LocalCluster``,
two worker processes) through ``prefect_dask.DaskTaskRunner`` gives the same catalog rows and the
same report numbers as the local run over the same inbox, each worker keeping its guarded child
warm from task to task."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flow_support import SAMPLES, catalog_outcome

from flows.nightly import nightly
from pipeline.runtime.guard import children_started

FILES = ("tomtom-runner3-cycling-17min.fit", "garmin-fr945-multisport-1min-bike-run.fit",
         "garmin-edge510-settings.fit")


def _run(tmp_path: Path, inbox: Path, name: str, extra: str = "") -> tuple[dict, dict, list, object]:
    data = tmp_path / f"data-{name}"
    config = tmp_path / f"{name}.yaml"
    config.write_text(f"inbox: {inbox}\ndata_dir: {data}\n{extra}"
                      "athlete: {body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")
    summary = nightly(config_path=str(config))
    rows, reports, rejections = catalog_outcome(data)
    return rows, reports, rejections, summary


@pytest.mark.slow(reason="starts a Dask LocalCluster of two worker processes beside the Prefect server")
def test_the_nightly_on_a_dask_cluster_gives_what_the_local_run_gives(prefect_api: str, tmp_path: Path,
                                                                      caplog) -> None:
    from distributed import Client, LocalCluster

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in FILES:
        shutil.copy(SAMPLES / name, inbox / name)
    local_rows, local_reports, local_rejections, _ = _run(tmp_path, inbox, "local")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit="1GiB") as cluster:
        dask_rows, dask_reports, dask_rejections, summary = _run(
            tmp_path, inbox, "dask", f'dask: {{address: "{cluster.scheduler_address}"}}\n')
        assert any(f"on the Dask cluster at {cluster.scheduler_address}" in r.getMessage() for r in caplog.records)
        with Client(cluster) as client:
            started = client.run(children_started)
    # each worker keeps its guarded child warm from task to task: at most one started per worker, for 3 files
    assert 1 <= sum(started.values()) <= 2
    assert len(local_rows) == 2 and dask_rows == local_rows
    assert dask_reports == local_reports
    assert dask_rejections == local_rejections == [
        ("garmin-edge510-settings.fit", "", "not_activity", local_rejections[0][3])]
    assert summary.line().startswith("processed 2, skipped 0, rejected 1 (garmin-edge510-settings.fit")
