"""`sweatline weigh-in`: not available yet (issue #6)."""
from __future__ import annotations

import argparse

from pipeline.config import Config
from pipeline.errors import NotYetAvailable


def run(args: argparse.Namespace, config: Config) -> int:
    raise NotYetAvailable("sweatline weigh-in", "not available yet: it arrives with issue #6")
