"""What every command's parser is made of (standard library only, so ``sweatline --help`` and a
usage error load nothing heavy): the parser class whose usage error is one line, numbers refused
with one line, and the options commands share (``--config``, ``--units``)."""
from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn


class UsageLine(Exception):
    """argparse refused the command line: the one line to show."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (stderr; with ``--json`` also a JSON object on stdout)
    and exit 2 (SPEC): :func:`flows.cli.main` shows it."""

    def error(self, message: str) -> NoReturn:
        raise UsageLine(f"{self.prog}: {message} (see --help)")


def number(kind: type = float) -> Callable[[str], float]:
    """An argparse ``type`` reading a number of ``kind``; anything else is "not a number: '…'"."""
    def convert(text: str) -> float:
        try:
            return kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    convert.__name__ = kind.__name__
    return convert


def add_config(parser: argparse.ArgumentParser) -> None:
    """``--config PATH``, which every command takes."""
    parser.add_argument("--config", metavar="PATH",
                        help="configuration file; without it: $SWEATLINE_CONFIG, else ./config/sweatline.yaml, "
                             "else $XDG_CONFIG_HOME/sweatline/sweatline.yaml (~/.config/sweatline/sweatline.yaml)")


def add_units(parser: argparse.ArgumentParser,
              typed: str = "--pre/--post lb, --drank/--urine US fl oz, --temp °F, --speed mph") -> None:
    """``--units metric|imperial``, for commands that print numbers or read them typed; ``typed``
    names the command's own typed options and their imperial units (its help says no other's)."""
    parser.add_argument("--units", choices=["metric", "imperial"],
                        help=f"units of the numbers printed here and of those typed ({typed}); default: the "
                             "config's units, else metric; JSON stays SI")
