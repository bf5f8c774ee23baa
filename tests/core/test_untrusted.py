"""Text from a FIT file (device and sport names, file names) never carries raw control
characters (ESC, BEL, C1, bidi overrides) into report.md, report.html or the terminal, and its
HTML/Markdown syntax stays text."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flows.cli import main
from pipeline.core.untrusted import clean_text, has_controls, plain_text
from pipeline.fit.messages import fit_name, fit_text
from pipeline.report.text import markdown_escape, terminal_safe
from tools.fitwriter import DeviceSpec, RecordSample, encode_activity

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
EVIL = "\x1b[2J\x1b]0;pwn\x07<script>alert(1)</script>[click](http://evil.example)\x9b31m\u202eZ"
FORBIDDEN = [chr(c) for c in range(0x20) if chr(c) not in "\n\t\r"] + [chr(c) for c in range(0x7f, 0xa0)] + ["\u202e"]


def _raw_controls(text: str) -> list[str]:
    return sorted({hex(ord(ch)) for ch in text if ch in FORBIDDEN})


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\u202e", "\u2066"])
def test_one_sanitizer_replaces_every_control_character(char) -> None:
    for clean in (clean_text, terminal_safe, markdown_escape):
        assert char not in clean(f"a{char}b")
    assert clean_text(f"a{char}b") == "a?b"
    assert has_controls(f"a{char}b")


def test_lines_are_kept_only_when_asked() -> None:
    assert clean_text("a\tb\nc") == "a?b?c"
    assert clean_text("a\tb\nc", keep_lines=True) == "a\tb\nc"
    assert clean_text(None) == "" and clean_text(b"x\x1by") == "x?y"


def test_fit_strings_lose_control_characters_where_they_enter() -> None:
    assert _raw_controls(fit_text(EVIL)) == []
    assert _raw_controls(fit_name(EVIL)) == []
    assert fit_name(5) == "5"


def test_hostile_fit_strings_and_file_name_reach_no_report_or_terminal(tmp_path: Path, capsys) -> None:
    samples = [RecordSample(timestamp=T0 + timedelta(seconds=i), speed_m_per_s=3.0, distance_m=3.0 * i)
               for i in range(1800)]
    data = encode_activity(samples, sport=52, sport_name=EVIL[:30], device=DeviceSpec(product_name=EVIL[:60]))
    (tmp_path / "inbox").mkdir()
    fit = tmp_path / "inbox" / "ride\x1b[31m\x07<b>[x](y).fit"
    fit.write_bytes(data)
    config = tmp_path / "c.yaml"
    config.write_text("inbox: inbox\ndata_dir: data\n")
    assert main(["ride", str(fit), "--config", str(config)]) == 0
    out = capsys.readouterr()
    assert _raw_controls(out.out + out.err) == [], out
    assert "ride?[31m?<b>" in out.out  # still recognisable, but inert
    reports = list((tmp_path / "data").rglob("report.*"))
    assert {p.suffix for p in reports} >= {".md", ".html"}
    for path in reports:
        text = path.read_text(encoding="utf-8")
        assert _raw_controls(text) == [], path
        if path.suffix == ".html":
            assert "<script>alert" not in text and "&lt;script&gt;" in text
            assert 'href="http://evil.example"' not in text
        if path.suffix == ".md":
            assert "<script>" not in text and "](http://evil.example)" not in text


def test_a_rejected_file_with_a_hostile_name_is_one_inert_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "x\x1b]0;title\x07.fit"
    bad.write_bytes(b"not a fit file at all")
    config = tmp_path / "c.yaml"
    config.write_text("inbox: inbox\ndata_dir: data\n")
    assert main(["ride", str(bad), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and _raw_controls(err) == [] and "x?]0;title?.fit" in err


# --- each place a string from a file goes has its rule (pipeline.core.untrusted) ------------------

@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u200e", "\u061c", "\u2069"])
def test_line_separators_and_bidi_marks_are_no_line_break_on_a_terminal(char: str) -> None:
    """U+2028/U+2029 end a line in some terminals, log viewers and JSON readers: one line stays one."""
    from pipeline.core.untrusted import clean_text

    assert clean_text(f"a{char}b") == "a?b"
    assert clean_text(f"a{char}b", keep_lines=True) == "a?b"


@pytest.mark.parametrize("name, shown", [
    ("M\udcfcller.fit", "M\\xfcller.fit"),           # Latin-1 ü read as a file name (PEP 383 escape)
    ("\udc81\udcfe.fit", "\\x81\\xfe.fit"),
    ("x\ud800y", "x\\ud800y"),                       # a lone surrogate that is no escaped byte
    ("Müller.fit", "Müller.fit"),                    # valid UTF-8 stays as it is
])
def test_a_name_that_is_not_utf8_is_stored_and_shown_with_its_bytes_escaped(name: str, shown: str) -> None:
    from pipeline.core.untrusted import clean_text, storable_text

    assert storable_text(name) == shown and clean_text(name) == shown
    shown.encode("utf-8")  # storable: SQLite text, UTF-8 files and terminals take it


@pytest.mark.parametrize("text, linked", [
    ("see https://evil.example/pay", "https://evil.example"),
    ("HTTP://EVIL.EXAMPLE", "HTTP://EVIL"),
    ("www.evil.example", "www.evil"),
    ("mail me: thief@evil.example", "@evil"),
    ("ftp://files.example/x", "ftp://files"),
])
def test_markdown_makes_no_link_of_a_bare_url_from_a_file(text: str, linked: str) -> None:
    """GitHub Flavored Markdown links www., http(s):// and e-mail addresses found in plain text (GFM
    spec 6.9, autolinks extension): the cleaned text no longer holds the pattern, and reads the same."""
    from pipeline.core.untrusted import ZERO_WIDTH_SPACE, markdown_text

    cleaned = markdown_text(text)
    assert linked not in cleaned
    assert cleaned.replace(ZERO_WIDTH_SPACE, "") == text


@pytest.mark.parametrize("text", ["[x](javascript:alert(1))", "![i](http://e.example/i.png)", "<a href=x>y</a>",
                                  "a | b", "`code`", "**bold**"])
def test_markdown_cells_from_a_file_make_no_markup(text: str) -> None:
    import re

    from pipeline.core.untrusted import markdown_text

    cleaned = markdown_text(text)
    assert not re.search(r"(?<!\\)[\[\]|`*<]", cleaned), cleaned


@pytest.mark.parametrize("written, plain", [
    ("Continue straight onto Phinney Ave N<br>Pass by Zeeks Pizza (on the right in 0.5&nbsp;mi)",
     "Continue straight onto Phinney Ave N · Pass by Zeeks Pizza (on the right in 0.5 mi)"),
    ("<p>Aid <b>station</b></p><p>km&#160;42</p>", "Aid station · km 42"),
    ("a<br/><BR />b<br>", "a · b"),  # no empty or doubled break
    ("Fish &amp; chips", "Fish & chips"),
    ("x < y > z", "x < y > z"),  # a '<' that opens no tag is text
    ("Water <3", "Water <3"),
    ("a &lt;br&gt; b", "a <br> b"),  # decoded once: an escaped tag is the text it shows
])
def test_plain_text_turns_html_cues_into_text(written: str, plain: str) -> None:
    assert plain_text(written) == plain
