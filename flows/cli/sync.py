"""`sweatline sync`: pull the configured sources (``sync:`` in the config) now, without processing
anything; the next ``nightly`` reads what was downloaded. One line per source on stdout; exit 0
when every source answered, 1 when one failed (its line says why), 2 when none is configured."""
from __future__ import annotations

import argparse
from pathlib import Path

from flows.cli.options import add_config
from pipeline.core.config import Config
from pipeline.core.errors import ConfigError
from pipeline.store.layout import synced_dir
from pipeline.usecases.nightly import nightly_lock
from pipeline.usecases.sync import pull_sources, sources_configured

BUSY = "a nightly run is in progress (it pulls the sources itself); this sync did nothing"


def register(parser: argparse.ArgumentParser) -> None:
    """``sweatline sync``'s description and options."""
    parser.description = ("Download new activity files from the sources in the config's sync: section "
                          "(intervals.icu) into the data directory; the next nightly processes them.")
    add_config(parser)


def run(args: argparse.Namespace, config: Config) -> int:
    if not sources_configured(config):
        where = str(config.source) if config.source is not None else "config"
        raise ConfigError(where, "sync: no source configured (add sync: {intervals_icu: {athlete_id: \"0\", "
                                 "api_key_env: INTERVALS_ICU_API_KEY}})")
    with nightly_lock(Path(config.data_dir)) as free:
        if not free:
            print(BUSY)
            return 0
        from flows.secrets import read_secret_block

        reports = pull_sources(config, read_secret_block)
    for report in reports:
        print(report.line())
    print(f"files: {synced_dir(config.data_dir).resolve()}")
    return 1 if any(report.problem is not None for report in reports) else 0
