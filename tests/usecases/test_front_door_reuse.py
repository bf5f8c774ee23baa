"""The front door written without going over every activity (the index's table kept under
``cache/``, the digest from the recent activities) is, byte for byte, the front door
:func:`pipeline.report.digest.write_digest` writes over every activity in the catalog: over a
catalog of many varied activities, again when nothing changed (the kept table reused), and after a
new activity, a weigh-in that recalibrated an activity, a report replaced by a longer copy and a
file forgotten. The reference is the full rebuild, computed independently of the kept table."""
from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.core.config import Config, load_config
from pipeline.report import index as index_module
from pipeline.report.digest import write_digest
from pipeline.store.catalog import ActivityRow, Catalog, DuplicateRow, FileRow
from pipeline.store.layout import cache_dir, reports_dir
from pipeline.store.weighins import WeighInRow, WeighIns
from pipeline.usecases.front_door import INDEX_TABLE_CACHE, refresh_front_door
from pipeline.usecases.nightly import write_nightly_digest
from pipeline.usecases.nightly_summary import INDEX_LINE_FILES, NightlySummary

SPORTS = [("cycling", None), ("running", "trail"), ("swimming", "open_water"), ("training", None)]
PAGES = ("index.html", "index.md", "digest.md", "digest.html")
STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")  # the digest page's "generated" time


def _row(i: int, now: datetime) -> ActivityRow:
    """Activity ``i``: sports, names with Markdown and HTML characters, offsets, undated and
    future-clock starts, missing sweat and report folders in and out of ``reports/``, varied."""
    sha = f"{i:064x}"
    sport, sub = SPORTS[i % len(SPORTS)]
    start: datetime | None = now - timedelta(hours=13 * i + 1)
    if i % 97 == 5:
        start = None
    elif i % 89 == 7:
        start = now + timedelta(days=3 + i % 5)  # a device clock set ahead
    sweat = None if i % 11 == 3 else 0.3 + (i % 37) * 0.07
    return ActivityRow(
        id=sha, file_sha256=sha, source=["ride", "<b>run</b>", "a|b_*c*", "Müller [1]"][i % 4] + f"-{i}.fit",
        sport=sport, sub_sport=sub, start_time=start, elapsed_s=600.0 + 97 * i, timer_s=None if i % 13 == 2 else 590.0 + 97 * i,
        sweat_total_l=sweat, sweat_low_l=None if sweat is None else sweat * 0.8,
        sweat_high_l=None if sweat is None else sweat * 1.25, potassium_mg=None if sweat is None else 150.0 + i,
        utc_offset_s=[None, 3600, -5 * 3600, 13 * 3600][i % 4],
        report_dir=f"reports/{sha[:10]}" if i % 7 else f"archive/{sha[:10]}", processed_at=now - timedelta(hours=i),
        activity_key=f"fit-content:{sha}")


def _put(catalog: Catalog, row: ActivityRow, superseded: list[DuplicateRow] | None = None) -> None:
    catalog.record_processed(FileRow(sha256=row.file_sha256, name=row.source, path=row.source, size_bytes=1,
                                     status="processed", activities=1, first_seen_at=row.processed_at,
                                     processed_at=row.processed_at), [row], superseded=superseded)


@pytest.fixture()
def config(tmp_path: Path) -> Config:
    path = tmp_path / "sweatline.yaml"
    path.write_text(f"inbox: {tmp_path / 'inbox'}\ndata_dir: {tmp_path / 'data'}\nweather: {{provider: none}}\n"
                    "nightly: {cron: '0 3 * * *', timezone: Europe/London}\n")
    (tmp_path / "inbox").mkdir()
    loaded = load_config(str(path))
    now = datetime.now(UTC).replace(microsecond=0)
    with Catalog(loaded.data_dir) as catalog:
        for i in range(400):
            _put(catalog, _row(i, now))
    return loaded


def _pages(reports: Path) -> dict[str, bytes]:
    return {name: STAMP.sub("", (reports / name).read_text(encoding="utf-8")).encode() for name in PAGES}


def _nightly(config: Config, started_at: datetime) -> dict[str, bytes]:
    """The nightly's front door, as the nightly writes it (the kept table when it holds)."""
    summary = NightlySummary(run_id="r", started_at=started_at, inbox=config.inbox, data_dir=config.data_dir,
                             skipped=400)
    write_nightly_digest(summary, config)
    return _pages(reports_dir(Path(config.data_dir)))


def _full(config: Config, started_at: datetime, out: Path) -> dict[str, bytes]:
    """The same pages over every activity in the catalog, through the full rebuild."""
    summary = NightlySummary(run_id="r", started_at=started_at, inbox=config.inbox, data_dir=config.data_dir,
                             skipped=400)
    with Catalog(config.data_dir) as catalog:
        activities = catalog.activities()
    write_digest("# run\n", started_at, activities, out / "digests", out / "reports",
                 timezone=config.nightly.timezone, sex=config.athlete.sex,
                 night=summary.line(limit=INDEX_LINE_FILES), units=config.units)
    return _pages(out / "reports")


def test_the_kept_table_gives_the_full_rebuilds_bytes_through_every_change(config: Config, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    started = datetime.now(UTC)
    fast = _nightly(config, started)
    assert fast == _full(config, started, tmp_path / "full0")
    assert b"<b>run</b>" not in fast["index.html"] and fast["index.html"].count(b"<tr>") == 401
    kept = cache_dir(Path(config.data_dir)) / INDEX_TABLE_CACHE
    assert kept.is_file()

    def not_again(rows: object) -> None:
        raise AssertionError("the table was rendered again with nothing changed")

    with monkeypatch.context() as patch:  # nothing changed: the kept table is used as it is
        patch.setattr(index_module, "render_index_table", not_again)
        again = _nightly(config, started + timedelta(days=1))
    assert again == _full(config, started + timedelta(days=1), tmp_path / "full1")

    now = datetime.now(UTC).replace(microsecond=0)
    with Catalog(config.data_dir) as catalog:
        _put(catalog, _row(400, now).model_copy(update={"start_time": now - timedelta(minutes=5)}))
    step = started + timedelta(days=2)
    assert _nightly(config, step) == _full(config, step, tmp_path / "full2")

    with Catalog(config.data_dir) as catalog:  # a weigh-in, and the activity re-estimated with it
        row = catalog.activities()[-3]
        WeighIns(catalog).put(WeighInRow(activity_id=row.id, sport=row.sport, source="manual", pre_kg=70.4,
                                            post_kg=68.9, drank_l=0.5, measured_l=2.0, model_l=1.5,
                                            elapsed_s=row.elapsed_s, recorded_at=now))
        _put(catalog, row.model_copy(update={"sweat_total_l": 2.0, "sweat_low_l": 1.8, "sweat_high_l": 2.2,
                                             "calibrated": True, "calibration_factor": 1.33}))
    step += timedelta(hours=1)
    assert _nightly(config, step) == _full(config, step, tmp_path / "full3")

    with Catalog(config.data_dir) as catalog:  # a report replaced by a longer copy of its recording
        old = catalog.activities()[-10]
        longer = old.model_copy(update={"id": "f" * 64, "file_sha256": "f" * 64, "source": "longer copy.fit",
                                        "activity_key": old.activity_key,
                                        "timer_s": (old.timer_s or 0) + 600, "report_dir": "reports/ffffffffff"})
        _put(catalog, longer, superseded=[DuplicateRow(file_sha256=old.file_sha256, name=old.source, path=old.source,
                                                       activity_key=old.activity_key or "", duplicate_of=longer.id,
                                                       first_source=longer.source, seen_at=now)])
        catalog.forget_file(catalog.activities()[-20].file_sha256)
    step += timedelta(hours=1)
    assert _nightly(config, step) == _full(config, step, tmp_path / "full4")


def test_the_refresh_between_nightlies_gives_the_full_rebuilds_index(config: Config, tmp_path: Path) -> None:
    """``ride``'s refresh with no nightly run yet (no night line), then in other units."""
    refresh_front_door(config)
    with Catalog(config.data_dir) as catalog:
        activities = catalog.activities()
    for units in ("metric", "imperial"):
        changed = config.model_copy(update={"units": units})
        refresh_front_door(changed)
        out = tmp_path / units
        from pipeline.report.index import build_index, write_index

        write_index(build_index(activities, timezone=config.nightly.timezone, units=units), out)
        ours = reports_dir(Path(config.data_dir))
        for name in ("index.html", "index.md"):
            assert (ours / name).read_bytes() == (out / name).read_bytes(), (units, name)
    assert os.path.getsize(cache_dir(Path(config.data_dir)) / INDEX_TABLE_CACHE) > 0
