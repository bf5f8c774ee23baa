"""The quick part of the seeded fuzzing: two mutants of real samples per mutation
kind (:mod:`tools.fuzz`, CRCs recomputed so they reach the decoder), each through the whole of
:func:`pipeline.usecases.ingest.process_file` (decode, model, charts, reports): processed, or rejected
with one-line reasons; never an exception, never minutes. The long run through the installed
command and one nightly is ``python -m tools.fuzz --seed 14 --count 300`` (README).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from fit_helpers import CONFIG

from pipeline.core.config import load_config
from pipeline.fit.framing import fit_crc
from pipeline.usecases.ingest import process_file
from tools.fuzz import KINDS, mutants

SEED = 14
PER_KIND = 2
SMALL = ("garmin-fr945-multisport-1min-bike-run.fit", "garmin-fr70-running-57min-compressed-timestamps.fit",
         "wahoo-elemntbolt-cycling-2min-devdata-no-app-id.fit", "garmin-edge200-cycling-27min-gps-only.fit",
         "garmin-fr955-walking-5min-hrm-plugin.fit")


def test_mutants_get_past_the_crc_check() -> None:
    """The mutator recomputes CRCs: most mutants carry a valid file CRC, so they test the decoder."""
    batch = mutants(SEED, len(KINDS), names=SMALL)
    valid = 0
    for m in batch:
        size = m.data[0] + int.from_bytes(m.data[4:8], "little") if len(m.data) >= 12 else 0
        if 12 <= size <= len(m.data) - 2 and fit_crc(m.data[:size]) == int.from_bytes(m.data[size:size + 2], "little"):
            valid += 1
    assert valid >= len(KINDS) // 2
    assert mutants(SEED, 5, names=SMALL) == batch[:5]  # the same seed, the same mutants


@pytest.mark.slow(reason="42 mutants decoded, modelled and rendered: about a minute")
def test_every_mutant_is_processed_or_rejected_with_one_line(tmp_path: Path) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    path = tmp_path / "c.yaml"
    path.write_text(CONFIG.format(inbox=inbox, data=data))
    config = load_config(path)
    slowest = 0.0
    for m in mutants(SEED, PER_KIND * len(KINDS), names=SMALL):
        file = inbox / m.name
        file.write_bytes(m.data)
        started = time.monotonic()
        outcome = process_file(file, config, run_id="fuzz")
        slowest = max(slowest, time.monotonic() - started)
        assert outcome.status in ("processed", "rejected", "duplicate"), m.name
        if outcome.status == "rejected":
            assert outcome.rejections, m.name
        for rejection in outcome.rejections:
            assert rejection.reason and "\n" not in rejection.reason and "Traceback" not in rejection.reason, m.name
    assert slowest < 60, slowest


def test_a_file_cut_inside_its_crc_says_so(tmp_path: Path) -> None:
    """The message once contradicted itself ("header declares 3179 data bytes, 3179 present")."""
    from fit_helpers import sample_bytes

    from pipeline.fit import read_activities

    data = sample_bytes("garmin-fr945-multisport-1min-bike-run.fit")
    declared = int.from_bytes(data[4:8], "little")
    path = tmp_path / "cut.fit"
    path.write_bytes(data[:data[0] + declared + 1])  # one of the two CRC bytes
    (refusal,) = read_activities(path).rejections
    assert f"truncated: all {declared} data bytes present but the file CRC after them is cut off" in refusal.reason
