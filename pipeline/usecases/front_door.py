"""The front door kept current between nightlies: after ``sweatline ride`` or a weigh-in changed an
answer, ``reports/index.html``/``.md`` and the digest pages are written again over every activity in
the catalog, with the last nightly run's summary line kept above the table (the nightly itself
writes them through :func:`pipeline.report.digest.write_digest`)."""
from __future__ import annotations

import os
from pathlib import Path

from pipeline.core.config import Config
from pipeline.store.catalog import Catalog
from pipeline.store.layout import NIGHTLY_RUN, digests_dir, reports_dir, run_summary_path


def refresh_front_door(config: Config) -> Path:
    """Write the index and the digest pages again from the catalog under ``config.data_dir``;
    returns the index's path. Raises ``OSError``/``sqlite3.Error`` for storage trouble (one line in
    the command line)."""
    from pipeline.report.digest import build_digest, write_digest_pages
    from pipeline.report.index import build_index, write_index

    data_dir = Path(config.data_dir)
    with Catalog(data_dir) as catalog:
        activities = catalog.activities()
        nights = [run for run in catalog.runs(NIGHTLY_RUN) if run.state == "completed"]
    reports = reports_dir(data_dir)
    write_digest_pages(build_digest(activities, timezone=config.nightly.timezone, sex=config.athlete.sex,
                                    units=config.units), reports)
    night = max(nights, key=lambda run: run.started_at) if nights else None
    night_path = None
    if night is not None:
        summary = run_summary_path(digests_dir(data_dir), night.started_at)
        if summary.is_file():
            night_path = os.path.relpath(summary, reports).replace(os.sep, "/")
    html, _ = write_index(build_index(activities, timezone=config.nightly.timezone,
                                      night=night.summary if night is not None else None,
                                      night_at=night.started_at if night is not None else None,
                                      night_path=night_path, units=config.units), reports)
    return html


def warm_front_door() -> None:
    """Import what :func:`refresh_front_door` needs and compile its templates, so a later call does
    not wait for them. ``sweatline ride`` runs it on a thread while the guard's child reads a new
    file (the main thread only waits on the child then): timed inside a ride of a 1-minute file,
    the refresh after the answer took 0.18–0.27 s before, 0.02 s after (2 processors)."""
    import importlib

    from pipeline.report import digest
    from pipeline.report.index import index_template

    importlib.import_module("pipeline.report.charts")  # numpy, for the digest's trend chart
    digest.compile_templates()
    index_template()
