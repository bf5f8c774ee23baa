"""``sweatline sync`` and the nightly's first step: pull every configured source
(:mod:`pipeline.sources`) into ``<data_dir>/synced/``, which the nightly then reads with the inbox.

No Prefect here: the flows give :func:`pull_sources` a way to read a key from a Prefect Secret
block when the environment has none (``read_block``). A source that fails is one line in its
:class:`~pipeline.sources.SourceReport`; nothing here raises for a service's behaviour.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pipeline.core.config import Config
from pipeline.core.untrusted import clean_text
from pipeline.sources import SourceReport, intervals_icu
from pipeline.store.files import remove_stale_temporaries
from pipeline.store.layout import synced_dir

BlockReader = Callable[[str], str | None]
"""Reads a secret's value by block name (the flows' Prefect Secret), None when there is none."""


def sources_configured(config: Config) -> list[str]:
    """The names of the configured sources (``intervals.icu``), in pull order."""
    return [intervals_icu.NAME] if config.sync.intervals_icu is not None else []


def api_key(env_name: str, block: str | None, read_block: BlockReader | None) -> tuple[str | None, str | None]:
    """``(key, problem)``: the key from the environment variable ``env_name``, else from the Secret
    block ``block`` through ``read_block``; a problem reading the block is one line, not a raise."""
    value = os.environ.get(env_name, "").strip()
    if value:
        return value, None
    if block and read_block is not None:
        try:
            return (read_block(block) or "").strip() or None, None
        except Exception as exc:  # noqa: BLE001 - any failure of the block store is this source's one line
            return None, clean_text(f"the Prefect Secret block {block!r} could not be read ({type(exc).__name__}: {exc})")[:300]
    return None, None


def pull_sources(config: Config, read_block: BlockReader | None = None) -> list[SourceReport]:
    """Pull every configured source in turn; one report each (an empty list when none is
    configured). Raises :class:`~pipeline.core.errors.DamagedData` only for a damaged catalog."""
    reports: list[SourceReport] = []
    source = config.sync.intervals_icu
    if source is not None:
        remove_stale_temporaries(synced_dir(config.data_dir, intervals_icu.FOLDER))  # a pull killed mid-write
        key, problem = api_key(source.api_key_env, source.api_key_block, read_block)
        if problem is not None:
            reports.append(SourceReport(source=intervals_icu.NAME, problem=problem))
        else:
            reports.append(intervals_icu.pull(source, key, Path(config.data_dir)))
    return reports


def synced_folders(config: Config) -> list[Path]:
    """The folders the nightly reads besides the inbox: ``<data_dir>/synced`` when it exists."""
    folder = synced_dir(config.data_dir)
    return [folder] if folder.is_dir() else []
