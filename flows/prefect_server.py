"""Finding — or starting — the Prefect server, without importing Prefect (it takes ~1.5 s to import).

Which API a command talks to, in order:

1. ``PREFECT_API_URL`` from the environment, else from the active Prefect profile
   (``$PREFECT_HOME/profiles.toml``, as ``prefect config set PREFECT_API_URL=…`` writes it):
   an existing self-hosted server or Prefect Cloud;
2. the local server that ``sweatline serve`` started for this data directory
   (it leaves ``<data_dir>/prefect/server.json`` while it runs);
3. none: ``sweatline ride`` takes its fast path and ``sweatline nightly`` lets Prefect start its
   temporary server.

"Reachable" means an HTTP answer to ``GET <api>/health`` within a short timeout; any HTTP status
counts (Prefect Cloud answers with its own status codes), only a refused or silent connection
does not.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pipeline.store.files import atomic_write_text
from pipeline.store.layout import prefect_dir

SERVER_STATE_FILE = "server.json"
HEALTH_TIMEOUT_S = 1.5
DEFAULT_PORT = 4200


@dataclass(frozen=True)
class ApiTarget:
    url: str
    origin: str  # "environment" | "profile" | "sweatline serve"


def configured_api_url() -> ApiTarget | None:
    """``PREFECT_API_URL`` from the environment or the active profile, if set."""
    env = os.environ.get("PREFECT_API_URL", "").strip()
    if env:
        return ApiTarget(env.rstrip("/"), "environment")
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    profiles_path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(profiles_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active")
    if not isinstance(active, str):
        return None
    section = profiles.get("profiles", {}).get(active, {})
    url = section.get("PREFECT_API_URL") if isinstance(section, dict) else None
    if isinstance(url, str) and url.strip():
        return ApiTarget(url.strip().rstrip("/"), "profile")
    return None


def is_reachable(api_url: str, timeout_s: float = HEALTH_TIMEOUT_S) -> bool:
    """Whether a Prefect API answers at ``api_url`` (any HTTP status counts as an answer)."""
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout_s) as response:
            response.read(64)
        return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def is_healthy(api_url: str, timeout_s: float = HEALTH_TIMEOUT_S) -> bool:
    """Whether ``GET <api>/health`` answers 200 (a self-hosted server that has finished starting)."""
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout_s) as response:
            return response.status == 200
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


def find_api(data_dir: Path, *, check: bool = True) -> ApiTarget | None:
    """The Prefect API to use (see the module docstring), or None for "no server up"."""
    configured = configured_api_url()
    if configured is not None:
        return configured if (not check or is_reachable(configured.url)) else None
    served = served_api_url(data_dir)
    if served is not None and (not check or is_reachable(served)):
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
    """A ``prefect server start`` on 127.0.0.1 with its database under ``<data_dir>/prefect``.

    The server's own output goes to ``<data_dir>/prefect/server.log``. :meth:`stop` terminates
    it (SIGTERM, then SIGKILL after a grace period) and removes the state file.
    """

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.home = prefect_dir(self.data_dir)
        self.port = port if port is not None else free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.ui_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PREFECT_API_URL", None)
        env.update({
            "PREFECT_HOME": str(self.home),
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{self.home / 'prefect.db'}",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_API_URL": self.api_url,
        })
        return env

    def start(self, timeout_s: float = 90.0) -> "LocalServer":
        """Start the server and wait until ``/health`` answers; raise ``TimeoutError`` if it never does."""
        self.home.mkdir(parents=True, exist_ok=True)
        log = open(self.home / "server.log", "ab")
        prefect_cli = Path(sys.executable).with_name("prefect")
        command = [str(prefect_cli)] if prefect_cli.exists() else [sys.executable, "-m", "prefect"]
        self.process = subprocess.Popen(
            [*command, "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.environment(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Prefect server exited during start-up (status {self.process.returncode}); "
                                   f"see {self.home / 'server.log'}")
            if is_healthy(self.api_url, timeout_s=1.0):
                atomic_write_text(state_file(self.data_dir), json.dumps(
                    {"api_url": self.api_url, "ui_url": self.ui_url, "pid": self.process.pid}) + "\n")
                return self
            time.sleep(0.25)
        self.stop()
        raise TimeoutError(f"the Prefect server did not answer within {timeout_s:.0f} s; see {self.home / 'server.log'}")

    def stop(self, grace_s: float = 15.0) -> None:
        state_file(self.data_dir).unlink(missing_ok=True)
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)  # the server and the workers it spawned
        except (ProcessLookupError, PermissionError):
            process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                process.kill()
            process.wait(timeout=5)

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
