"""`sweatline serve`: serve the ``nightly`` (cron) and ``after-ride`` (manual) deployments.

Schedules need a real Prefect server (the temporary one does not schedule). With
``PREFECT_API_URL`` set (environment or Prefect profile: a self-hosted server or Prefect
Cloud) that server is used; otherwise Prefect's own ``prefect server start --background --host
127.0.0.1`` is started with ``PREFECT_HOME`` (its database and PID file) under
``<data_dir>/prefect/``, and stopped with ``prefect server stop`` when ``serve`` exits (Ctrl-C or
SIGTERM); see :mod:`flows.commands.prefect_server`.
While it runs, ``<data_dir>/prefect/server.json`` lets ``sweatline ride`` and ``sweatline
nightly`` in other terminals find it.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from flows.commands.prefect_server import LocalServer, configured_api_url, is_reachable, served_api_url
from pipeline.config import Config
from pipeline.errors import UsageError


def _sigterm_as_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, config: Config) -> int:
    data_dir = Path(config.data_dir)
    configured = configured_api_url()
    server: LocalServer | None = None
    if configured is not None:
        if not is_reachable(configured.url):
            raise UsageError("PREFECT_API_URL", f"no Prefect server answers at {configured.url} (set in the {configured.origin})")
        api_url = configured.url
        print(f"serving on the Prefect API at {api_url} ({configured.origin})", flush=True)
    else:
        running = served_api_url(data_dir)
        if running is not None and is_reachable(running):
            raise UsageError("sweatline serve", f"already serving this data directory with the server at {running}")
        print("starting a local Prefect server (127.0.0.1) ...", flush=True)
        server = LocalServer(data_dir).start()
        api_url = server.api_url
        print(f"Prefect server: {server.ui_url} (database {server.home / 'prefect.db'}, log {server.log})",
              flush=True)
    previous = signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    try:
        os.environ["PREFECT_API_URL"] = api_url
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from flows.serving import serve_deployments

        print(f"nightly: '{config.nightly.cron}' in {config.nightly.timezone}; after-ride: "
              f"prefect deployment run 'after-ride/after-ride' --param fit_file=PATH", flush=True)
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            serve_deployments(config)
    except KeyboardInterrupt:
        print("sweatline serve: stopping", file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server is not None:
            server.stop()
    return 0
