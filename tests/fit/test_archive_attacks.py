"""Hostile archives, each built here with zipfile / gzip / tarfile, refused or
skipped with one line and bounded memory, and nothing ever written outside the data directory.

Memory is measured as the peak resident size (``ru_maxrss``) of a fresh process reading the
archive, against the same process reading a real FIT file: a bomb may cost at most a few MiB
more than honest input (on main a 64 kB zip of overlapping entries took 705 MB).
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import struct
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from fit_helpers import CONFIG, SAMPLES, SWEATLINE, sample_bytes

from pipeline.core.errors import RejectedFile
from pipeline.fit import read_activities, read_activity
from pipeline.fit.archive import ArchiveLimits, MiB, unpack
from pipeline.usecases.ingest import read_file_activities

RIDE = "garmin-edge530-cycling-18min-indoor-hrv.fit"
ZEROS = b"\0" * (48 * MiB)  # deflates ~1000:1; no FIT recording compresses like that

# The peak RSS of a process that reads ``sys.argv[1]`` with the ingest reader (kB -> MiB, Linux).
PROBE = """
import resource, sys
from pipeline.fit import read_activities
result = read_activities(sys.argv[1])
print(len(result.activities), len(result.rejections))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _peak_mib(path: Path) -> float:
    proc = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return float(proc.stdout.split()[-1])


def _overlapping_zip(path: Path, copies: int) -> Path:
    """One deflated member ``a.fit`` of 48 MiB of zeros, and ``copies`` central-directory entries all
    pointing at its local header (the overlapping-entries bomb: each entry expands the same stream)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.fit", ZEROS)
    raw = buffer.getvalue()
    eocd = raw.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<II", raw, eocd + 12)
    central = raw[cd_offset:cd_offset + cd_size]
    eocd_record = bytearray(raw[eocd:eocd + 22])
    struct.pack_into("<HHII", eocd_record, 8, copies, copies, len(central) * copies, cd_offset)
    path.write_bytes(raw[:cd_offset] + central * copies + bytes(eocd_record))
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _one_refusal(path: Path, *, limits: ArchiveLimits | None = None) -> str:
    result = read_activities(path, limits) if limits else read_activities(path)
    assert result.activities == [] and len(result.rejections) == 1, result
    line = str(result.rejections[0])
    assert "\n" not in line and "Traceback" not in line
    return line


def test_overlapping_entries_are_refused_before_anything_expands(tmp_path: Path) -> None:
    path = _overlapping_zip(tmp_path / "overlap.zip", copies=40)
    assert path.stat().st_size < 200_000  # 40 entries x 48 MiB on main's reading
    with zipfile.ZipFile(path) as archive:  # the stdlib of Python 3.11.7 opens it happily
        assert len(archive.infolist()) == 40
    line = _one_refusal(path)
    assert line.startswith("overlap.zip: zip members overlap") and line.endswith("refused")
    baseline = _peak_mib(SAMPLES / RIDE)
    assert _peak_mib(path) < baseline + 16


def test_a_member_with_a_bomb_ratio_stops_at_the_ratio(tmp_path: Path) -> None:
    path = _zip(tmp_path / "ratio.zip", {"bomb.fit": ZEROS, "ride.fit": sample_bytes(RIDE)})
    result = read_activities(path)
    assert [a.summary.source for a in result.activities] == ["ratio.zip:ride.fit"]
    (refusal,) = result.rejections
    assert str(refusal).startswith("ratio.zip:bomb.fit: member expands more than 100x its")
    baseline = _peak_mib(SAMPLES / RIDE)
    assert _peak_mib(path) < baseline + 16


def test_a_gz_bomb_stops_at_the_ratio(tmp_path: Path) -> None:
    path = tmp_path / "bomb.fit.gz"
    path.write_bytes(gzip.compress(ZEROS))
    line = _one_refusal(path)
    assert line.startswith("bomb.fit.gz: gzip content expands more than 100x its") and "gzip bomb" in line
    assert _peak_mib(path) < _peak_mib(SAMPLES / RIDE) + 16


def test_a_member_over_the_size_limit_and_an_archive_over_the_total(tmp_path: Path) -> None:
    ride = sample_bytes(RIDE)
    limits = ArchiveLimits(max_fit_bytes=len(ride) - 1)
    line = _one_refusal(_zip(tmp_path / "big.zip", {"ride.fit": ride}), limits=limits)
    assert "over the 0 MiB limit for one FIT file" in line or "limit for one FIT file" in line
    path = _zip(tmp_path / "total.zip", {f"r{i}.fit": ride for i in range(3)})
    result = read_activities(path, ArchiveLimits(max_archive_bytes=2 * len(ride) + 1))
    (refusal,) = result.rejections
    assert result.activities == [] and "would expand to" in str(refusal) and "zip bomb?" in str(refusal)


def test_too_many_members(tmp_path: Path) -> None:
    path = _zip(tmp_path / "many.zip", {f"m{i}.csv": b"x" for i in range(30)})
    line = _one_refusal(path, limits=ArchiveLimits(max_members=20))
    assert line == ("many.zip: zip archive declares 30 entries (folders included), over the limit of 20: "
                    "refused before reading its directory")


def test_hostile_names_and_links_never_escape(tmp_path: Path) -> None:
    ride = sample_bytes(RIDE)
    path = tmp_path / "names.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../escaped.fit", ride)
        archive.writestr("/tmp/absolute.fit", ride)
        archive.writestr("C:\\windows\\drive.fit", ride)
        link = zipfile.ZipInfo("link.fit")
        link.external_attr = (0o120777 << 16)  # a symbolic link, its target as the member's bytes
        archive.writestr(link, "/etc/passwd")
    result = read_activities(path)
    reasons = sorted(str(r) for r in result.rejections)
    assert result.activities == [] and len(reasons) == 4
    assert any("path traversal ('..') in member name: refused" in r for r in reasons)
    assert sum("absolute path in member name: refused" in r for r in reasons) == 2
    assert "names.zip:link.fit: member is a symbolic link (never followed): refused" in reasons


def test_nested_archives_are_read_to_the_stated_depth_and_other_members_skipped_with_a_reason(tmp_path: Path) -> None:
    """A zip in a zip is read (Garmin's export), down to ``max_nesting`` levels inside the outer zip
    (three zips deep, as the README says); one deeper, a ``.gz`` of a ``.gz`` and a ``.tar`` are
    named with their reason, never opened."""
    ride = sample_bytes(RIDE)
    deepest = _zip(tmp_path / "level3.zip", {"deep.fit": ride}).read_bytes()
    level2 = _zip(tmp_path / "level2.zip", {"two.fit": ride, "level3.zip": deepest}).read_bytes()
    inner = _zip(tmp_path / "inner.zip", {"ride.fit": ride, "level2.zip": level2}).read_bytes()
    path = _zip(tmp_path / "outer.zip", {"inner.zip": inner, "notes.gpx": b"<gpx/>", "old.tar": b"x" * 600,
                                         "ride.fit.gz.gz": gzip.compress(gzip.compress(ride))})
    unpacked = unpack(path)
    assert [(blob.source, blob.kind) for blob in unpacked.blobs] == [
        ("outer.zip:inner.zip:ride.fit", "fit"), ("outer.zip:inner.zip:level2.zip:two.fit", "fit"),
        ("outer.zip:notes.gpx", "gpx")]
    assert all(blob.activity_id == hashlib.sha256(ride).hexdigest() for blob in unpacked.blobs[:2])
    assert unpacked.rejections == []
    assert unpacked.skipped_reasons == [
        "outer.zip:inner.zip:level2.zip:level3.zip: a zip nested more than 2 levels inside the outer zip (not read): "
        "skipped",
        "outer.zip:old.tar: an archive of a kind not read (.tar; zip and .gz are): skipped",
        "outer.zip:ride.fit.gz.gz: a .gz of something that is not an activity file (.fit, .gpx or .tcx): skipped",
    ]


def test_a_file_only_deeper_than_the_limit_is_refused_naming_the_depth_limit(tmp_path: Path) -> None:
    """A ride four zips deep (three inside the outer one) gives no activity: the refusal says the
    zip was nested deeper than the stated limit, not that the archive holds no activity file."""
    level3 = _zip(tmp_path / "level3.zip", {"deep.fit": sample_bytes(RIDE)}).read_bytes()
    level2 = _zip(tmp_path / "level2.zip", {"level3.zip": level3}).read_bytes()
    inner = _zip(tmp_path / "inner.zip", {"level2.zip": level2}).read_bytes()
    path = _zip(tmp_path / "outer.zip", {"inner.zip": inner, "notes.txt": b"a note"})
    expected = ("outer.zip: no activity file read: inner.zip:level2.zip:level3.zip is a zip nested more than "
                f"{ArchiveLimits().max_nesting} levels inside the outer zip (not read)")
    with pytest.raises(RejectedFile) as refused:
        read_activity(path)
    assert str(refused.value) == expected
    activities, refusals, _, skipped = read_file_activities(path)
    assert activities == [] and [str(r) for r in refusals] == [expected]


def test_a_tar_is_not_unpacked(tmp_path: Path) -> None:
    """A tar (with a link to /etc/passwd and a ``..`` member) named like a FIT file: read as FIT
    bytes, refused as not FIT; nothing inside is ever extracted."""
    path = tmp_path / "export.fit"
    with tarfile.open(path, "w") as archive:
        link = tarfile.TarInfo("passwd.fit")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
        member = tarfile.TarInfo("../../escaped.fit")
        member.size = len(sample_bytes(RIDE))
        archive.addfile(member, io.BytesIO(sample_bytes(RIDE)))
    line = _one_refusal(path)
    assert line == "export.fit: not a FIT file (no '.FIT' signature in the header)"
    assert not (tmp_path.parent / "escaped.fit").exists() and not (tmp_path / "passwd.fit").exists()


@pytest.mark.slow(reason="four ride processes and a real nightly with Prefect: about a minute")
def test_every_attack_through_ride_and_one_nightly(tmp_path: Path, prefect_env: dict[str, str]) -> None:
    """The installed command, as a user runs it: each hostile archive is refused by ``ride`` with
    exit 2 and one line, and one nightly over all of them (against the session's Prefect server)
    records each as one rejection, writes nothing outside its data directory and peaks far below
    the attacks' nominal sizes."""
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    _overlapping_zip(inbox / "overlap.zip", copies=40)
    _zip(inbox / "ratio.zip", {"bomb.fit": ZEROS})
    (inbox / "bomb.fit.gz").write_bytes(gzip.compress(ZEROS))
    _zip(inbox / "names.zip", {"../../escaped.fit": sample_bytes(RIDE)})
    config = tmp_path / "c.yaml"
    config.write_text(CONFIG.format(inbox=inbox, data=data))
    for path in sorted(inbox.iterdir()):
        proc = subprocess.run([str(SWEATLINE), "ride", str(path), "--config", str(config), "--json"],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, (path.name, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
        assert json.loads(proc.stdout)["exit"] == 2
    config.write_text(CONFIG.format(inbox=inbox, data=tmp_path / "night"))  # the rides recorded their refusals
    probe = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); sys.exit(p.returncode)")
    proc = subprocess.run([sys.executable, "-c", probe, str(SWEATLINE), "nightly", "--config", str(config)],
                          capture_output=True, text=True, timeout=300, env=prefect_env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert "processed 0, skipped 0, rejected 4" in proc.stdout
    assert float(lines[-1]) < 600  # MiB: the whole nightly (Prefect included); 40 x 48 MiB if expanded
    assert not (tmp_path / "escaped.fit").exists() and not (tmp_path.parent / "escaped.fit").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml", "data", "inbox", "night"]


def test_a_bomb_nested_in_a_zip_is_refused_in_one_line_without_expanding(tmp_path: Path) -> None:
    """A zip bomb one level down (where Garmin's export keeps its activities) costs no more than
    one at the top: a member past the ratio is refused as it is read, an overlapping-entries zip
    before anything expands; the rest of the archive is still read."""
    ratio = io.BytesIO()
    with zipfile.ZipFile(ratio, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.fit", ZEROS)
    overlap = _overlapping_zip(tmp_path / "overlap.zip", copies=40).read_bytes()
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:  # stored: deflating them again would trip the ratio
        archive.writestr("DI_CONNECT/Part1.zip", ratio.getvalue())
        archive.writestr("DI_CONNECT/Part2.zip", overlap)
        archive.writestr("ride.fit", sample_bytes(RIDE))
    result = read_activities(path)
    assert [a.summary.source for a in result.activities] == ["export.zip:ride.fit"]
    lines = sorted(str(r) for r in result.rejections)
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    assert lines[0].startswith("export.zip:DI_CONNECT/Part1.zip:bomb.fit: member expands more than 100x")
    assert lines[1].startswith("export.zip:DI_CONNECT/Part2.zip: zip members overlap")
    assert _peak_mib(path) < _peak_mib(SAMPLES / RIDE) + 16  # MiB; 40 x 48 MiB if the overlap expanded


def test_nested_archives_share_the_outer_archives_member_and_byte_budget(tmp_path: Path) -> None:
    ride = sample_bytes(RIDE)
    inner = _zip(tmp_path / "inner.zip", {f"r{i}.fit": ride for i in range(3)}).read_bytes()
    path = _zip(tmp_path / "outer.zip", {"a.zip": inner, "b.zip": inner})
    assert len(read_activities(path).activities) == 6  # within the default limits: every ride
    # members: 2 at the top + 3 in a.zip fit in 6; b.zip's 3 more do not
    line = str(read_activities(path, ArchiveLimits(max_members=6)).rejections[0])
    assert line == ("outer.zip:b.zip: zip archive declares 3 entries (folders included) besides the 5 of the archives "
                    "around it, over the limit of 6: refused before reading its directory")
    # bytes: the inner zips' own bytes and their rides' count against one budget: b.zip's rides would
    # pass it, so b.zip is refused, named, before it expands (a.zip's rides are kept)
    budget = 2 * len(inner) + 5 * len(ride)  # one ride short of everything
    result = read_activities(path, ArchiveLimits(max_archive_bytes=budget, max_fit_bytes=len(ride)))
    assert [a.summary.source for a in result.activities] == [f"outer.zip:a.zip:r{i}.fit" for i in range(3)]
    (line,) = map(str, result.rejections)
    assert line.startswith(f"outer.zip:b.zip: zip archive would expand to {3 * len(ride)} bytes, over the 0 MiB limit")
