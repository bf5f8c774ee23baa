"""Work bounded before it is done: an inbox file's size is checked before it is hashed, a zip's
decompressed bytes (not its stored ones) are counted against its cap, and a zip's directory is
sized from its end record before it is parsed.

Sizes come from the file system (a sparse file of 100 GB costs no disk) and from the zip format
(PKWARE APPNOTE 6.3.10: a central-directory entry is 46 bytes and its name; the end record, 22
bytes, holds the entry count at offset 10 and the directory's size at offset 12).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import struct
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from fit_helpers import CONFIG, SWEATLINE, sample_bytes

from pipeline.fit import read_activities
from pipeline.fit.archive import ArchiveLimits, MiB, stored_bytes_cap, unpack
from pipeline.store.files import OVERSIZE_KEY_PREFIX, sha256_file
from pipeline.usecases.inbox import scan_inbox
from pipeline.usecases.nightly import hash_files

RIDE = "garmin-edge530-cycling-18min-indoor-hrv.fit"
HUGE = 100 * 1024 ** 3  # 100 GiB, sparse


def _sparse(path: Path, size: int = HUGE) -> Path:
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


@pytest.mark.parametrize("name", ["huge.fit", "huge.FIT.gz", "huge.zip"])
def test_an_oversized_inbox_file_is_keyed_and_refused_without_being_read(tmp_path: Path, name: str) -> None:
    path = _sparse(tmp_path / name)
    began = time.monotonic()
    key = sha256_file(path, stored_bytes_cap(path))
    assert key.startswith(OVERSIZE_KEY_PREFIX)
    assert sha256_file(path, stored_bytes_cap(path)) == key  # the same key again: later nights skip it
    with pytest.raises(Exception) as refused:
        unpack(path)
    cap = 256 if name.endswith(".zip") else 64
    assert str(refused.value) == (f"{name}: {'zip archive' if cap == 256 else 'file'} of {HUGE} bytes is over "
                                  f"the {cap} MiB limit: refused")
    assert time.monotonic() - began < 5  # hashing 100 GiB of zeros takes minutes


def test_the_nightly_hashes_known_and_small_files_but_not_an_oversized_one(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    ride = sample_bytes(RIDE)
    (inbox / "ride.fit").write_bytes(ride)
    _sparse(inbox / "sparse.fit")
    _sparse(inbox / "sparse.zip", 257 * MiB)
    (inbox / "edge.fit").write_bytes(b"\0" * (64 * MiB))  # exactly the cap: hashed as any other
    files = scan_inbox(inbox)
    began = time.monotonic()
    for data_dir in (None, tmp_path / "data"):
        hashes = dict(zip((f.path.name for f in files), hash_files(files, data_dir)))
        assert hashes["ride.fit"] == hashlib.sha256(ride).hexdigest()
        assert hashes["edge.fit"] == hashlib.sha256(b"\0" * (64 * MiB)).hexdigest()
        assert hashes["sparse.fit"].startswith(OVERSIZE_KEY_PREFIX)
        assert hashes["sparse.zip"].startswith(OVERSIZE_KEY_PREFIX)
    assert time.monotonic() - began < 10


def test_ride_refuses_a_sparse_100_gib_file_at_once(tmp_path: Path) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    path = _sparse(inbox / "sparse.fit")
    config = tmp_path / "c.yaml"
    config.write_text(CONFIG.format(inbox=inbox, data=data))
    proc = subprocess.run([str(SWEATLINE), "ride", str(path), "--config", str(config), "--json"],
                          capture_output=True, text=True, timeout=60)  # main hashed it for 300 s
    assert proc.returncode == 2, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert f"sparse.fit: file of {HUGE} bytes is over the 64 MiB limit: refused" in line
    assert json.loads(proc.stdout)["exit"] == 2


def _gz_zip(path: Path, members: int, method: int) -> Path:
    ride = sample_bytes(RIDE)
    with zipfile.ZipFile(path, "w", method) as archive:
        for i in range(members):
            archive.writestr(f"r{i}.fit.gz", gzip.compress(ride, mtime=0))
    return path


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_fit_gz_members_count_their_gunzipped_bytes_against_the_archive_cap(tmp_path: Path, method: int) -> None:
    ride = sample_bytes(RIDE)
    gz = len(gzip.compress(ride, mtime=0))
    assert 3 * gz < 2 * len(ride)  # the stored bytes fit the cap below; the decompressed ones do not
    path = _gz_zip(tmp_path / "gz.zip", 3, method)
    limits = ArchiveLimits(max_archive_bytes=2 * len(ride) + 1)
    result = read_activities(path, limits)
    assert result.activities == [] and len(result.rejections) == 1
    assert str(result.rejections[0]).startswith("gz.zip: zip archive expands beyond 0 MiB")
    two = read_activities(_gz_zip(tmp_path / "two.zip", 2, method), limits)  # within the cap: both read
    assert len(two.activities) == 2 and two.rejections == []


def _lie_about_sizes(path: Path, size: int) -> None:
    """Set every central-directory entry's uncompressed size (offset 24) to ``size`` bytes."""
    raw = bytearray(path.read_bytes())
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        struct.pack_into("<I", raw, at + 24, size)
        at = raw.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(raw))


def test_a_zip_whose_directory_understates_sizes_is_cut_at_the_bytes_actually_read(tmp_path: Path) -> None:
    ride = sample_bytes(RIDE)
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(3):
            archive.writestr(f"r{i}.fit", ride + bytes([i]))
    _lie_about_sizes(path, 10)
    result = read_activities(path, ArchiveLimits(max_archive_bytes=2 * len(ride) + 1))
    assert result.activities == []
    assert any("expands beyond" in str(r) or "unreadable zip member" in str(r) for r in result.rejections)


def _folders_zip(path: Path, folders: int, *, declared: int | None = None) -> Path:
    """A zip of ``folders`` directory entries (no member at all), its end record's entry count set
    to ``declared`` when given (a count that lies)."""
    entry = bytearray(46)
    struct.pack_into("<IHHHHHHIIIHHHHHII", entry, 0, 0x02014B50, 20, 20, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0x10, 0)
    central = b"".join(bytes(entry) + b"%c/" % (65 + i % 26) for i in range(folders))
    count = folders if declared is None else declared
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF), len(central), 0, 0)
    path.write_bytes(central + eocd)
    return path


def test_a_zip_of_many_folders_is_refused_from_its_end_record(tmp_path: Path) -> None:
    path = _folders_zip(tmp_path / "folders.zip", 3000)
    with zipfile.ZipFile(path) as archive:  # the standard library parses all 3,000 entries
        assert len(archive.infolist()) == 3000
    result = read_activities(path)
    (refusal,) = result.rejections
    assert str(refusal) == ("folders.zip: zip archive declares 3000 entries (folders included), over the limit "
                            "of 2000: refused before reading its directory")


def test_a_zip_whose_entry_count_lies_is_refused_by_its_directory_size(tmp_path: Path) -> None:
    path = _folders_zip(tmp_path / "liar.zip", 200_000, declared=1)
    assert path.stat().st_size > 9 * MiB
    began = time.monotonic()
    (refusal,) = read_activities(path).rejections
    assert str(refusal).startswith("liar.zip: zip directory of 9600000 bytes, more than 2000 entries need")
    assert time.monotonic() - began < 1  # zipfile would parse 200,000 entries first


def test_a_zip64_end_record_is_read_for_its_count(tmp_path: Path) -> None:
    """Zip64 (APPNOTE 4.3.14-4.3.15): the plain record says 0xFFFF, the Zip64 record the real count."""
    folders = 2500
    plain = _folders_zip(tmp_path / "plain.zip", folders).read_bytes()
    central = plain[:-22]
    zip64 = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, folders, folders, len(central), 0)
    locator = struct.pack("<IIQI", 0x07064B50, 0, len(central), 1)
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    path = tmp_path / "z64.zip"
    path.write_bytes(central + zip64 + locator + eocd)
    (refusal,) = read_activities(path).rejections
    assert "declares 2500 entries" in str(refusal)


def test_the_caps_per_kind() -> None:
    assert stored_bytes_cap(Path("a.FIT")) == stored_bytes_cap(Path("a.fit.gz")) == 64 * MiB
    assert stored_bytes_cap(Path("export.ZIP")) == 256 * MiB
