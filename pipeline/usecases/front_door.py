"""The front door: ``reports/index.html``/``.md`` and the digest pages, written by the nightly
(:func:`pipeline.usecases.nightly.write_nightly_digest`) and kept current between nightlies (after
``sweatline ride`` or a weigh-in changed an answer, :func:`refresh_front_door`).

The pages say the same as :func:`pipeline.report.digest.write_digest` over every activity in the
catalog, byte for byte, without going over every activity each time:

* the digest covers the last weeks only, so it is built from the activities within
  :func:`pipeline.report.digest.digest_reach` of the newest believable start;
* the index's table of every activity is rendered once and kept under ``cache/`` with the key of
  what it is made of (:func:`pipeline.report.index.index_table_key`: the activities' raw columns,
  time zone, units, code); it is reused while the key holds, and rebuilt whole when not. The night's
  line and this week's totals are computed afresh from this week's activities.
"""
from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.config import Config
from pipeline.store.catalog import Catalog
from pipeline.store.files import atomic_write_text
from pipeline.store.layout import NIGHTLY_RUN, cache_dir, digests_dir, reports_dir, run_summary_path

if TYPE_CHECKING:
    from pipeline.report.index import IndexTable

INDEX_TABLE_CACHE = "index-table.json"
WEEK_REACH = timedelta(days=9)
"""How long before the night an activity can still be in its ISO week: seven days back to the
Monday, two for the difference between a local date and its UTC one (UTC-12 to UTC+14)."""


def refresh_front_door(config: Config) -> Path:
    """Write the index and the digest pages again from the catalog under ``config.data_dir``, the
    last completed nightly's summary line kept above the table; returns the index's path. Raises
    ``OSError``/``sqlite3.Error`` for storage trouble (one line in the command line)."""
    data_dir = Path(config.data_dir)
    reports = reports_dir(data_dir)
    with Catalog(data_dir) as catalog:
        nights = [run for run in catalog.runs(NIGHTLY_RUN) if run.state == "completed"]
        write_recent_digest(catalog, config)
        night = max(nights, key=lambda run: run.started_at) if nights else None
        night_path = None
        if night is not None:
            summary = run_summary_path(digests_dir(data_dir), night.started_at)
            if summary.is_file():
                night_path = os.path.relpath(summary, reports).replace(os.sep, "/")
        html, _ = write_front_index(catalog, config, night=night.summary if night is not None else None,
                                    night_at=night.started_at if night is not None else None, night_path=night_path)
    return html


def write_recent_digest(catalog: Catalog, config: Config) -> tuple[Path, Path]:
    """The digest pages (:func:`pipeline.report.digest.write_digest_pages`) into ``reports/``, built
    from the activities within :func:`~pipeline.report.digest.digest_reach` of the newest believable
    start (of now, with none): the same pages as from every activity. Returns (html, md)."""
    from pipeline.report.digest import build_digest, digest_reach, write_digest_pages

    since = (catalog.newest_believable_start() or datetime.now(UTC)) - digest_reach()
    digest = build_digest(catalog.activities(since=since), timezone=config.nightly.timezone, sex=config.athlete.sex,
                          units=config.units)
    return write_digest_pages(digest, reports_dir(Path(config.data_dir)))


def write_front_index(catalog: Catalog, config: Config, *, night: str | None, night_at: datetime | None,
                      night_path: str | None) -> tuple[Path, Path]:
    """``reports/index.html`` and ``index.md`` (:func:`pipeline.report.index.write_index`): the night's
    line and this week's totals from this week's activities, the table of every activity from
    :func:`index_table`. The same bytes as :func:`~pipeline.report.index.build_index` over every
    activity gives. Returns (html, md)."""
    from pipeline.report.index import build_index, write_index

    when = night_at or datetime.now(UTC)
    week = build_index(catalog.activities(since=when - WEEK_REACH), timezone=config.nightly.timezone, night=night,
                       night_at=night_at, night_path=night_path, today=when, units=config.units)
    return write_index(week, reports_dir(Path(config.data_dir)), index_table(catalog, config))


def index_table(catalog: Catalog, config: Config) -> IndexTable:
    """The index's table of every activity in ``catalog``: the one kept under ``cache/`` when its key
    (:func:`pipeline.report.index.index_table_key`) is still the catalog's, else rendered from every
    activity and kept for next time (only when the catalog did not change meanwhile). A kept table
    that cannot be read is rebuilt; one that cannot be written is rebuilt next time."""
    from pipeline.report.index import INDEX_ROW_COLUMNS, IndexTable, build_index, index_table_key, render_index_table

    def key() -> str:
        return index_table_key(catalog.index_inputs(INDEX_ROW_COLUMNS), timezone=config.nightly.timezone,
                               units=config.units)

    path = cache_dir(Path(config.data_dir)) / INDEX_TABLE_CACHE
    wanted = key()
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and kept.get("key") == wanted:
            return IndexTable.model_validate(kept.get("table"))
    except (OSError, ValueError):  # absent, torn or foreign: rebuilt below
        pass
    table = render_index_table(build_index(catalog.activities(), timezone=config.nightly.timezone,
                                           units=config.units).rows)
    if key() == wanted:  # nothing committed between the key and the rows
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, json.dumps({"key": wanted, "table": table.model_dump()}))
        except OSError:
            pass
    return table


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
