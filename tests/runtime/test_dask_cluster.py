"""The nightly's plan and guard on a real Dask cluster (``distributed.LocalCluster``, small): batches
cut for the threads the scheduler counts, and a worker's guarded child kept warm from task to task
(counted as children started, not timed)."""
from __future__ import annotations

import shutil
from pathlib import Path

from shared_paths import SAMPLES

from pipeline.core.config import Config, parse_config
from pipeline.runtime import dask_cluster
from pipeline.runtime.guard import children_started, plan_work
from pipeline.store.files import sha256_file
from pipeline.usecases.guarded import Job, process_files_guarded

FILES = ("tomtom-runner3-cycling-17min.fit", "garmin-fr945-multisport-1min-bike-run.fit",
         "garmin-edge510-settings.fit")


def test_the_dask_plan_batches_for_the_threads_of_the_clusters_workers() -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        big = plan_work(200, dask_address=address)
        small = plan_work(40, dask_address=address)
        tiny = plan_work(4, dask_address=address)
    # 4 threads in all; batches as for 4 local processors: ceil(N / (4 threads * 4 tasks each)), at most 16
    assert big.model_dump(exclude={"said"}) == {"runner": "dask", "files_at_once": 4, "files_per_task": 13,
                                                "warm_children": True}
    assert small.files_per_task == 3  # ceil(40 / 16)
    assert tiny.files_per_task == 1 and tiny.files_at_once is None  # too few to batch: not asked
    assert f"on the Dask cluster at {address} (2 worker(s), 4 thread(s) in all), up to 13 files per task" in big.said


def test_a_cluster_that_cannot_be_asked_keeps_one_file_per_task_and_says_why(monkeypatch) -> None:
    monkeypatch.setattr(dask_cluster, "DASK_ASK_TIMEOUT_S", 1.0)
    plan = plan_work(200, dask_address="tcp://127.0.0.1:9")  # the discard port: nothing listens
    assert plan.model_dump(exclude={"said"}) == {"runner": "dask", "files_at_once": None, "files_per_task": 1,
                                                 "warm_children": True}
    assert plan.said.startswith("on the Dask cluster at tcp://127.0.0.1:9 (the Dask workers could not be counted (")
    assert plan.said.endswith("each file in its own guarded process")


def test_a_guarded_child_on_a_dask_worker_reads_every_file_it_is_handed_and_stays_for_the_next_task(
        tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    jobs: list[Job] = []
    for name in FILES:
        shutil.copy(SAMPLES / name, tmp_path / name)
        jobs.append((tmp_path / name, sha256_file(tmp_path / name), None))
    config = parse_config({"inbox": str(tmp_path), "data_dir": str(tmp_path / "data")})

    def read_on_the_worker(jobs: list[Job], config: Config) -> tuple[list[str], int]:
        """On the worker (a local function: Dask sends it by value): the jobs read as a
        ``process-files`` task on Dask reads them; their statuses and the children started meanwhile."""
        before = children_started()
        statuses = [outcome.status for _, outcome in process_files_guarded(  # type: ignore[union-attr]
            jobs, config, keep_warm=True)]
        return statuses, children_started() - before

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit="1GiB") as cluster, Client(cluster) as client:
        first = client.submit(read_on_the_worker, jobs, config, pure=False).result(timeout=300)
        second = client.submit(read_on_the_worker, jobs[:2], config, pure=False).result(timeout=300)
        on_workers = client.run(children_started)
    assert first == (["processed", "processed", "rejected"], 1)  # three files, one child
    assert second == (["processed", "processed"], 0)  # the next task: the same child, warm
    assert list(on_workers.values()) == [1]
