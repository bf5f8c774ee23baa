"""The optional fast decoder (fitfast, :mod:`pipeline.fit.fast`) and the fitparse path give the same
activities on every shared FIT file: the same refusals, activity blocks (sport, times, totals),
legs, profile, device sweat loss, identity and records (timestamps and every channel), within
float tolerance. fitparse is the independent reference here: the two are separate decoders (Rust
and Python) of the same bytes."""
from __future__ import annotations

import math
from pathlib import Path

import fitfast
import pandas as pd
import pytest
from shared_paths import CASES, SAMPLES

from pipeline.fit import fast
from pipeline.fit.framing import scan
from pipeline.fit.messages import decode_messages
from pipeline.fit.reader import read_fit

FILES = sorted(p for folder in (SAMPLES, CASES) for p in folder.iterdir() if p.name.endswith((".fit", ".fit.gz")))


def _read(path: Path, decoder: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(fast.DECODER_ENV, decoder)
    return read_fit(path)


def _close(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def test_fitfast_is_installed_for_the_tests() -> None:
    """`make test` installs the ``fast`` extra: the equivalence below compares two decoders."""
    assert fitfast.__version__ and fast.version() is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_activities_with_either_decoder(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow, quick = _read(path, "fitparse", monkeypatch), _read(path, "auto", monkeypatch)
    assert [str(r) for r in quick.rejections] == [str(r) for r in slow.rejections]
    assert quick.skipped == slow.skipped
    assert len(quick.activities) == len(slow.activities)
    assert [s.readings for s in quick.scale_files] == [s.readings for s in slow.scale_files]
    for ours, theirs in zip(quick.activities, slow.activities):
        a, b = ours.summary.model_dump(), theirs.summary.model_dump()
        assert a.keys() == b.keys()
        assert {k: a[k] for k in a if not _close(a[k], b[k])} == {}
        for leg_a, leg_b in zip(ours.legs, theirs.legs, strict=True):
            la, lb = leg_a.model_dump(), leg_b.model_dump()
            assert {k: la[k] for k in la if not _close(la[k], lb[k])} == {}
        assert ours.profile == theirs.profile
        assert _close(ours.device_sweat_loss_ml, theirs.device_sweat_loss_ml)
        assert ours.activity_key == theirs.activity_key
        pd.testing.assert_frame_equal(ours.records, theirs.records, check_dtype=False, rtol=1e-9, atol=1e-9)


def test_fitfast_reads_most_valid_samples_and_fitparse_the_rest() -> None:
    """Which decoder reads a file: fitfast for whole files with a set header CRC, fitparse for the
    header-CRC-0 files (FIT SDK: allowed, "not computed"), damaged files and ones fitfast refuses."""
    used = {}
    for path in FILES:
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            import gzip

            data = gzip.decompress(data)
        if not data:
            continue
        framing = scan(data)
        used[path.name] = decode_messages(data, framing).decoder
    assert used["garmin-fr110-running-44min-header-crc-zero.fit"] == "fitparse"  # header CRC 0
    assert used["dynastream-sdkexample-running-unexpected-eof.fit"] == "fitparse"  # truncated
    assert used["garmin-fenix2-multisport-6h50-7sessions.fit"] == "fitfast"
    assert sum(decoder == "fitfast" for decoder in used.values()) >= 30


def test_forcing_fitparse(monkeypatch: pytest.MonkeyPatch) -> None:
    path = SAMPLES / "garmin-fenix2-running-47min.fit"
    data = path.read_bytes()
    monkeypatch.setenv(fast.DECODER_ENV, "fitparse")
    assert decode_messages(data, scan(data)).decoder == "fitparse"
    monkeypatch.setenv(fast.DECODER_ENV, "auto")
    assert decode_messages(data, scan(data)).decoder == "fitfast"


def test_ride_reports_are_the_same_with_either_decoder_but_for_the_decoder_named(tmp_path: Path) -> None:
    """End to end: ``sweatline ride --json`` on a real multisport file, once per decoder in fresh data
    directories: the same report, whose ``inputs.decoder`` says which decoder read the file."""
    import json
    import os
    import subprocess

    from shared_paths import SWEATLINE

    fit = SAMPLES / "garmin-fr945-multisport-1min-bike-run.fit"
    reports = {}
    for decoder in ("fitparse", "fitfast"):
        folder = tmp_path / decoder
        (folder / "inbox").mkdir(parents=True)
        config = folder / "sweatline.yaml"
        config.write_text(f"inbox: {folder / 'inbox'}\ndata_dir: {folder / 'data'}\nweather: {{provider: none}}\n")
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(SWEATLINE_DECODER=decoder, SWEATLINE_RIDE_VIA="local")
        proc = subprocess.run([str(SWEATLINE), "ride", str(fit), "--json", "--config", str(config)], env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        reports[decoder] = json.loads(proc.stdout)
    named = {d: r["inputs"].pop("decoder") for d, r in reports.items()}
    assert named == {"fitparse": f"fitparse {_version('python-fitparse')}", "fitfast": f"fitfast {fitfast.__version__}"}
    assert reports["fitfast"] == reports["fitparse"]


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)
