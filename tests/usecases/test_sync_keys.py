"""Where a source's key comes from: the environment first, then the Prefect Secret block the
config names (read through the reader the flows give), and a block that cannot be read is the
source's one line, not a failed night."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core.config import parse_config
from pipeline.usecases.sync import api_key, pull_sources


def test_the_environment_wins_then_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def reader(name: str) -> str | None:
        asked.append(name)
        return " from-the-block \n"

    monkeypatch.setenv("SWEATLINE_TEST_KEY", "from-env")
    assert api_key("SWEATLINE_TEST_KEY", "icu-key", reader) == ("from-env", None) and asked == []
    monkeypatch.delenv("SWEATLINE_TEST_KEY")
    assert api_key("SWEATLINE_TEST_KEY", "icu-key", reader) == ("from-the-block", None) and asked == ["icu-key"]
    assert api_key("SWEATLINE_TEST_KEY", None, reader) == (None, None)


def test_a_block_that_cannot_be_read_is_the_sources_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWEATLINE_TEST_KEY", raising=False)

    def reader(name: str) -> str | None:
        raise ValueError(f"Unable to find block document named {name} for block type secret")

    config = parse_config({"inbox": str(tmp_path), "data_dir": str(tmp_path / "data"), "sync": {"intervals_icu": {
        "api_key_env": "SWEATLINE_TEST_KEY", "api_key_block": "icu-key", "base_url": "http://127.0.0.1:9"}}},
        base_dir=tmp_path)
    (report,) = pull_sources(config, reader)
    assert report.line() == ("intervals.icu failed: the Prefect Secret block 'icu-key' could not be read "
                             "(ValueError: Unable to find block document named icu-key for block type secret)")
    (report,) = pull_sources(config, None)
    assert report.line() == ("intervals.icu failed: no API key (the environment variable SWEATLINE_TEST_KEY or the "
                             "Prefect Secret block 'icu-key' is not set)")
