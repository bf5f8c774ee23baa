"""`sweatline nightly [--inbox DIR] [--rebuild]`: one run of the nightly flow, now.

Runs against the Prefect server that is up (``PREFECT_API_URL``, or the one ``sweatline serve``
started for this data directory) so the run shows in its UI; otherwise Prefect starts its
temporary local server (SQLite under ``PREFECT_HOME``) for the duration of the run.
Progress goes to the terminal through Prefect's logs (stderr); the summary line and where the
reports are go to stdout.
"""
from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from flows.commands.prefect_server import find_api
from pipeline.config import Config
from pipeline.nightly import BUSY_MESSAGE, inbox_for, nightly_lock


def run(args: argparse.Namespace, config: Config) -> int:
    inbox = inbox_for(config, args.inbox)
    with nightly_lock(Path(config.data_dir)) as free:  # issue 14: a quick look before starting Prefect;
        pass                                           # the flow itself takes the lock for the run
    if not free:
        print(BUSY_MESSAGE)
        return 0
    api = find_api(Path(config.data_dir))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect's temporary server gets 20 s to start by default; a busy laptop can need more
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if api is not None:
        os.environ["PREFECT_API_URL"] = api.url
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.nightly import nightly

    settings = temporary_settings(updates={PREFECT_API_URL: api.url}) if api is not None else contextlib.nullcontext()
    with settings:
        summary = nightly(config_path=str(config.source) if config.source is not None else None,
                          inbox=str(inbox), rebuild=bool(getattr(args, "rebuild", False)))
    print(summary.line())
    if summary.busy:
        return 0
    reports = (Path(config.data_dir) / 'reports').resolve()
    print(f"reports: {reports} (every activity, newest first: {reports / 'index.html'})")
    if summary.digest_path is not None:
        print(f"digest: {summary.digest_path.resolve()}")
    return 0
