"""`sweatline deploy --pool NAME`: register the ``nightly`` (on the config's cron) and ``after-ride``
deployments on a Prefect server's work pool, for workers on other machines to run.

The same deployments ``sweatline serve`` runs itself (:func:`flows.serving.build_deployments`):
one definition, the schedule read from the config's ``nightly:`` only. The server is the one
Prefect is configured for (``PREFECT_API_URL``, a profile, Prefect Cloud) or the one ``sweatline
serve`` runs for this data directory; with none up it is one line and exit 2.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from flows.cli.options import add_config
from flows.cli.prefect_server import find_api
from pipeline.core.config import Config
from pipeline.core.errors import UsageError


def register(parser: argparse.ArgumentParser) -> None:
    """``sweatline deploy``'s description and options."""
    parser.description = ("Register the 'nightly' (on the configured cron) and 'after-ride' deployments on a "
                          "Prefect server's work pool; `prefect worker start --pool NAME` runs them.")
    add_config(parser)
    parser.add_argument("--pool", metavar="NAME", default="sweatline",
                        help="the work pool (a process pool: prefect work-pool create NAME --type process); "
                             "default: sweatline")


def run(args: argparse.Namespace, config: Config) -> int:
    api = find_api(Path(config.data_dir))
    if api is None:
        raise UsageError("sweatline deploy", "no Prefect server answers: set PREFECT_API_URL (or prefect cloud "
                                             "login), or run sweatline serve for this data directory")
    os.environ["PREFECT_API_URL"] = api.url
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.serving import deploy_deployments

    with temporary_settings(updates={PREFECT_API_URL: api.url}):
        names = deploy_deployments(config, args.pool)
    print(f"deployed on {api.url}, work pool {args.pool!r}: {', '.join(names)}")
    print(f"nightly: '{config.nightly.cron}' in {config.nightly.timezone}; run them with: "
          f"prefect worker start --pool {args.pool}")
    return 0
