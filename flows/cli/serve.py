"""`sweatline serve`: serve the ``nightly`` (cron) and ``after-ride`` (manual) deployments.

Schedules need a real Prefect server (the temporary one does not schedule). With
``PREFECT_API_URL`` set (environment or Prefect profile: a self-hosted server or Prefect
Cloud) that server is used; otherwise Prefect's own ``prefect server start --background --host
127.0.0.1`` is started with ``PREFECT_HOME`` (its database and PID file) under
``<data_dir>/prefect/``, and stopped with ``prefect server stop`` when ``serve`` exits (Ctrl-C or
SIGTERM); see :mod:`flows.cli.prefect_server`.
While it runs, ``<data_dir>/prefect/server.json`` lets ``sweatline ride`` and ``sweatline
nightly`` in other terminals find it.

The local server listens on ``serve.port`` of the config (default 4200) — always that port, so
the trigger commands :func:`trigger_commands` prints (``PREFECT_API_URL=http://127.0.0.1:PORT/api``
inline) still work after a restart; a port already taken is one line and exit 2.
"""
from __future__ import annotations

import argparse
import os
import shlex
import signal
import socket
import sys
from pathlib import Path
from types import FrameType

from flows.cli.options import add_config
from flows.cli.prefect_server import LocalServer, configured_api_url, is_reachable, served_api_url
from pipeline.core.config import Config
from pipeline.core.errors import UsageError


def _sigterm_as_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _command(name: str) -> str:
    """``name`` as the user can type it: the script beside this interpreter (the project's .venv/bin)
    when that is what the shell would not find by itself, else the bare name."""
    import shutil

    beside = Path(sys.executable).with_name(name)
    if not beside.exists():
        return name
    found = shutil.which(name)
    return name if found is not None and Path(found).resolve() == beside.resolve() else shlex.quote(str(beside))


def trigger_commands(config: Config, api_url: str, fit_file: str = "/path/to/ride.fit") -> str:
    """What ``sweatline serve`` prints: the exact commands that trigger the deployments from another
    terminal, each with ``PREFECT_API_URL`` set inline."""
    env = f"PREFECT_API_URL={shlex.quote(api_url)}"
    config_arg = f" --config {shlex.quote(str(config.source))}" if config.source is not None else ""
    ride_file = shlex.quote(fit_file)
    prefect, sweatline = _command("prefect"), _command("sweatline")
    return "\n".join([
        f"nightly: '{config.nightly.cron}' in {config.nightly.timezone}. From another terminal:",
        f"  {env} {sweatline} ride {ride_file}{config_arg}",
        f"  {env} {prefect} deployment run 'after-ride/after-ride' --param fit_file={ride_file}",
        f"  {env} {prefect} deployment run 'nightly/nightly'",
    ])


def _port_is_free(port: int) -> bool:
    """Whether a server may listen on ``port`` of 127.0.0.1 now: no program listens there. Bound with
    ``SO_REUSEADDR``, as Prefect's own check and uvicorn bind it, so the connections a stopped
    server leaves in TIME_WAIT (about a minute, on Linux) do not keep ``serve`` from starting again
    on its port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def register(parser: argparse.ArgumentParser) -> None:
    """``sweatline serve``'s description and options."""
    parser.description = ("Long-running: serves the 'nightly' deployment on the configured cron and "
                          "'after-ride' for manual runs, against a local Prefect server.")
    add_config(parser)


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
        port = config.serve.port
        if not _port_is_free(port):
            where = str(config.source) if config.source is not None else "config"
            raise UsageError(where, f"serve.port: port {port} on 127.0.0.1 is already in use (another program?); "
                                    "choose another port in serve.port")
        print(f"starting a local Prefect server (127.0.0.1:{port}) ...", flush=True)
        server = LocalServer(data_dir, port=port).start()
        api_url = server.api_url
        print(f"Prefect server: {server.ui_url} (database {server.home / 'prefect.db'}, log {server.log})",
              flush=True)
    previous = signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    try:
        os.environ["PREFECT_API_URL"] = api_url
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from flows.serving import serve_deployments

        print(trigger_commands(config, api_url), flush=True)
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            serve_deployments(config)
    except KeyboardInterrupt:
        print("sweatline serve: stopping", file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server is not None:
            server.stop()
    return 0
