"""``sweatline history``: newest first like the index, sports named as people name them."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

from cli_support import run_cli
from ride_files import START
from shared_paths import SAMPLES

from tools import fitwriter as fw


def test_history_lists_newest_first_like_the_index(tmp_path: Path, config_file) -> None:
    """Three rides written a day apart (the writer's start times), ridden in a shuffled order:
    `history` and `history --json` list them newest first, as reports/index.html does."""
    config = config_file()
    starts = {}
    for name, day in (("middle.fit", 2), ("oldest.fit", 1), ("newest.fit", 3)):
        samples = [fw.RecordSample(timestamp=START + timedelta(days=day, seconds=i), distance_m=8.0 * i,
                                   speed_m_per_s=8.0, heart_rate_bpm=140, power_w=180) for i in range(0, 901, 5)]
        path = fw.write(tmp_path / "inbox" / name, fw.encode_activity(samples, sport="cycling"))
        starts[name] = START + timedelta(days=day)
        assert run_cli("ride", str(path), config=config).returncode == 0
    expected = sorted(starts, key=starts.get, reverse=True)
    assert expected == ["newest.fit", "middle.fit", "oldest.fit"]
    out = run_cli("history", config=config)
    assert out.returncode == 0, out.stderr
    listed = [name for line in out.stdout.splitlines() for name in starts if name in line]
    assert listed == expected
    assert [f"{starts[n]:%Y-%m-%d %H:%M}" for n in expected] == [
        line[:16] for line in out.stdout.splitlines() if any(n in line for n in starts)]
    rows = json.loads(run_cli("history", "--json", config=config).stdout)
    assert [row["source"] for row in rows] == expected
    assert "newest first" in run_cli("history", "--help", config=config).stdout


def test_history_names_sports_as_people_do(tmp_path: Path, config_file) -> None:
    config = config_file()
    sample = SAMPLES / "garmin-fenix6-swimming-11min-open-water.fit"
    assert run_cli("ride", str(sample), config=config).returncode == 0
    out = run_cli("history", config=config).stdout
    row = out.splitlines()[-1]
    cells = re.split(r"\s{2,}", row[row.index("…") + 1:].strip())  # after the (cut) file name
    assert cells[0] == "open water swim", row
