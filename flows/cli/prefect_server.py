"""Which Prefect API the commands talk to, and the local server ``sweatline serve`` runs.

Which API, in order (:func:`find_api`):

1. the configured ``PREFECT_API_URL`` — an existing self-hosted server or Prefect Cloud. From the
   environment directly; otherwise as Prefect resolves it (active profile in ``profiles.toml``,
   ``.env``, ``prefect.toml``, ``pyproject.toml``), through Prefect's own settings API
   (``prefect.settings.get_current_settings().api.url``);
2. the local server that ``sweatline serve`` started for this data directory (it leaves
   ``<data_dir>/prefect/server.json`` while it runs);
3. none: ``sweatline ride`` takes its fast path and ``sweatline nightly`` lets Prefect start its
   temporary server.

Why a cheap check before Prefect's settings API: importing ``prefect.settings`` costs ~1.5–2.5 s,
and the point of ``sweatline ride``'s fast path is not to pay it when no server is configured.
So Prefect is asked only when one of the files it reads could set the URL at all — the profiles
file names ``PREFECT_API_URL``, or a ``.env`` / ``prefect.toml`` / ``pyproject.toml`` with Prefect
settings is in the working directory (:func:`_may_configure_api_url`, a substring test, no
parsing); the value itself always comes from Prefect. With nothing configured anywhere, no
Prefect import happens.

The local server is Prefect's own: ``prefect server start --background --host 127.0.0.1``,
``prefect server status --wait``, ``prefect server stop``, each run with
``PREFECT_HOME=<data_dir>/prefect`` so the server's state — its SQLite database ``prefect.db`` and
its PID file — lives in the data directory (:class:`LocalServer`).

"Reachable" means an HTTP answer to ``GET <api>/health`` within a short timeout; any HTTP status
counts (Prefect Cloud answers with its own status codes), only a refused or silent connection
does not.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.store.files import atomic_write_text
from pipeline.store.layout import prefect_dir

SERVER_STATE_FILE = "server.json"
SERVER_PID_FILE = "server.pid"  # written by `prefect server start --background` in PREFECT_HOME
HEALTH_TIMEOUT_S = 1.5
DEFAULT_PORT = 4200


@dataclass(frozen=True)
class ApiTarget:
    url: str
    origin: str  # "environment" | "Prefect settings" | "sweatline serve"


TEMPORARY_SERVER_START_S = 120
"""How long Prefect's temporary server may take to start on a quiet machine (s): Prefect's own default
is 20 s (``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``), which a busy laptop exceeds."""

TEMPORARY_SERVER_TIMED_OUT = "Timed out while attempting to connect to ephemeral Prefect API server"
"""The start of the ``RuntimeError`` Prefect raises when its temporary server did not answer in time
(prefect/server/api/server.py, ``SubprocessASGIServer.start``)."""


def machine_slowdown() -> float:
    """How many times slower than on a quiet machine wall-clock work runs now: the 1-minute load
    average per processor (``os.getloadavg``, ``os.cpu_count``), at least 1."""
    return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


def allow_temporary_server_start() -> None:
    """Give Prefect's temporary server as long to start as this machine needs now:
    :data:`TEMPORARY_SERVER_START_S` times :func:`machine_slowdown`, so a nightly at load 15 on 2
    processors still gets its server. A value the user set in
    ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`` is kept."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
                          str(int(TEMPORARY_SERVER_START_S * machine_slowdown())))


def _may_configure_api_url() -> bool:
    """Whether any file Prefect reads its settings from could set ``PREFECT_API_URL`` (cheap: no import)."""
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    candidates = {Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser(): "PREFECT_API_URL",
                  Path(".env"): "PREFECT_API_URL", Path("prefect.toml"): "", Path("pyproject.toml"): "tool.prefect"}
    for path, needle in candidates.items():
        try:
            if needle in path.read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def configured_api_url() -> ApiTarget | None:
    """``PREFECT_API_URL`` from the environment, else as Prefect's settings resolve it, if set."""
    env = os.environ.get("PREFECT_API_URL", "").strip()
    if env:
        return ApiTarget(env.rstrip("/"), "environment")
    if not _may_configure_api_url():
        return None
    from prefect.settings import get_current_settings  # ~2 s: only when a settings file may set the URL

    url = get_current_settings().api.url
    return ApiTarget(url.strip().rstrip("/"), "Prefect settings") if url and url.strip() else None


def is_reachable(api_url: str, timeout_s: float = HEALTH_TIMEOUT_S) -> bool:
    """Whether a Prefect API answers at ``api_url`` (any HTTP status counts as an answer).

    urllib (http.client, email, ssl) is imported here: a ride with no server to ask never needs it."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout_s) as response:
            response.read(64)
        return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def state_file(data_dir: Path) -> Path:
    return prefect_dir(data_dir) / SERVER_STATE_FILE


def served_api_url(data_dir: Path) -> str | None:
    """The API of the server ``sweatline serve`` runs for ``data_dir``, if its state file is there."""
    try:
        state = json.loads(state_file(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = state.get("api_url") if isinstance(state, dict) else None
    return url if isinstance(url, str) else None


def find_api(data_dir: Path) -> ApiTarget | None:
    """The Prefect API to use (see the module docstring), or None for "no server up"."""
    configured = configured_api_url()
    if configured is not None:
        return configured if is_reachable(configured.url) else None
    served = served_api_url(data_dir)
    if served is not None and is_reachable(served):
        return ApiTarget(served, "sweatline serve")
    return None


def free_port(preferred: int = DEFAULT_PORT) -> int:
    """``preferred`` if nothing listens on it on 127.0.0.1, else a free port the OS picks."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError("no free TCP port on 127.0.0.1")


class LocalServer:
    """Prefect's own background server on 127.0.0.1, its state (``PREFECT_HOME``) under ``<data_dir>/prefect``.

    :meth:`start` runs ``prefect server start --background`` then ``prefect server status --wait``
    and writes ``server.json`` (API URL, UI URL, PID) for other terminals; :meth:`stop` runs
    ``prefect server stop`` and removes ``server.json``. The ``prefect`` commands' own output goes
    to ``<data_dir>/prefect/server.log``.
    """

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.home = prefect_dir(self.data_dir)
        self.port = port if port is not None else free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.ui_url = f"http://127.0.0.1:{self.port}"
        self.log = self.home / "server.log"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update({
            "PREFECT_HOME": str(self.home),
            "PREFECT_API_URL": self.api_url,  # what `prefect server status` checks
            "PREFECT_UI_API_URL": self.api_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        })
        return env

    def _prefect(self, *args: str, timeout_s: float, new_session: bool = False) -> subprocess.CompletedProcess[bytes]:
        prefect_cli = Path(sys.executable).with_name("prefect")
        command = [str(prefect_cli)] if prefect_cli.exists() else [sys.executable, "-m", "prefect"]
        with open(self.log, "ab") as log:
            return subprocess.run([*command, *args], env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=timeout_s, check=False,
                                  start_new_session=new_session)

    def pid(self) -> int | None:
        try:
            return int((self.home / SERVER_PID_FILE).read_text().strip())
        except (OSError, ValueError):
            return None

    def start(self, timeout_s: float = 90.0) -> "LocalServer":
        """Start the server and wait until it answers; raise ``RuntimeError`` / ``TimeoutError`` if not."""
        self.home.mkdir(parents=True, exist_ok=True)
        # a PID file left by a serve that was killed (its server no longer answers, or `sweatline serve`
        # would have refused to start): stale, and `prefect server start --background` refuses to run over it
        (self.home / SERVER_PID_FILE).unlink(missing_ok=True)
        # its own session: a Ctrl-C in serve's terminal reaches serve, which then stops the server in order
        started = self._prefect("server", "start", "--background", "--host", "127.0.0.1", "--port", str(self.port),
                                timeout_s=timeout_s, new_session=True)
        if started.returncode != 0:
            raise RuntimeError(f"the Prefect server did not start (status {started.returncode}); see {self.log}")
        waited = self._prefect("server", "status", "--wait", "--timeout", str(int(timeout_s)), timeout_s=timeout_s + 30)
        if waited.returncode != 0:
            self.stop()
            raise TimeoutError(f"the Prefect server did not answer within {timeout_s:.0f} s; see {self.log}")
        atomic_write_text(state_file(self.data_dir), json.dumps(
            {"api_url": self.api_url, "ui_url": self.ui_url, "pid": self.pid()}) + "\n")
        return self

    def stop(self) -> None:
        state_file(self.data_dir).unlink(missing_ok=True)
        self._prefect("server", "stop", timeout_s=60)

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
