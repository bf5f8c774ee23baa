"""The ``sweatline`` command line run in the test's own process, for tests of what a command does
(its output, its files, its catalog) rather than of the process contract.

:func:`run_cli` calls :func:`flows.cli.main` with an ``argv`` — the console script's own entry
point, which with an ``argv`` returns the exit status instead of ending the process — with
stdout and stderr captured, and answers as :func:`subprocess.run` does. It saves starting a Python
with pandas, pydantic and the decoders for each call. The exit-code and one-line-on-stderr contract
of a real process (``os._exit``, broken pipes, signals, what a fresh process imports) is tested by
starting ``sweatline`` itself: tests/e2e/.
"""
from __future__ import annotations

import contextlib
import io
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path


def run_cli(*args: str, config: Path | None = None, env: Mapping[str, str] | None = None,
            ride_via: str | None = "local") -> subprocess.CompletedProcess[str]:
    """``sweatline ARGS [--config CONFIG]`` in this process; returns (argv, exit status, stdout, stderr).

    ``env`` is set in ``os.environ`` for the call and taken back after it. ``ride_via`` sets
    ``SWEATLINE_RIDE_VIA`` (``"local"``: ``ride`` runs without Prefect, as with no server up; None
    leaves it as it is)."""
    from flows.cli import main

    argv = [*args, *(["--config", str(config)] if config is not None else [])]
    changes = dict(env or {})
    if ride_via is not None:
        changes["SWEATLINE_RIDE_VIA"] = ride_via
    saved = {key: os.environ.get(key) for key in changes}
    out, err = io.StringIO(), io.StringIO()
    os.environ.update(changes)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # --help and --version end through argparse
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())
