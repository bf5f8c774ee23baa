"""The ``sweatline`` command line: parse, load the config, dispatch, map errors to exit codes.

Exit status (SPEC): 0 success; 2 bad input or bad config, with exactly one line on stderr
naming the file (or option) and the problem; 1 an internal error. User errors never print a
traceback. Each command lives in ``flows/cli/<command>.py``, which owns its parser
(``register(parser)``) and its work (``run(args, config)``); this module keeps the dispatch, the
global options and the one place the error family is caught.
"""
from __future__ import annotations

import argparse
import errno
import importlib
import os
import sqlite3
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from flows.cli.options import Parser, UsageLine
from pipeline.core.errors import ConfigError, InvalidValue, SweatlineInputError
from pipeline.core.untrusted import clean_text, shorten_words
from pipeline.runtime.exit import exit_now_if_safe, flush_and_exit, stdout_to_devnull, stop_helpers


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sweatline")
    except PackageNotFoundError:  # run from a checkout without installing
        return "unknown (not installed)"


class _VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked (package metadata costs a
    few tens of ms on every start otherwise)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str = "show program's version number and exit") -> None:
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> NoReturn:
        sys.stdout.write(f"{parser.prog} {_version()}\n")
        parser.exit()


VALUE_FLAGS_MAY_START_WITH_DASH = ("--duration", "--temp", "--grade", "--water-temp")
"""Options whose value may start with '-' (``--duration -2h``, ``--temp -5``): argparse would take
``-2h`` for an option and say "expected one argument"; given as ``--duration=-2h`` the command's own
check refuses it (or, for a temperature, accepts it)."""


def _join_dash_values(argv: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out += argv[i:]
            break
        if arg in VALUE_FLAGS_MAY_START_WITH_DASH and i + 1 < len(argv) and argv[i + 1].startswith("-") \
                and argv[i + 1] not in ("-h", "--help") and not argv[i + 1].startswith("--"):
            out.append(f"{arg}={argv[i + 1]}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def _fail(line: str, as_json: bool, code: int = 2) -> int:
    """An error: the one line on stderr and, with ``--json``, ``{"error": line, "exit": code}`` on stdout.

    The line often names a file: control characters from it never reach the terminal."""
    line = shorten_words(clean_text(line))
    if as_json:
        import json

        sys.stdout.write(json.dumps({"error": line, "exit": code}) + "\n")
        sys.stdout.flush()
    print(line, file=sys.stderr)
    return code


COMMANDS: dict[str, str] = {
    "ride": "the after-ride flow on one activity file (FIT, GPX or TCX)",
    "nightly": "one run of the nightly flow, now",
    "plan": "what-if estimate and drinking plan for a planned session",
    "serve": "serve the Prefect deployments (nightly on its cron, after-ride on demand)",
    "deploy": "register the deployments on a Prefect server's work pool, for workers elsewhere",
    "sync": "download new activity files from the configured sources (intervals.icu)",
    "weigh-in": "record body mass before/after an activity",
    "history": "the processed activities with their estimates, newest first",
}
"""Each command, in the order ``--help`` lists them, with its one line there. Its module,
``flows/cli/<command>.py``, owns the rest: ``register(parser)`` adds its description and options,
``run(args, config)`` does its work."""


def _module_name(command: str) -> str:
    return "flows.cli." + command.replace("-", "_")


class _CommandParser(Parser):
    """A command's parser, filled by its module's ``register`` when it is first used (parsing or
    help): ``sweatline --help`` and the other commands import none of its modules."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._command: str | None = None

    def _fill(self) -> None:
        if self._command is not None:
            command, self._command = self._command, None
            importlib.import_module(_module_name(command)).register(self)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        self._fill()
        return super().parse_known_args(*args, **kwargs)

    def format_help(self) -> str:
        self._fill()
        return super().format_help()

    def format_usage(self) -> str:
        self._fill()
        return super().format_usage()


def build_parser() -> argparse.ArgumentParser:
    """The ``sweatline`` parser: global options and one sub-parser per command of :data:`COMMANDS`."""
    parser = Parser(
        prog="sweatline",
        description="Sweat, fluid and potassium estimates and advice from the activity files of watches "
                    "and bike computers (FIT, GPX and TCX).",
        epilog="Configuration: --config PATH, else $SWEATLINE_CONFIG, else ./config/sweatline.yaml, else "
               "$XDG_CONFIG_HOME/sweatline/sweatline.yaml (default ~/.config/sweatline/sweatline.yaml). "
               "With --json, an error is also printed on stdout as {\"error\": \"...\", \"exit\": 2}. "
               "Commands that only read (history, weigh-in --list, plan) need no write access to the data directory.",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)
    sub.required = True
    for command, help in COMMANDS.items():
        sub.add_parser(command, help=help)._command = command
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sweatline`` console script (``argv`` None: ``sys.argv``, and the
    process ends here: :mod:`pipeline.runtime.exit`)."""
    code = _main(argv)
    if argv is None:  # the command is over: end its helper processes
        stop_helpers()
        if code == INTERRUPTED_EXIT:  # nothing is left to write: no clean-up to wait for
            flush_and_exit(code)
        if code == 0:
            exit_now_if_safe()
    return code


INTERRUPTED_EXIT = 130
"""The exit status after Ctrl-C (128 + SIGINT, as a shell reports it)."""
INTERRUPTED = "sweatline: interrupted; what was finished is kept (run the command again to go on)"
_said: list[str] = []


def say_interrupted() -> None:
    """Print :data:`INTERRUPTED` on stderr, once a process (the command line, or a command's own
    Ctrl-C handling that ends the process sooner: :mod:`flows.cli.nightly`)."""
    if not _said:
        _said.append(INTERRUPTED)
        try:
            print(INTERRUPTED, file=sys.stderr, flush=True)
        except (OSError, ValueError):
            pass


def _main(argv: Sequence[str] | None) -> int:
    argv = _join_dash_values(list(sys.argv[1:] if argv is None else argv))
    as_json = "--json" in argv[:argv.index("--")] if "--" in argv else "--json" in argv
    try:
        args = build_parser().parse_args(argv)
    except UsageLine as exc:
        return _fail(str(exc), as_json)
    as_json = bool(getattr(args, "json", False))
    module_name = _module_name(args.command)
    config = None
    if args.command in START_GUARD_EARLY:
        from pipeline.runtime import forkserver as guard_server
        from pipeline.usecases.preload import READER_MODULES

        guard_server.add_preload(READER_MODULES)
        guard_server.start_early()
    try:
        from pipeline.core.config import load_config  # pydantic and YAML: not for --help or a usage error

        config = load_config(args.config)
        from pipeline.store.layout import data_dir_problem

        problem = data_dir_problem(config.data_dir)
        if problem is not None:
            raise ConfigError("data_dir", f"{config.data_dir} {problem} (set data_dir in the config to a folder)")
        from pipeline.store.db import refuse_damaged_file

        refuse_damaged_file(config.data_dir)  # before any connection of this process: see there
        command = importlib.import_module(module_name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # library chatter never reaches the one-line contract
            return int(command.run(args, config) or 0)
    except InvalidValue as exc:  # a model's field, shown as the command's flag
        flags = getattr(sys.modules.get(module_name), "FLAGS", {})
        return _fail(f"{flags.get(exc.field, exc.field)}: {exc.reason}", as_json)
    except SweatlineInputError as exc:
        return _fail(str(exc), as_json)
    except BrokenPipeError:  # `sweatline history | head`: the reader has gone, nothing to report
        stdout_to_devnull()
        return 0
    except (OSError, sqlite3.Error) as exc:
        if type(exc).__name__ == "ReaderKilled":  # pipeline.runtime.guard: no verdict on the file, no bug
            return _fail(f"sweatline: {exc} (run the command again)", as_json, code=1)
        where = storage_problem(exc, config.data_dir if config is not None else None)
        if where is None:
            return _internal_error(exc, as_json)
        return _fail(where, as_json)
    except KeyboardInterrupt:
        say_interrupted()
        return INTERRUPTED_EXIT
    except RuntimeError as exc:
        from flows.cli.prefect_server import TEMPORARY_SERVER_TIMED_OUT

        if str(exc).startswith(TEMPORARY_SERVER_TIMED_OUT):  # a machine too busy for Prefect's server to start
            waited = os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "?")
            return _fail(f"sweatline: Prefect's temporary server did not start within {waited} s (the machine is "
                         "busy); no file was processed: run the command again, or keep a server up with "
                         "`sweatline serve`", as_json, code=1)
        return _internal_error(exc, as_json)
    except Exception as exc:  # an internal error: say so, with the traceback for a bug report
        return _internal_error(exc, as_json)
    finally:
        if args.command in START_GUARD_EARLY:
            guard_server.stop_if_unused()


START_GUARD_EARLY = ("ride",)
"""Commands that start the guard's forkserver (:mod:`pipeline.runtime.forkserver`) before loading their
config: its imports (pandas, pyarrow, the decoders) overlap the command's own, so a new file is
read sooner; ended at once when no file needed it. Measured: docs/performance.md."""


def _internal_error(exc: BaseException, as_json: bool = False) -> int:
    import traceback

    traceback.print_exception(exc)
    return _fail(f"sweatline: internal error: {type(exc).__name__}: {exc}", as_json, code=1)


_STORAGE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}
_NAME_ERRNOS = {errno.ENAMETOOLONG, errno.ELOOP}
"""A path the system will not look up: a name longer than the file system allows, a symlink loop."""
_SQLITE_STORAGE = ("readonly", "unable to open database", "disk is full", "disk i/o error")


def storage_problem(exc: BaseException, data_dir: Path | None = None) -> str | None:
    """One line for a problem the user can fix where files are kept (read-only or full data
    directory, unreadable inbox, a data directory that cannot be made where the config puts it),
    or None for anything else (an internal error)."""
    if isinstance(exc, OSError) and exc.errno in _NAME_ERRNOS:
        return f"{os.fsdecode(exc.filename or 'sweatline')}: {exc.strerror} (check the path given and the config's folders)"
    if isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS:
        return f"{exc.filename or 'sweatline'}: {exc.strerror} (check the data directory and inbox permissions and free space)"
    if (isinstance(exc, OSError) and exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST) and data_dir is not None
            and exc.filename is not None and Path(os.fsdecode(exc.filename)).is_relative_to(data_dir)):
        return (f"data_dir: cannot make {data_dir} or a folder in it ({exc.strerror}: {os.fsdecode(exc.filename)}); "
                "set data_dir in the config to a folder you can write")
    if isinstance(exc, sqlite3.Error) and any(word in str(exc).lower() for word in _SQLITE_STORAGE):
        return f"catalog: {exc} (check that the data directory is writable and has free space)"
    return None

