"""Notes on an estimate: grouped per leg, each once, plain words first with the technical detail beside."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from shared_paths import SAMPLES

from pipeline.fit import read_activity
from pipeline.report.view import report_view
from pipeline.usecases.analyse import analyse_activity
from report.helpers import CONFIG, MULTISPORT, TRIATHLON, rendered


@pytest.mark.parametrize("path", [MULTISPORT, TRIATHLON], ids=["7-leg multisport", "triathlon"])
def test_notes_are_grouped_per_leg_deduplicated_and_plain(path: Path) -> None:
    analysis = analyse_activity(read_activity(path), CONFIG)
    report = analysis.report
    groups = report_view(report).note_groups
    assert groups[0].title == "Whole activity"
    titles = [g.title for g in groups[1:]]
    assert all(re.fullmatch(r"Leg \d+: .+", t) for t in titles)
    legs = {leg.index + 1: leg for leg in report.legs}
    transitions = [leg for leg in report.legs if leg.sport == "transition"]
    assert sum(t.endswith(("T1", "T2", "T3")) for t in titles) <= len(transitions)
    whole = [str(n) for n in groups[0].notes]
    for group in groups:
        shown = [str(n) for n in group.notes]
        assert len(shown) == len(set(shown)), f"{group.title} repeats a note"
        if group is not groups[0]:
            assert not set(shown) & set(whole), "a leg repeats a whole-activity note"
    for note in (n for g in groups for n in g.notes):
        assert not re.match(r"^(running|cycling|swimming|transition|generic): ", note.text)  # no leg-less copies
        assert "ISO 7933" not in note.text and "W/m²" not in note.text and "fitted" not in note.text
    # every leg's own model notes are under that leg (or, if every leg has it, under the whole activity)
    for group in groups[1:]:
        number = int(group.title.split()[1].rstrip(":"))
        assert number in legs
    raw_leg_notes = {f for leg in report.legs for f in leg.sweat.flags}
    assert len(raw_leg_notes) <= sum(len(g.notes) for g in groups)


def test_plain_words_first_with_the_technical_detail_beside() -> None:
    from pipeline.report.notes import plain_note

    note = plain_note("metabolic rate above the fitted 450 W/m² for 40% of moving time")
    assert note.text.startswith("You worked harder") and "40%" in note.text
    assert note.detail == "metabolic rate above the fitted 450 W/m²"
    iso = plain_note("heat-balance lower bound (ISO 7933 required sweat) set the rate for 29% of moving time, "
                     "where the regression predicted less than the heat that must be evaporated")
    assert "ISO 7933" not in iso.text and "ISO 7933" in iso.detail


def test_report_markdown_lists_the_notes_under_their_legs() -> None:
    md = rendered(TRIATHLON)["report.md"]
    notes = md[md.index("Notes on this estimate"):]
    assert "**Leg 1: open water swim**" in notes and "**Leg 2: T1**" in notes and "open_water" not in md
    assert re.search(r"\*\*Leg 3: ride\*\*\n\n- ", notes)
    assert ")- " not in notes  # one note a line


def test_a_triathlons_details_do_not_give_one_leg_s_power_as_the_race_s() -> None:
    # MANIFEST avg_power per leg for the fr255 triathlon: ";;;;403", the run leg's running power only;
    # the file's race summary repeats it, which read as the whole race's average power.
    row = next(line for line in (SAMPLES / "MANIFEST.csv").read_text().splitlines() if line.startswith(TRIATHLON.name))
    assert ",;;;;403," in row
    md = rendered(TRIATHLON)["report.md"]
    details = md[md.index("## Details"):md.index("Notes on this estimate")]
    assert "403 W" not in details and "Average power" not in details
