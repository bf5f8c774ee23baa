"""``.fit.gz`` and ``.zip`` input: ids, many activities per archive, limits, hostile names.

Archives are built in tmp_path at test time from sample bytes (no sample is committed).
"""
from __future__ import annotations

import gzip
import hashlib
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fit_helpers import manifest_row, sample_activity, sample_bytes
from shared_paths import json_error_or_nothing

from pipeline.core.errors import RejectedFile
from pipeline.fit import decode_activity, read_activities, read_activity
from pipeline.fit.archive import ArchiveLimits, MiB

RUN = "garmin-fr965-running-1h15-power.fit"
RIDE = "garmin-edge530-cycling-18min-indoor-hrv.fit"
SETTINGS = "garmin-edge510-settings.fit"
EMPTY = "unknown-unknown-none-zero-length.fit"
GZ = "garmin-edge1030plus-cycling-46min-virtual-odd-session.fit.gz"


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_fit_gz_sample() -> None:
    activity = sample_activity(GZ)
    raw = sample_bytes(GZ)
    assert activity.summary.id == hashlib.sha256(raw).hexdigest() == manifest_row(GZ)["sha256"]  # of the .gz
    same = decode_activity(gzip.decompress(raw), "plain.fit")
    assert same.summary.timer_s == activity.summary.timer_s
    assert len(same.records) == len(activity.records) == int(manifest_row(GZ)["records"])


def test_gz_that_is_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "ride.fit.gz"
    path.write_bytes(sample_bytes(RIDE))
    with pytest.raises(RejectedFile) as err:
        read_activity(path)
    assert err.value.kind == "archive" and str(err.value).startswith("ride.fit.gz: not a valid gzip file")


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.fit.gz"
    path.write_bytes(gzip.compress(b"\0" * (2 * MiB)))
    with pytest.raises(RejectedFile) as err:
        read_activity(path, ArchiveLimits(max_fit_bytes=1 * MiB))
    assert "expands more than 100x" in str(err.value) and "\n" not in str(err.value)  # stopped at the ratio
    path.write_bytes(gzip.compress(os.urandom(2 * MiB)))  # incompressible: refused before it is read
    with pytest.raises(RejectedFile) as err:
        read_activity(path, ArchiveLimits(max_fit_bytes=1 * MiB))
    assert str(err.value) == f"bomb.fit.gz: file of {path.stat().st_size} bytes is over the 1 MiB limit: refused"
    path.write_bytes(gzip.compress(os.urandom(MiB // 2) + b"\0" * (MiB // 2 + 1024)))  # under 100x, over 1 MiB out
    with pytest.raises(RejectedFile) as err:
        read_activity(path, ArchiveLimits(max_fit_bytes=1 * MiB))
    assert "gzip content larger than 1 MiB" in str(err.value)


def test_zip_with_many_members(tmp_path: Path) -> None:
    path = _zip(tmp_path / "export.zip", {
        "activities/run.fit": sample_bytes(RUN),
        "activities/ride.fit.gz": gzip.compress(sample_bytes(RIDE)),
        "activities/settings.fit": sample_bytes(SETTINGS),
        "activities/empty.fit": sample_bytes(EMPTY),
        "activities.csv": b"id,name\n1,run\n",
        "activities/": b"",
    })
    result = read_activities(path)
    by_source = {a.summary.source: a for a in result.activities}
    assert sorted(by_source) == ["export.zip:activities/ride.fit.gz", "export.zip:activities/run.fit"]
    # a member's id is the SHA-256 of its bytes as extracted: the same file loose has the same id
    assert by_source["export.zip:activities/run.fit"].summary.id == manifest_row(RUN)["sha256"]
    assert by_source["export.zip:activities/ride.fit.gz"].summary.timer_s == sample_activity(RIDE).summary.timer_s
    rejected = {str(r.source): r for r in result.rejections}
    assert set(rejected) == {"export.zip:activities/settings.fit", "export.zip:activities/empty.fit"}
    assert rejected["export.zip:activities/settings.fit"].kind == "not_activity"
    assert rejected["export.zip:activities/empty.fit"].kind == "empty"
    assert result.skipped == ["export.zip:activities.csv"]
    with pytest.raises(RejectedFile) as err:
        read_activity(path)  # `ride` wants one activity
    assert "holds 2 activities" in str(err.value)


def test_zip_member_id_is_the_member_bytes(tmp_path: Path) -> None:
    member = gzip.compress(sample_bytes(RIDE), mtime=0)
    path = _zip(tmp_path / "one.zip", {"ride.fit.gz": member, "broken.fit": b"not a FIT file at all"})
    activity = read_activity(path)
    assert activity.summary.id == hashlib.sha256(member).hexdigest()
    assert any("broken.fit" in w and "not a FIT file" in w for w in activity.summary.warnings)


@pytest.mark.parametrize("name", ["../evil.fit", "a/../../evil.fit", "/etc/evil.fit", "C:\\evil.fit",
                                  "..\\..\\evil.fit", "bell\x07.fit", "x" * 300 + ".fit"])
def test_hostile_member_names_are_refused(tmp_path: Path, name: str) -> None:
    path = _zip(tmp_path / "hostile.zip", {name: sample_bytes(RIDE), "good.fit": sample_bytes(RUN)})
    result = read_activities(path)
    assert [a.summary.source for a in result.activities] == ["hostile.zip:good.fit"]
    assert len(result.rejections) == 1
    line = str(result.rejections[0])
    assert result.rejections[0].kind == "archive" and "refused" in line
    assert "\n" not in line and "\x07" not in line and len(line) < 400


def test_too_many_members(tmp_path: Path) -> None:
    path = _zip(tmp_path / "many.zip", {f"{i}.fit": b"x" for i in range(4)})
    result = read_activities(path, ArchiveLimits(max_members=3))
    assert result.activities == [] and len(result.rejections) == 1
    assert "4 entries" in str(result.rejections[0])


def test_declared_size_over_the_archive_limit(tmp_path: Path) -> None:
    path = _zip(tmp_path / "big.zip", {"a.fit": b"\0" * (3 * MiB), "b.fit": b"\0" * (3 * MiB)})
    with pytest.raises(RejectedFile) as err:
        read_activity(path, ArchiveLimits(max_fit_bytes=4 * MiB, max_archive_bytes=5 * MiB))
    assert "zip bomb" in str(err.value)


def test_not_a_zip_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(sample_bytes(RIDE))
    with pytest.raises(RejectedFile) as err:
        read_activity(path)
    assert str(err.value).startswith("export.zip: not a readable zip archive")
    with pytest.raises(RejectedFile) as err:
        read_activity(tmp_path / "nowhere.fit")
    assert err.value.kind == "unreadable"
    with pytest.raises(RejectedFile):
        read_activity(tmp_path)


def test_zip_bomb_through_the_cli(tmp_path: Path, ride: Any) -> None:
    """A member that inflates past the 64 MiB per-file limit: one line, exit 2, nothing else."""
    path = _zip(tmp_path / "bomb.zip", {"bomb.fit": b"\0" * (64 * MiB + 1)})
    assert path.stat().st_size < 1 * MiB
    proc = ride(path)
    assert proc.returncode == 2
    assert len(proc.stderr.splitlines()) == 1 and "64 MiB" in proc.stderr
    assert "Traceback" not in proc.stderr and json_error_or_nothing(proc.stdout, proc.stderr)

