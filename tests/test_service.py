"""The use case without Prefect: the nightly's dedup, the weather override's bounds, the one Markdown escaper."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipeline.analysis import WeatherOverride
from pipeline.nightly import NightlySummary, select_new
from pipeline.report.text import markdown_escape
from pipeline.service import InboxFile


def test_select_new_skips_known_and_repeated_content_and_ignores_vanished_files() -> None:
    files = [InboxFile(Path(f"/inbox/{n}.fit"), 1, 0) for n in "abcd"]
    summary = NightlySummary(run_id="r", inbox=Path("/inbox"), data_dir=Path("/data"), started_at=datetime.now(UTC))
    todo = select_new(files, ["known", "new", None, "new"], {"known"}, summary)
    assert [(f.path.name, sha) for f, sha in todo] == [("b.fit", "new")]
    assert summary.skipped == 2


@pytest.mark.parametrize("field, value", [("temperature_c", 56.0), ("temperature_c", float("nan")),
                                          ("humidity_pct", -1.0), ("humidity_pct", 140.0)])
def test_weather_override_has_the_climate_bounds(field: str, value: float) -> None:
    with pytest.raises(ValidationError):
        WeatherOverride(**{field: value})
    assert WeatherOverride(temperature_c=55, humidity_pct=0).temperature_c == 55


def test_markdown_escape_makes_every_line_break_a_space() -> None:
    assert markdown_escape("a\u2028b\x1ec\r\nd") == "a b c d"
    assert markdown_escape("x~y <z>") == r"x\~y &lt;z&gt;"
