"""Text from outside (FIT strings, file names, error reasons quoting them) made inert.

One rule for every place such text leaves the program (report.md, report.html, index.md,
digest.md, the terminal, Prefect logs and artifacts): C0 control characters (NUL, BEL, ESC, ...),
DEL, C1 controls (U+0080-U+009F, among them the 8-bit CSI U+009B) and the Unicode bidirectional
overrides/isolates become ``?``. A hostile device or file name can then neither clear the screen,
retitle the terminal, ring the bell, nor reorder the text around it. Tab and newline are kept only
when the caller says the text is multi-line (``keep_lines=True``); names are always one line.

HTML/Markdown *syntax* (``<script>``, ``[link](...)``) is not this module's business: the HTML
autoescape and :func:`pipeline.report.text.markdown_escape` neutralise it.
"""
from __future__ import annotations

import re
from typing import Any

_CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ALL = re.compile(f"[\t\n{_CONTROLS}]")
_KEEP_LINES = re.compile(f"[{_CONTROLS}]")
REPLACEMENT = "?"


def clean_text(value: Any, *, keep_lines: bool = False) -> str:
    """``str(value)`` with control and bidi-override characters replaced by ``?`` (None -> "")."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return (_KEEP_LINES if keep_lines else _ALL).sub(REPLACEMENT, str(value))


def has_controls(value: str) -> bool:
    """Whether ``value`` holds a character :func:`clean_text` would replace (besides tab/newline)."""
    return _KEEP_LINES.search(value) is not None


MAX_WORD_CHARS = 240
"""A word (a path, a name) longer than this is shown cut in the middle by :func:`shorten_words`:
a 5,000-character file name stays one readable line."""


def shorten_words(line: str, max_chars: int = MAX_WORD_CHARS) -> str:
    """``line`` with each whitespace-free run longer than ``max_chars`` cut to its first and last
    ``max_chars // 2`` characters around ``...`` (the start and the end of a path say which)."""
    half = max_chars // 2
    return re.sub(r"\S{%d,}" % (max_chars + 1), lambda m: f"{m.group()[:half]}...{m.group()[-half:]}", line)
