"""Which inbox folder a nightly run reads (no Prefect import: the command checks it before starting)."""
from __future__ import annotations

from pathlib import Path

from pipeline.config import Config
from pipeline.errors import ConfigError


def inbox_for(config: Config, inbox: str | None) -> Path:
    """``--inbox DIR`` or the configured inbox, refused with one line when it is not a folder."""
    folder = Path(inbox).expanduser().resolve() if inbox else Path(config.inbox)
    if not folder.is_dir():
        raise ConfigError(str(folder), "inbox folder not found" if not folder.exists() else "inbox is not a folder")
    return folder
