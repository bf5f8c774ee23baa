"""report.html in a real browser: Debian's headless Chromium over the DevTools pipe.

The page must render offline with no console message, no script error and no network request
other than the file itself; a hostile file name shows as text. A screenshot is saved next to the
page (``tmp_path``) for a human to look at. Without Chromium the test FAILS: install it with
``apt-get update && apt-get install -y chromium`` (``.ci/run`` does this in CI).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from report.helpers import EXAMPLE_RIDE, HOSTILE, MULTISPORT, analysis_of, hostile_copy

from pipeline.report.digest import DigestRow, build_digest, render_digest_html
from pipeline.report.writer import write_reports

from .chromium import Chromium, find_chromium, load_page

pytestmark = pytest.mark.slow(reason="opens reports in headless Chromium (Debian's chromium)")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    """One headless Chromium for the module's pages, each page in a fresh browser context of its own."""
    if find_chromium() is None:
        pytest.fail("chromium is not installed: the report tests need Debian's headless Chromium "
                    "(`apt-get update && apt-get install -y chromium`; .ci/run installs it)", pytrace=False)
    browser = Chromium()
    yield browser
    browser.close()


def assert_clean_load(page, url_must_be: str) -> None:
    assert page.requests == [url_must_be], f"network requests besides the page itself: {page.requests}"
    assert page.console == [], f"console messages: {page.console}"
    assert page.exceptions == [], f"script errors: {page.exceptions}"


def test_report_renders_offline_with_no_errors(chromium, tmp_path):
    paths = write_reports(analysis_of(EXAMPLE_RIDE), tmp_path / "ride")
    page = load_page(paths.html_path, browser=chromium)
    assert_clean_load(page, paths.html_path.resolve().as_uri())
    # "Ride on …" or, with the file's sub-sport, "Road ride on …", as the terminal names it
    assert page.title.split(" on ")[0].lower() in ("ride", "road ride") and page.title.endswith("· Sweatline")
    text = page.body_text
    for words in ("Sweat lost", "Your drinking plan", "banana", "potato", "water", "stretch", "not medical advice"):
        assert words.lower() in text.lower(), words
    assert page.layout_width <= 1100 + 1, "the page scrolls sideways"
    assert page.layout_height > 1500  # headline, plan, charts, advice, details: a real page, not a stub
    shot = tmp_path / "report.png"
    shot.write_bytes(page.screenshot_png)
    assert page.screenshot_png.startswith(PNG_MAGIC) and len(page.screenshot_png) > 20_000


def test_hostile_names_render_as_text(chromium, tmp_path):
    paths = write_reports(hostile_copy(analysis_of(MULTISPORT)), tmp_path / "hostile")
    page = load_page(paths.html_path, browser=chromium)
    assert_clean_load(page, paths.html_path.resolve().as_uri())  # no alert(), nothing fetched
    assert HOSTILE in page.body_text  # shown literally, as the characters of the name
    (tmp_path / "hostile.png").write_bytes(page.screenshot_png)


def test_digest_renders_offline(chromium, tmp_path):
    rows = [DigestRow(id=str(i), source=f"{HOSTILE}-{i}.fit", sport="running", timer_s=3600.0 * (1 + i % 2),
                      start_time=f"2026-07-{10 + i:02d}T07:00:00Z", sweat_total_l=0.9 + 0.3 * i,
                      sweat_low_l=0.6, sweat_high_l=1.6, sweat_rate_l_per_h=0.9, potassium_mg=180.0 + 40 * i)
            for i in range(5)]
    path = tmp_path / "digest.html"
    path.write_text(render_digest_html(build_digest(rows, end=date(2026, 7, 16), timezone="UTC")))
    page = load_page(path, browser=chromium)
    assert_clean_load(page, path.resolve().as_uri())
    assert "Day by day" in page.body_text and HOSTILE in page.body_text
    (tmp_path / "digest.png").write_bytes(page.screenshot_png)


def test_index_renders_offline_and_names_render_as_text(chromium, tmp_path):
    from datetime import UTC, datetime

    from pipeline.report.index import build_index, render_index_html

    rows = [DigestRow(id=str(i), source=f"{HOSTILE}-{i}.fit", sport="swimming", sub_sport="open_water",
                      timer_s=3600.0 * (1 + i), start_time=f"2026-07-{10 + i:02d}T07:00:00Z", sweat_total_l=0.9 + 0.3 * i,
                      sweat_low_l=0.6, sweat_high_l=1.6, report_dir=f"reports/2026-07-{10 + i:02d}-swimming-{i:010d}")
            for i in range(3)]
    path = tmp_path / "index.html"
    path.write_text(render_index_html(build_index(rows, timezone="Europe/London", night="processed 0, skipped 3, rejected 0",
                                                  night_at=datetime(2026, 7, 13, 2, 0, tzinfo=UTC))))
    page = load_page(path, browser=chromium)
    assert_clean_load(page, path.resolve().as_uri())  # links are not followed: nothing fetched
    text = page.body_text
    assert HOSTILE in text and "open water swim" in text and "3 h" in text and "processed 0, skipped 3" in text
    assert text.index(f"{HOSTILE}-2.fit") < text.index(f"{HOSTILE}-0.fit")  # newest first
    assert page.layout_width <= 1100 + 1, "the page scrolls sideways"
    (tmp_path / "index.png").write_bytes(page.screenshot_png)


def test_the_harness_does_see_scripts_errors_and_requests(chromium, tmp_path):
    """The checks above can fail: a page that logs, throws and fetches is caught on all three counts."""
    path = tmp_path / "bad.html"
    path.write_text('<!DOCTYPE html><html><head><title>bad</title></head><body><p>x</p>'
                    '<img src="http://127.0.0.1:9/pixel.png">'
                    '<script>console.error("boom"); throw new Error("bang");</script></body></html>')
    page = load_page(path, browser=chromium)
    assert any(url.startswith("http://127.0.0.1:9/") for url in page.requests)
    assert any(entry.get("level") == "error" for entry in page.console)
    assert page.exceptions


# --- the layout at desktop and phone widths ------------------------------------------------

LAYOUT_PROBE = (Path(__file__).with_name("layout_probe.js")).read_text(encoding="utf-8")
WIDTHS = (1280, 390)
MIN_CHART_TEXT_PX = 10.0


@pytest.fixture(scope="module")
def reports_folder(tmp_path_factory) -> Path:
    """A data directory as a user has it: real files processed by the command line (local path, in
    this process: what is tested is the pages), then the front door written from the catalog."""
    from cli_support import run_cli
    from shared_paths import SAMPLES

    from pipeline.store.catalog import Catalog

    root = tmp_path_factory.mktemp("layout")
    (root / "inbox").mkdir()
    config = root / "sweatline.yaml"
    config.write_text(f"inbox: {root / 'inbox'}\ndata_dir: {root / 'data'}\n"
                      "nightly: {cron: '0 3 * * *', timezone: Europe/London}\n")
    files = [EXAMPLE_RIDE, SAMPLES / "garmin-fr255-triathlon-1h07-summary-last.fit",
             SAMPLES / "garmin-edge800-cycling-38min-indoor-trainer.fit",
             SAMPLES / "garmin-fenix6-swimming-11min-open-water.fit"]
    for path in files:
        done = run_cli("ride", str(path), config=config)
        assert done.returncode == 0, done.stderr
    data = root / "data"
    with Catalog(data) as catalog:
        rows = catalog.activities()
    from datetime import UTC, datetime

    from pipeline.report.digest import write_digest

    # as the nightly writes them: the run's summary under digests/, the index and the digest pages
    write_digest("# Nightly run\n", datetime.now(UTC), rows, data / "digests", data / "reports",
                 timezone="Europe/London", night=f"processed {len(rows)}, skipped 0, rejected 0")
    return data / "reports"


def _pages(reports: Path) -> list[Path]:
    return [reports / "index.html", reports / "digest.html", *sorted(reports.glob("*/report.html"))]


@pytest.mark.parametrize("width", WIDTHS)
def test_layout_at_desktop_and_phone_width(chromium, reports_folder, width, tmp_path):
    for path in _pages(reports_folder):
        page = load_page(path, width=width, height=900, probe=LAYOUT_PROBE, mobile=width < 600, full_page=True,
                         browser=chromium)
        assert_clean_load(page, path.resolve().as_uri())
        shot = tmp_path / f"{path.parent.name}-{path.stem}-{width}.png"
        shot.write_bytes(page.screenshot_png)
        probe = page.probe
        where = f"{path.relative_to(reports_folder)} at {width} px"
        # no horizontal scroll of the page
        assert probe["scroll_width"] <= probe["inner_width"], f"{where}: the page scrolls sideways"
        # no headline card value or note on two lines ("plausibly 1.9–4.0 L" stays whole)
        for card in probe["cards"]:
            assert card["value_lines"] == 1, f"{where}: {card['label']} value wraps: {card['value']!r}"
            assert card["note_lines"] <= 1, f"{where}: {card['label']} note wraps: {card['note']!r}"
            assert not card["overflow"], f"{where}: {card['label']} spills out of its card"
        # every value in a row of cards starts at the same height (the potassium card too)
        rows: dict[int, set[int]] = {}
        for card in probe["cards"]:
            rows.setdefault(card["card_top"], set()).add(card["value_top"])
        assert all(max(tops) - min(tops) <= 1 for tops in rows.values()), f"{where}: card values misaligned {rows}"
        # the plan section does not repeat the headline cards
        labels = {c["label"].lower() for c in probe["cards"]}
        assert not labels & {"drink during", "drink after"} or not probe["plan"], f"{where}: plan repeated in cards"
        # nothing scrolls sideways inside the page either: no scrollable element, no chart frame
        # whose content is wider than the frame
        assert not probe["scrollers"], f"{where}: elements scroll sideways: {probe['scrollers']}"
        # no table squeezed until its words break letter by letter (a wide table becomes labelled rows)
        assert not probe["broken"], f"{where}: table cells break inside words: {probe['broken'][:5]}"
        for figure in probe["figures"]:
            assert figure["scroll_width"] <= figure["client_width"], f"{where}: a chart frame scrolls: {figure}"
        # each chart frame shows one chart: the desktop version on a desktop, the phone's on a phone
        charts = [f for f in probe["figures"] if f["classes"] or f["charts_shown"]]
        expected = "chart-narrow" if width < 600 else "chart-wide"
        assert all(f["classes"] == [expected] for f in charts), f"{where}: charts shown {charts}"
        if path.stem in ("report", "digest"):
            assert charts and probe["texts"], f"{where}: no chart on screen"
        # chart text as rendered on screen: SVG font size times the chart's scale
        small = [t for t in probe["texts"] if t["px"] < MIN_CHART_TEXT_PX]
        assert not small, f"{where}: chart text below {MIN_CHART_TEXT_PX} px: {small[:3]}"
        # every relative link resolves to a file on disk
        for href in probe["links"]:
            assert "://" not in href and not href.startswith("/"), f"{where}: non-relative link {href}"
            target = (path.parent / unquote(href.split("#", 1)[0])).resolve()
            assert target.exists(), f"{where}: link {href} -> {target} does not exist"
        text = page.body_text
        assert "open_water" not in text.replace(path.parent.name, ""), f"{where}: a raw FIT sub_sport name"
        if "indoor" in path.parent.name or "edge800" in text:
            assert "direct sun" not in text
