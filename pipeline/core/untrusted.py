"""Text from outside (FIT strings, file names, error reasons quoting them) made inert.

One rule for every place such text leaves the program (report.md, report.html, index.md,
digest.md, the terminal, Prefect logs and artifacts): C0 control characters (NUL, BEL, ESC, ...),
DEL, C1 controls (U+0080-U+009F, among them the 8-bit CSI U+009B), the Unicode line and paragraph
separators (U+2028/U+2029: a line break to some terminals, viewers and JSON readers) and the
Unicode bidirectional marks, overrides and isolates become ``?``. A hostile device or file name can then neither clear the screen,
retitle the terminal, ring the bell, nor reorder the text around it. Tab and newline are kept only
when the caller says the text is multi-line (``keep_lines=True``); names are always one line.

Where the text goes decides what else is done to it:

* a terminal, a log line, a Prefect task-run name: :func:`clean_text` (one line);
* Markdown (reports, index, digest, the Prefect artifacts, whose table cells the Prefect UI renders
  as Markdown): :func:`markdown_text`, which also neutralises Markdown and HTML syntax and keeps
  a bare URL or e-mail address from becoming a link;
* HTML: Jinja's autoescape, after :func:`clean_text`;
* the catalog and file contents: :func:`storable_text` (a name that is not UTF-8).
"""
from __future__ import annotations

import functools
import re
from typing import Any

_CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_ALL = re.compile(f"[\t\n{_CONTROLS}]")
_KEEP_LINES = re.compile(f"[{_CONTROLS}]")
REPLACEMENT = "?"


def clean_text(value: Any, *, keep_lines: bool = False) -> str:
    """``str(value)`` with control and bidi-override characters replaced by ``?`` (None -> "") and
    undecodable bytes of a file name shown as ``\\xNN`` (:func:`storable_text`)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return (_KEEP_LINES if keep_lines else _ALL).sub(REPLACEMENT, storable_text(str(value)))


_SURROGATES = re.compile("[\ud800-\udfff]")


def storable_text(value: str) -> str:
    """``value`` as valid Unicode: a file name that is not UTF-8 (a Latin-1 ``ü`` written by a FAT
    watch or an old zip tool) reaches Python as lone surrogates (``\\udcfc``, PEP 383), which no
    UTF-8 file, SQLite text or terminal accepts (``UnicodeEncodeError``); each undecodable byte is
    written ``\\xfc`` instead, so ``Müller.fit`` in Latin-1 reads ``M\\xfcller.fit``, distinct
    from the UTF-8 name. Any other lone surrogate becomes ``\\udXXX``. Valid text is returned as is."""
    if _SURROGATES.search(value) is None:
        return value
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte (U+D800-U+DC7F, U+DD00-U+DFFF)
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


def has_controls(value: str) -> bool:
    """Whether ``value`` holds a character :func:`clean_text` would replace (besides tab/newline)."""
    return _KEEP_LINES.search(value) is not None


_HTML_BREAK = re.compile(r"(?i)\s*<\s*(?:br|/?p|/?div|/?li|/?tr|hr)\b[^<>]*>\s*")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
CUE_BREAK = " · "
"""What a line break (``<br>``, a paragraph, a list item) in a name written as HTML becomes."""


def plain_text(value: str) -> str:
    """A name written as HTML (route planners put turn-by-turn cues in course points that way:
    ``Continue onto Phinney Ave N<br>Pass by Zeeks Pizza (in 0.5&nbsp;mi)``) as plain text: line
    breaks become :data:`CUE_BREAK`, other tags go, character references are decoded (``&nbsp;``
    a space, ``&amp;`` ``&``) and white space runs become one space. Text without tags or
    references comes back with only its white space tidied; a ``<`` that opens no tag stays."""
    import html

    mark = "\ue000"  # a private-use character: where a break was, until the white space is tidied
    text = _HTML_TAG.sub("", _HTML_BREAK.sub(mark, value))
    parts = (" ".join(html.unescape(part).split()) for part in text.split(mark))  # split() takes U+00A0 too
    return CUE_BREAK.join(part for part in parts if part)


MAX_WORD_CHARS = 240
"""A word (a path, a name) longer than this is shown cut in the middle by :func:`shorten_words`:
a 5,000-character file name stays one readable line."""


def shorten_words(line: str, max_chars: int = MAX_WORD_CHARS) -> str:
    """``line`` with each whitespace-free run longer than ``max_chars`` cut to its first and last
    ``max_chars // 2`` characters around ``...`` (the start and the end of a path say which)."""
    half = max_chars // 2
    return re.sub(r"\S{%d,}" % (max_chars + 1), lambda m: f"{m.group()[:half]}...{m.group()[-half:]}", line)


def source_label(source: str, max_chars: int | None = None) -> str:
    """An activity's source as a list names it: a plain file's name as it is; a zip member
    (``export.zip:DI_CONNECT/…/UploadedFiles_0-_Part1.zip:12345.fit``, the form of
    :mod:`pipeline.fit.archive`) as the outer zip's name and the member's own file name,
    ``export.zip:…/12345.fit`` (``export.zip:12345.fit`` for a member at the zip's top) — two
    activities of one export zip differ only there. ``max_chars``: the most shown; beyond it the zip's
    name is cut first (``expo…:…/12345.fit``), the member's own name last (its end kept)."""
    outer, colon, member = source.partition(":")
    if not colon:
        return source if max_chars is None or len(source) <= max_chars else source[:max_chars - 1] + "…"
    own = member.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    joint = ":" if own == member else ":…/"
    label = outer + joint + own
    if max_chars is None or len(label) <= max_chars:
        return label
    room = max_chars - len(joint) - len(own)
    if room >= 2:
        return outer[:room - 1] + "…" + joint + own
    return "…" + own[-(max_chars - 1):]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
_MD_BREAKS = re.compile(r"[\r\n\t\x0b\x0c\x1c-\x1f\x85\u2028\u2029]+")  # every line break str.split() knows
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9+.-]:)(?=//)|(?<=\bwww)(?=\.)|(?<=@)(?=[a-z0-9])")
ZERO_WIDTH_SPACE = "\u200b"
"""Put where a Markdown viewer would start a link of its own: ``https:`` + ZWSP + ``//evil``,
``www`` + ZWSP + ``.evil``, ``a@`` + ZWSP + ``b.c``. GitHub Flavored Markdown's autolink extension
links ``www.``, ``http://``/``https://`` and e-mail addresses found in plain text (GFM spec, section
6.9 "Autolinks (extension)"); the space breaks each pattern and shows as nothing."""


def markdown_text(value: Any) -> str:
    """Untrusted text (file names, reasons, devices) safe inside a Markdown paragraph, list item or
    table cell: it shows as itself and makes no markup, link or HTML.

    Control characters as :func:`clean_text`; line breaks of any kind (and tabs) become a space (a
    newline in a file name must not end a table row); ``&``, ``<`` and ``>`` become entities
    (CommonMark renders them as the characters, never as tags); backslash, backtick,
    ``* _ [ ] | # ~`` are backslash-escaped (no emphasis, code, link text or table cell edge); a
    bare URL or e-mail address is broken by :data:`ZERO_WIDTH_SPACE` so no viewer links it;
    None is "".
    """
    if value is None:
        return ""
    return _markdown_str(str(value))


@functools.lru_cache(maxsize=4096)
def _markdown_str(value: str) -> str:
    """:func:`markdown_text` of a string; kept for the next call with the same text (a report's
    labels, units and notes come back in every report of a run)."""
    text = clean_text(_MD_BREAKS.sub(" ", storable_text(value)), keep_lines=True)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK.sub(ZERO_WIDTH_SPACE, text)
    return _MD_BREAKS.sub(" ", text)
