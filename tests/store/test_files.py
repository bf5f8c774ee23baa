"""Atomic writes: a file or a report folder is whole or absent, even when the writer dies midway."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.fit import read_activity
from pipeline.fit.models import RECORD_COLUMNS
from pipeline.store.files import (
    atomic_directory,
    atomic_write_text,
    atomic_write_with,
    remove_stale_temporaries,
    sha256_file,
)
from pipeline.store.layout import report_slug
from pipeline.store.records import read_records, write_records

PROJECT = Path(__file__).resolve().parents[2]


def test_sha256_matches_the_coreutils_tool(samples: Path) -> None:
    path = samples / "garmin-edge500-cycling-3h31-road.fit"
    expected = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout.split()[0]
    assert sha256_file(path) == expected


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    atomic_write_text(target, "old")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("half a rep")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write_with(target, half_then_fail)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_report_folder_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    final = tmp_path / "reports" / "2024-06-01-cycling-abc"
    with pytest.raises(RuntimeError):
        with atomic_directory(final) as tmp:
            (tmp / "report.md").write_text("# half")
            raise RuntimeError("renderer crashed before report.html")
    assert not final.exists()
    assert list((tmp_path / "reports").iterdir()) == []

    with atomic_directory(final) as tmp:
        for name in ("report.json", "report.md", "report.html"):
            (tmp / name).write_text(name)
    assert sorted(p.name for p in final.iterdir()) == ["report.html", "report.json", "report.md"]

    # replacing: a failure keeps the previous report intact
    with pytest.raises(RuntimeError):
        with atomic_directory(final) as tmp:
            (tmp / "report.json").write_text("new")
            raise RuntimeError("boom")
    assert (final / "report.json").read_text() == "report.json"
    with atomic_directory(final) as tmp:
        (tmp / "report.json").write_text("new")
    assert [p.name for p in final.iterdir()] == ["report.json"]
    assert [p.name for p in (tmp_path / "reports").iterdir()] == [final.name]


def test_a_process_killed_mid_write_leaves_only_a_hidden_temporary_that_is_cleared(tmp_path: Path) -> None:
    final = tmp_path / "reports" / "ride"
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from pipeline.store.files import atomic_directory\n"
        "with atomic_directory(Path(sys.argv[1])) as tmp:\n"
        "    (tmp / 'report.md').write_text('half')\n"
        "    os._exit(9)\n"  # dies like a kill -9: no cleanup runs
    )
    proc = subprocess.run([sys.executable, "-c", script, str(final)], cwd=PROJECT, capture_output=True)
    assert proc.returncode == 9
    assert not final.exists()
    leftovers = list((tmp_path / "reports").iterdir())
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".tmp-")
    assert remove_stale_temporaries(tmp_path / "reports") == 1  # its writer (named in it) is gone: at once
    assert list((tmp_path / "reports").iterdir()) == []


def test_a_write_in_progress_in_a_live_process_is_left_alone(tmp_path: Path) -> None:
    """The temporary of a live writer (an after-ride run during the nightly) is kept,
    however old; the same entry is cleared once that process has exited."""
    final = tmp_path / "reports" / "ride"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from pipeline.store.files import atomic_directory\n"
        "with atomic_directory(Path(sys.argv[1])) as tmp:\n"
        "    (tmp / 'report.md').write_text('half')\n"
        "    print('writing', flush=True)\n"
        "    sys.stdin.readline()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(final)], cwd=PROJECT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        (entry,) = list((tmp_path / "reports").iterdir())
        two_hours_ago = time.time() - 7200  # past the hour after which a nameless temporary is stale
        os.utime(entry, (two_hours_ago, two_hours_ago))
        assert remove_stale_temporaries(tmp_path / "reports") == 0
        proc.kill()
        proc.wait()
        assert remove_stale_temporaries(tmp_path / "reports") == 1
    finally:
        proc.kill()
        proc.wait()
    assert list((tmp_path / "reports").iterdir()) == []


def test_a_report_set_aside_during_a_crash_is_put_back(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    aside = reports / ".old-2024-06-01-cycling-abc-1234abcd"
    aside.mkdir(parents=True)
    (aside / "report.json").write_text("{}")
    assert remove_stale_temporaries(reports, older_than_s=0) == 1
    assert (reports / "2024-06-01-cycling-abc" / "report.json").read_text() == "{}"


def test_records_round_trip_through_parquet(tmp_path: Path, samples: Path) -> None:
    activity = read_activity(samples / "garmin-edge810-cycling-1h18-vector-power.fit")
    rel = write_records(tmp_path, activity.summary.id, activity.records)
    assert rel == f"records/{activity.summary.id}.parquet" and (tmp_path / rel).is_file()
    back = read_records(tmp_path, activity.summary.id)
    assert list(back.columns) == list(RECORD_COLUMNS)
    assert str(back["timestamp"].dtype) == str(activity.records["timestamp"].dtype)
    pd.testing.assert_frame_equal(back, activity.records.reset_index(drop=True))


@pytest.mark.parametrize("sport, expected", [
    ("cycling", "2024-06-01-cycling-0123456789"),
    ("../../etc", "2024-06-01-etc-0123456789"),
    ("", "2024-06-01-activity-0123456789"),
])
def test_report_folder_names_are_readable_and_safe(sport: str, expected: str) -> None:
    from datetime import UTC, datetime

    assert report_slug("0123456789abcdef", sport, datetime(2024, 6, 1, 23, 59, tzinfo=UTC)) == expected
    assert os.sep not in report_slug("0123456789abcdef", sport, None)


def test_reports_get_ordinary_permissions_not_tempfile_private_ones(tmp_path: Path) -> None:
    """tempfile makes 0600 files and 0700 folders; a written report must be readable like any new file."""
    old = os.umask(0o022)
    try:
        import importlib

        import pipeline.store.files as files
        files = importlib.reload(files)  # the module reads the umask once, at import
        written = files.atomic_write_text(tmp_path / "report.md", "# hello\n")
        with files.atomic_directory(tmp_path / "reports" / "ride") as folder:
            (folder / "report.json").write_text("{}")
    finally:
        os.umask(old)
        importlib.reload(files)
    assert written.stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "reports" / "ride").stat().st_mode & 0o777 == 0o755


def test_two_nights_started_in_one_second_keep_two_run_summaries_in_the_order_they_ran() -> None:
    """A night with nothing to do ends within the second it began; the next night started in that
    second must not overwrite its summary (found when the charts became fast)."""
    from datetime import UTC, datetime

    from pipeline.store.layout import run_summary_path

    first = run_summary_path(Path("digests"), datetime(2026, 6, 1, 3, 0, 0, 250_000, tzinfo=UTC))
    second = run_summary_path(Path("digests"), datetime(2026, 6, 1, 3, 0, 0, 980_400, tzinfo=UTC))
    assert first == Path("digests/20260601T030000.250Z-nightly.md")
    assert second == Path("digests/20260601T030000.980Z-nightly.md")
    assert sorted([second, first]) == [first, second]
