"""`sweatline history`: not available yet (issue #4)."""
from __future__ import annotations

import argparse

from pipeline.config import Config
from pipeline.errors import NotYetAvailable


def run(args: argparse.Namespace, config: Config) -> int:
    raise NotYetAvailable("sweatline history", "not available yet: it arrives with issue #4")
