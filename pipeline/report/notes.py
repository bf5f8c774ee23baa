"""The notes on how an estimate was made, as a reader meets them: plain words first, the technical
detail beside it, each note once, a multisport activity's notes under the leg they are about.

The model writes its notes (``SweatBlock.flags``, ``SweatBlock.assumptions``,
``EnvironmentBlock.notes``) in the terms of the equations ("metabolic rate above the fitted 450
W/m² for 40% of moving time"); the JSON report keeps them so, in metric. Each note with quantities
is a :class:`pipeline.core.notes.ModelNote` that writes itself in the reader's units;
:func:`plain_note` splits one, so written, into what it means for the reader and the detail; :func:`note_groups` sorts a report's notes into
"whole activity" and one group per leg ("Leg 2: T1"), each distinct note once.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from pipeline.core.notes import in_units
from pipeline.core.schema import Report
from pipeline.core.sports import sport_profile
from pipeline.core.units import METRIC_READER, Reader


class Note(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str  # plain words
    detail: str = ""  # the technical detail (equation, source, figures), may be ""

    def __str__(self) -> str:
        return f"{self.text} ({self.detail})" if self.detail else self.text


class NoteGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str  # "Whole activity", "Leg 1: swim", "Leg 2: T1"
    notes: list[Note]


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], Note]]

_RULES: list[_Rule] = [
    (re.compile(r"^metabolic rate above the fitted (?P<lim>[\d.]+ W/m²) for (?P<pct>\d+%) of moving time$"),
     lambda m: Note(text=f"You worked harder than the people the sweat equation was built on, for {m['pct']} of the "
                         "moving time: the sweat there is an extrapolation",
                    detail=f"metabolic rate above the fitted {m['lim']}")),
    (re.compile(r"^relative air speed above the fitted (?P<lim>[\d.]+ (?:m/s|mph)) for (?P<pct>\d+%) of moving time "
                r"\(up to (?P<max>[\d.]+ (?:m/s|mph))\): (?P<rest>.*)$"),
     lambda m: Note(text=f"Your speed made more breeze than the sweat equation was built for, for {m['pct']} of the "
                         "moving time; it was counted as the most the equation knows",
                    detail=f"relative air speed above the fitted {m['lim']}, up to {m['max']}; {m['rest']}")),
    (re.compile(r"^relative air speed above the fitted (?P<lim>[\d.]+ (?:m/s|mph)) for (?P<pct>\d+%) of moving time "
                r"\(assumed (?P<max>[\d.]+ (?:m/s|mph)), the sport's typical speed: no usable speed\): (?P<rest>.*)$"),
     lambda m: Note(text=f"No usable speed was recorded, so the sport's typical speed ({m['max']}) was assumed; its breeze "
                         "is more than the sweat equation was built for and was counted as the most the equation "
                         "knows",
                    detail=f"relative air speed above the fitted {m['lim']}, assumed {m['max']}; {m['rest']}")),
    (re.compile(r"^air below the fitted (?P<lim>-?[\d.]+ °[CF]) for (?P<pct>\d+%) of moving time: (?P<rest>.*)$"),
     lambda m: Note(text=f"The air was cooler than the sweat equation was built for, for {m['pct']} of the moving "
                         "time; clothing was assumed to suit the weather",
                    detail=f"air below the fitted {m['lim']}; {m['rest']}")),
    (re.compile(r"^air above the fitted (?P<lim>-?[\d.]+ °[CF]) for (?P<pct>\d+%) of moving time$"),
     lambda m: Note(text=f"The air was hotter than the sweat equation was built for, for {m['pct']} of the moving time",
                    detail=f"air above the fitted {m['lim']}")),
    (re.compile(r"^heat-balance lower bound \((?P<std>ISO 7933[^)]*)\) set the rate for (?P<pct>\d+%) of moving "
                r"time, (?P<rest>.*)$"),
     lambda m: Note(text=f"For {m['pct']} of the moving time the sweat was set by the heat your body had to lose, "
                         "which was more than the equation predicted",
                    detail=f"heat-balance lower bound, {m['std']}; {m['rest']}")),
    (re.compile(r"^cool air for (?P<pct>\d+%) of moving time: sweat held at what your body must shed as heat "
                r"(?P<rest>.*)$"),
     lambda m: Note(text=f"In cool air ({m['pct']} of the moving time) sweat was held to what your body had to shed "
                         "as heat",
                    detail=f"heat-balance cap {m['rest']}")),
    (re.compile(r"^for (?P<pct>\d+%) of moving time the air carried your heat away without sweat in the model; "
                r"the lowest rate measured in athletes \((?P<src>[^)]*)\) was used instead$"),
     lambda m: Note(text=f"For {m['pct']} of the moving time the air cooled you without sweat; the lowest sweat rate "
                         "measured in athletes was used instead",
                    detail=m["src"])),
    (re.compile(r"^transition: modelled as (?P<what>a few minutes of walking or jogging) \((?P<met>[^)]*)\), "
                r"(?P<rest>.*)$"),
     lambda m: Note(text=f"A transition is counted as {m['what']}", detail=f"{m['met']}, {m['rest']}")),
    (re.compile(r"^(?P<sport>[\w ]+): in water the body loses its heat to the water, so sweat is taken from "
                r"swimmers' measured losses \((?P<src>[^)]*)\), not from the air's heat balance$"),
     lambda m: Note(text="In water your body loses its heat to the water: sweat there comes from what swimmers "
                         "were measured to lose",
                    detail=f"{m['src']}, not the air's heat balance")),
    (re.compile(r"^sun assumed \(no weather service radiation\): (?P<rest>.*)$"),
     lambda m: Note(text="No weather service gave the sun: the average daylight sky was assumed where the sun was up, "
                         "none at night",
                    detail=m["rest"])),
    (re.compile(r"^sun assumed: (?P<what>.*?); (?P<hint>give --solar-w-m2 0 .*)$"),
     lambda m: Note(text=f"The sky was not given: the average daylight sky was assumed; {m['hint']}",
                    detail=m["what"])),
    (re.compile(r"^(?P<name>\w+): population default (?P<value>[\d.]+) \(set (?P<key>athlete\.\w+) in the config\)$"),
     lambda m: Note(text=f"Your {_ATHLETE_WORDS.get(m['name'], m['name'])} is not known: a typical "
                         f"{m['value']} was used", detail=f"set {m['key']} in the config")),
    (re.compile(r"^hr_max_bpm: (?P<v>\d+ bpm) predicted from age \((?P<src>[^)]*)\), not measured$"),
     lambda m: Note(text=f"Your maximum heart rate was predicted from your age ({m['v']}), not measured",
                    detail=f"{m['src']}; set athlete.hr_max_bpm in the config")),
    (re.compile(r"^sex unknown: (?P<rest>.*)$"),
     lambda m: Note(text="Sex not given: the heart-rate energy equations for men and women were averaged",
                    detail="set athlete.sex in the config")),
]

_ATHLETE_WORDS: dict[str, str] = {"body_mass_kg": "body mass (kg)", "height_cm": "height (cm)", "age": "age (years)",
                  "hr_rest_bpm": "resting heart rate (bpm)", "ftp_w": "FTP (W)"}

_CITATION = re.compile(r"\s*\(([^()]*(?:\d{4}|ISO \d+)[^()]*)\)")


def plain_note(text: str) -> Note:
    """One model note as plain words and its detail. A note no rule knows keeps its words, with
    a bracketed citation ("(Baker 2016)", "(ISO 7933 ...)") moved to the detail."""
    for pattern, make in _RULES:
        match = pattern.match(text)
        if match:
            return make(match)
    details = _CITATION.findall(text)
    plain = _CITATION.sub("", text).strip()
    plain = plain[:1].upper() + plain[1:]
    return Note(text=plain, detail="; ".join(details))


def leg_titles(sports: list[str], label: Callable[[str | None, str | None], str],
               sub_sports: list[str | None] | None = None) -> list[str]:
    """'Leg 1: swim', 'Leg 2: T1', 'Leg 3: ride', 'Leg 4: T2', ... (transitions numbered T1, T2 as
    triathletes call them)."""
    titles, transitions = [], 0
    sub_sports = sub_sports or [None] * len(sports)
    for i, (sport, sub) in enumerate(zip(sports, sub_sports)):
        if sport_profile(sport).transition:
            transitions += 1
            name = f"T{transitions}"
        else:
            name = label(sport, sub)
        titles.append(f"Leg {i + 1}: {name}")
    return titles


def note_groups(report: Report, label: Callable[[str | None, str | None], str],
                reader: Reader = METRIC_READER) -> list[NoteGroup]:
    """The report's notes, each distinct one once: a single-sport report's in one group; a
    multisport report's notes that every leg shares (the athlete's assumptions, the humidity from
    the config) under "Whole activity", the rest under their leg. The whole activity's copies of
    the legs' notes ("running: ...", the legs' environment notes) are not repeated. Each note is
    written in ``reader``'s units by the note itself (:meth:`pipeline.core.notes.ModelNote.in_units`:
    its quantities converted from SI, no text rewritten) before it is split into plain words and detail."""
    s, env = report.sweat, report.environment
    whole: list[str] = []
    if s is not None:
        whole += list(s.flags) + list(s.assumptions)
    if env is not None:
        whole += list(env.notes)
    legs = report.legs or []
    per_leg: list[list[str]] = []
    for leg in legs:
        own: list[str] = []
        if leg.sweat is not None:
            own += list(leg.sweat.flags) + list(leg.sweat.assumptions)
        if leg.environment is not None:
            own += list(leg.environment.notes)
        per_leg.append(list(dict.fromkeys(own)))
    if legs:
        shared = set(per_leg[0]).intersection(*per_leg[1:]) if per_leg else set()
        in_legs = {n for notes in per_leg for n in notes}
        in_legs |= {f"{leg.sport}: {n}" for leg, notes in zip(legs, per_leg) for n in notes}
        whole = [n for n in whole if n not in in_legs or n in shared]
        whole += [n for n in per_leg[0] if n in shared]
        per_leg = [[n for n in notes if n not in shared] for notes in per_leg]

    def notes_of(texts: list[str], seen: set[str]) -> list[Note]:
        out = []
        for text in dict.fromkeys(texts):
            note = plain_note(in_units(text, reader))  # the model's words, written in the reader's units
            key = str(note)
            if key not in seen:
                seen.add(key)
                out.append(note)
        return out

    seen: set[str] = set()
    groups = []
    first = notes_of(whole, seen)
    if first:
        groups.append(NoteGroup(title="Whole activity" if legs else "", notes=first))
    titles = leg_titles([leg.sport for leg in legs], label, [leg.sub_sport for leg in legs])
    for title, notes in zip(titles, per_leg):
        leg_notes = notes_of(notes, set(seen))  # a leg repeats nothing said for the whole activity
        if leg_notes:
            groups.append(NoteGroup(title=title, notes=leg_notes))
    return groups
