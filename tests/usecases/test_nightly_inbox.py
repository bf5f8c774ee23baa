"""The use case without Prefect: the nightly's dedup, the weather override's bounds, the one Markdown escaper."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipeline.report.text import markdown_escape
from pipeline.usecases.analyse import WeatherOverride
from pipeline.usecases.inbox import InboxFile
from pipeline.usecases.nightly import select_new
from pipeline.usecases.nightly_summary import NightlySummary, inbox_text


def test_select_new_skips_known_and_repeated_content_and_ignores_vanished_files() -> None:
    files = [InboxFile(Path(f"/inbox/{n}.fit"), 1, 0) for n in "abcd"]
    summary = NightlySummary(run_id="r", inbox=Path("/inbox"), data_dir=Path("/data"), started_at=datetime.now(UTC))
    todo = select_new(files, ["known", "new", None, "new"], {"known"}, summary)
    assert [(f.path.name, sha) for f, sha in todo] == [("b.fit", "new")]
    assert summary.skipped == 2
    # a user's night counted one skipped file too many, unnamed: d.fit, the same bytes as b.fit
    assert "d.fit: the same bytes as b.fit" in summary.line()
    assert inbox_text(summary, len(files), len(todo)) == "4 file(s), 1 new, 1 already in the catalog, 1 the same bytes as another"


@pytest.mark.parametrize("field, value", [("temperature_c", 56.0), ("temperature_c", float("nan")),
                                          ("humidity_pct", -1.0), ("humidity_pct", 140.0)])
def test_weather_override_has_the_climate_bounds(field: str, value: float) -> None:
    with pytest.raises(ValidationError):
        WeatherOverride(**{field: value})
    assert WeatherOverride(temperature_c=55, humidity_pct=0).temperature_c == 55


def test_markdown_escape_makes_every_line_break_a_space() -> None:
    assert markdown_escape("a\u2028b\x1ec\r\nd") == "a b c d"
    assert markdown_escape("x~y <z>") == r"x\~y &lt;z&gt;"


def test_zip_members_that_are_not_fit_are_named_with_their_reason_by_the_nightly_and_ride(tmp_path: Path) -> None:
    """A user's zip held `notes.txt` and `inner.zip` beside two rides: neither command named them,
    while the README says other members are skipped with their reason (pipeline.fit.archive). They
    count as skipped in the night's line, have their own heading in the run summary, and `ride`
    lists them among its warnings."""
    import zipfile

    from shared_paths import SAMPLES

    from pipeline.core.config import parse_config
    from pipeline.core.inputs import WeatherOverride as Override
    from pipeline.usecases.ingest import process_file
    from pipeline.usecases.ride import ride

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with zipfile.ZipFile(inbox / "mix.zip", "w") as archive:
        archive.write(SAMPLES / "tomtom-runner3-cycling-17min.fit", "rides/ride.fit")
        archive.writestr("notes.txt", "bring gels\n")
        archive.writestr("summary.json", "{}")
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
        archive.writestr("inner.zip", b"PK\x05\x06" + bytes(18))  # an empty zip inside the zip
    config = parse_config({"inbox": str(inbox), "data_dir": str(tmp_path / "data"), "weather": {"provider": "none"}})
    outcome = process_file(inbox / "mix.zip", config)
    assert outcome.status == "processed" and len(outcome.activities) == 1
    assert sorted(outcome.skipped_members) == [
        ("mix.zip:inner.zip", "an empty zip: skipped"),
        ("mix.zip:notes.txt", "not an activity file (.fit, .gpx or .tcx): skipped"),
        ("mix.zip:photo.jpg", "not an activity file (.fit, .gpx or .tcx): skipped"),
        ("mix.zip:summary.json", "not an activity file (.fit, .gpx or .tcx): skipped")]
    summary = NightlySummary(run_id="r", inbox=inbox, data_dir=tmp_path / "data", started_at=datetime.now(UTC))
    summary.add(outcome)
    assert summary.skipped == 4
    assert ("4 members not read: 1 .jpg, 1 .json, 1 .txt (not an activity file (.fit, .gpx or .tcx)); "
            "1 .zip (an empty zip)") in summary.line()
    markdown = summary.markdown()
    assert "## Skipped: archive members not read" in markdown
    assert "`mix.zip:notes.txt`: not an activity file (.fit, .gpx or .tcx): skipped" in markdown
    assert "## Skipped: copies of activities already held" not in markdown

    (results,) = ride(inbox / "mix.zip", parse_config({"inbox": str(inbox), "data_dir": str(tmp_path / "data2"),
                                                       "weather": {"provider": "none"}}),
                      Override(), orchestrator="local")
    assert "notes.txt: not an activity file (.fit, .gpx or .tcx): skipped" in results.warnings

    # a zip whose rides are all held already (a user's second export): its other members are still named
    with zipfile.ZipFile(inbox / "again.zip", "w") as archive:
        archive.write(SAMPLES / "tomtom-runner3-cycling-17min.fit", "ride.fit")
        archive.writestr("notes.txt", "bring gels\n")
    (copy,) = ride(inbox / "again.zip", parse_config({"inbox": str(inbox), "data_dir": str(tmp_path / "data2"),
                                                      "weather": {"provider": "none"}}),
                   Override(), orchestrator="local")
    assert copy.reused
    assert "notes.txt: not an activity file (.fit, .gpx or .tcx): skipped" in copy.warnings


def test_inbox_may_be_a_list_of_folders_each_read_once(tmp_path: Path) -> None:
    from pipeline.core.config import parse_config
    from pipeline.core.errors import ConfigError, UsageError
    from pipeline.usecases.nightly import inboxes_for

    a, b, gone = tmp_path / "a", tmp_path / "b", tmp_path / "usb" / "GARMIN" / "Activity"
    a.mkdir()
    b.mkdir()
    config = parse_config({"inbox": [str(a), str(b), str(gone), str(a)], "data_dir": str(tmp_path / "data")})
    assert config.inbox == a and config.inboxes == [a, b, gone]
    absent: list[str] = []
    assert inboxes_for(config, None, absent) == [a, b]  # a watch not plugged in tonight: named, not fatal
    assert absent == [f"{gone}: inbox folder not found"]
    with pytest.raises(ConfigError, match="inbox folder not found"):  # without a place to name it: refused
        inboxes_for(config, None)
    assert inboxes_for(config, [str(b), str(b)]) == [b]  # --inbox repeated: those folders only
    with pytest.raises(UsageError, match="--inbox: is empty"):
        inboxes_for(config, [str(a), " "])
    first_gone = parse_config({"inbox": [str(gone), str(a)], "data_dir": str(tmp_path / "data")})
    with pytest.raises(ConfigError, match="inbox folder not found"):  # the first folder must be there
        inboxes_for(first_gone, None, [])
    for bad in ([], [3], [str(a), ""], [str(a), "x\x1b"]):
        with pytest.raises(ConfigError) as err:
            parse_config({"inbox": bad})
        assert "inbox" in str(err.value) and "\n" not in str(err.value)
