"""A hostile inbox: names that are not UTF-8 or carry terminal escapes, damaged zip members, an
unreadable file. One bad file is one rejection, recorded once; the night goes on, and so do the
nights after; nothing that came from a file reaches the terminal, the Prefect task-run names or
the artifacts as a control character or as Markdown markup."""
from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from flow_support import write_config
from shared_paths import SAMPLES, SWEATLINE

GOOD = SAMPLES / "tomtom-runner3-cycling-17min.fit"

HOSTILE_NAMES = {  # name on disk (bytes) -> what it carries
    b"M\xfcller-ride.fit": "a Latin-1 u-umlaut from a FAT watch (not UTF-8)",
    b"osc52-\x1b]52;c;aGVsbG8=\x07.fit": "OSC 52: sets the clipboard",
    b"csi-\x1b[31;7mred\x1b[0m.fit": "CSI colours",
    "c1-\u009b2J.fit".encode(): "the 8-bit CSI U+009B",
    "bidi-\u202eexe.fit".encode(): "a right-to-left override",
    "sep-\u2028line.fit".encode(): "a Unicode line separator",
    b"[link](javascript:alert(1)) https:--x.fit": "Markdown link syntax",
}
FROM_FILES = [b"\x1b]", b"\x07", b"\x1b[31;7m", "\u009b".encode(), "\u202e".encode(), "\u2028".encode(), b"\xfc"]
"""Byte sequences that only the file names above could have put in the output."""


def _damaged_zip(path: Path, method: int) -> Path:
    """A zip whose one member's compressed bytes are damaged (its header and CRC as written)."""
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        archive.write(GOOD, "ride.fit")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 40, start + min(info.compress_size - 10, 400)):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


DAMAGED_ZIPS = {"damaged-lzma.zip": zipfile.ZIP_LZMA, "damaged-bzip2.zip": zipfile.ZIP_BZIP2,
                "damaged-deflate.zip": zipfile.ZIP_DEFLATED}


def _hostile_inbox(inbox: Path) -> None:
    samples = sorted(p for p in SAMPLES.glob("*.fit") if "cycling" in p.name and "min-" in p.name)[:len(HOSTILE_NAMES)]
    for name, sample in zip(HOSTILE_NAMES, samples):
        shutil.copy(sample, os.path.join(os.fsencode(inbox), name))
    for name, method in DAMAGED_ZIPS.items():
        _damaged_zip(inbox / name, method)


def _on_a_terminal(args: list[str], env: dict[str, str], timeout_s: float = 600) -> tuple[int, bytes]:
    """Run ``args`` with stdin, stdout and stderr on a new pseudo-terminal; its exit status and every
    byte it wrote there."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    out = bytearray()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's last writer closed it
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    os.close(leader)
    return proc.wait(timeout=30), bytes(out)


def test_a_hostile_inbox_is_one_rejection_per_bad_file_and_every_night_goes_on(prefect_api: str,
                                                                                 tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    from pipeline.store.catalog import Catalog

    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    _hostile_inbox(inbox)
    config = write_config(tmp_path, inbox, data)
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "TERM": "xterm-256color", "COLUMNS": "120"}

    code, out = _on_a_terminal([str(SWEATLINE), "nightly", "--config", str(config)], env)
    assert code == 0, out[-3000:]
    for sequence in FROM_FILES:
        assert sequence not in out, (sequence, out[-3000:])
    with Catalog(data) as catalog:
        sources = sorted(a.source for a in catalog.activities())
        rejections = sorted((r.name, r.member, r.kind) for r in catalog.rejections())
        (run,) = catalog.runs("nightly")
    assert len(sources) == len(HOSTILE_NAMES)
    assert "M\\xfcller-ride.fit" in sources  # stored and shown with the byte it could not decode
    assert rejections == sorted((name, "ride.fit", "archive") for name in DAMAGED_ZIPS)

    # the Prefect UI's view: task-run names and the artifacts hold no control character from a name,
    # and the table's cells (rendered as Markdown there) make no link
    with get_client(sync_client=True) as client:
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.prefect_flow_run_id])))
        names = [task_run.name for task_run in runs]
        artifacts = [a for a in client.read_artifacts() if str(a.flow_run_id) == run.prefect_flow_run_id]
    processing = [name for name in names if name.startswith("process ")]  # one per file, or per batch of files
    assert processing and all(name.isprintable() for name in processing), processing
    shown = "\n".join(names + [str(a.data) for a in artifacts] + [a.description or "" for a in artifacts])
    for sequence in FROM_FILES:
        assert sequence.decode("utf-8", "surrogateescape") not in shown
    assert not re.search(r"(?<!\\)\]\(javascript:", shown) and "\\[link\\]" in shown  # escaped: no link

    # the next nights: the same bad files are skipped (not rejected again), exit 0
    for _ in range(2):
        code, out = _on_a_terminal([str(SWEATLINE), "nightly", "--config", str(config)], env)
        assert code == 0, out[-3000:]
        with Catalog(data) as catalog:
            assert sorted((r.name, r.member, r.kind) for r in catalog.rejections()) == rejections
            assert catalog.runs("nightly")[-1].state == "completed"


_AS_NOBODY = """
import sys
from pathlib import Path
from pipeline.core.errors import RejectedFile
from pipeline.fit.archive import unpack
from pipeline.usecases.inbox import scan_inbox
from pipeline.usecases.nightly import hash_files
import os
if os.geteuid() == 0:  # root reads every file: become a user the file's mode shuts out (after the imports)
    os.setgid(65534)
    os.setuid(65534)
files = scan_inbox(Path(sys.argv[1]))
first, again = hash_files(files), hash_files(files)
print(first == again, *[h[:11] for h in first])
try:
    unpack(files[0].path)
except RejectedFile as exc:
    print(exc.kind, exc.reason)
"""


def test_an_unreadable_inbox_file_has_a_key_of_its_own_and_is_one_rejection(tmp_path: Path) -> None:
    """Permission denied: its bytes cannot be hashed, so it is keyed by path, size and time (the same
    every night, so it is rejected once and then skipped), and reading it is a rejection."""
    folder = Path(tempfile.mkdtemp(prefix="sweatline-unreadable-"))
    try:
        folder.chmod(0o755)
        shutil.copy(GOOD, folder / "a-locked.fit")
        shutil.copy(GOOD, folder / "b-open.fit")
        (folder / "a-locked.fit").chmod(0o000)
        (folder / "b-open.fit").chmod(0o644)
        project = Path(__file__).resolve().parents[2]
        import sys

        done = subprocess.run([sys.executable, "-c", _AS_NOBODY, str(folder)], capture_output=True, text=True,
                              timeout=120, cwd=project, env={**os.environ, "PYTHONPATH": str(project)})
    finally:
        shutil.rmtree(folder)
    assert done.returncode == 0, done.stderr[-3000:]
    first, second = done.stdout.splitlines()
    same, locked, readable = first.split(" ")
    assert same == "True" and locked == "unreadable-" and len(readable) == 11 and readable != locked
    assert second == "unreadable cannot read the file (Permission denied)"
