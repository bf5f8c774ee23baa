"""intervals.icu as a source: the original file of each activity not fetched before.

The documented personal API (intervals.icu API docs, ``https://intervals.icu/api-docs.html``; the
forum's "API access to Intervals.icu" thread): HTTP basic auth with the user name ``API_KEY`` and
the athlete's key as password; athlete id ``0`` means the key's own athlete.

* ``GET /api/v1/athlete/{id}/activities?oldest=YYYY-MM-DD&newest=YYYY-MM-DD`` — a JSON list of
  activities (``id`` such as ``i12345``, ``start_date_local``, ``type``, ``source``...). Activities
  imported from Strava come back as stubs without data (Strava's API terms do not let
  intervals.icu pass them on): remembered as having no file, never asked for;
* ``GET /api/v1/activity/{id}/file`` — the file as uploaded (FIT, or GPX/TCX), usually gzipped.

Sent over the network: the key (in the Authorization header, over HTTPS), the athlete id and the
two dates of the window; nothing about the athlete's files goes out.
"""
from __future__ import annotations

import json
import re
import time
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from pipeline.core.config import IntervalsIcuConfig
from pipeline.core.untrusted import clean_text
from pipeline.sources import SourceReport, http
from pipeline.sources.http import Answer, Unreachable
from pipeline.sources.ledger import Ledger
from pipeline.store.files import atomic_write_bytes
from pipeline.store.layout import synced_dir

NAME = "intervals.icu"
FOLDER = "intervals-icu"
USER = "API_KEY"

MAX_RETRY_AFTER_S = 30.0
"""A 429 asking to wait longer than this fails the source for the night (the next night tries again)."""
RETRY_PAUSE_S = 1.0
"""The pause before the one retry of a refused connection or an HTTP 5xx."""
MAX_FILE_BYTES = 256 * 1024 * 1024
"""An activity file larger than this once unzipped is refused (a 72-hour ride's FIT file is ~20 MB)."""
MAX_NAMED = 3
"""Files named in the source's one line when some could not be used."""

_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


class SourceProblem(Exception):
    """The source cannot go on tonight; the message is the one line the night's summary shows."""


class NotAnActivityFile(Exception):
    """One answer that is not a usable activity file (garbage, truncated): that activity is asked
    for again next night."""


def pull(config: IntervalsIcuConfig, api_key: str | None, data_dir: Path, *, today: date | None = None,
         sleep: Callable[[float], None] = time.sleep) -> SourceReport:
    """Download, into ``<data_dir>/synced/intervals-icu/``, the original file of every activity of
    the last ``config.days`` days not fetched before (the ledger, :mod:`pipeline.sources.ledger`).

    Never raises for what the service does: a refused key (HTTP 401/403), a rate limit (429 with a
    ``Retry-After`` over :data:`MAX_RETRY_AFTER_S`), no answer in ``config.timeout_s``, a broken-off
    or garbage answer end in :attr:`SourceReport.problem`, the files already written kept.
    Raises :class:`~pipeline.core.errors.DamagedData` for a damaged catalog (the ledger's home)."""
    report = SourceReport(source=NAME)
    if not api_key:
        where = f"the environment variable {config.api_key_env}"
        if config.api_key_block:
            where += f" or the Prefect Secret block {config.api_key_block!r}"
        report.problem = f"no API key ({where} is not set)"
        return report
    today = today or datetime.now(UTC).date()
    folder = synced_dir(data_dir, FOLDER)
    ask = _Asker(config, api_key, sleep)
    unusable: list[str] = []
    with Ledger(data_dir) as ledger:
        try:
            try:
                listed = _activities(ask(f"/api/v1/athlete/{config.athlete_id}/activities",
                                         {"oldest": (today - timedelta(days=config.days)).isoformat(),
                                          "newest": (today + timedelta(days=1)).isoformat()}))
            except NotAnActivityFile as exc:  # the list itself broke off
                raise SourceProblem(f"the activity list: {exc}") from None
            known = ledger.known(NAME)
            report.listed = len(listed)
            for item in listed:
                remote_id = item["id"]
                if remote_id in known:
                    report.known += 1
                    continue
                stub = _stub_reason(item)
                if stub is not None:
                    ledger.remember(NAME, remote_id, "no_file", note=stub)
                    report.without_file.append((remote_id, stub))
                    continue
                try:
                    answer = ask(f"/api/v1/activity/{remote_id}/file", None)
                except NotAnActivityFile as exc:
                    unusable.append(f"{remote_id}: {exc}")
                    continue
                if answer.status in (404, 410, 422):
                    why = f"no original file (HTTP {answer.status})"
                    ledger.remember(NAME, remote_id, "no_file", note=why)
                    report.without_file.append((remote_id, why))
                    continue
                if answer.status != 200:
                    unusable.append(f"{remote_id}: HTTP {answer.status}")
                    continue
                try:
                    suffix, content = activity_file(answer.body)
                except NotAnActivityFile as exc:
                    unusable.append(f"{remote_id}: {exc}")
                    continue
                name = f"{item['day']}-{remote_id}{suffix}" if item["day"] else f"{remote_id}{suffix}"
                atomic_write_bytes(folder / name, content)
                ledger.remember(NAME, remote_id, "fetched", file_name=name)
                report.downloaded.append(name)
        except SourceProblem as exc:
            report.problem = str(exc)
    if unusable and report.problem is None:
        shown = "; ".join(unusable[:MAX_NAMED]) + (f"; and {len(unusable) - MAX_NAMED} more" if len(unusable) > MAX_NAMED else "")
        report.problem = f"{len(unusable)} file(s) not usable, asked again next night ({shown})"
    if report.problem is not None:
        report.problem = clean_text(report.problem)
    return report


class _Asker:
    """GETs against the configured server with the key, and the policy for the answers that stop
    the source: HTTP 401/403 (the key), 429 (waited for once when ``Retry-After`` is short), 5xx and
    refused connections (retried once), no answer in time (not retried: the time is spent)."""

    def __init__(self, config: IntervalsIcuConfig, api_key: str, sleep: Callable[[float], None]) -> None:
        self.config, self.auth, self.sleep = config, (USER, api_key), sleep

    def __call__(self, path: str, params: dict[str, str] | None) -> Answer:
        last = ""
        for attempt in (1, 2):
            try:
                answer = http.get(self.config.base_url + path, params=params, auth=self.auth, timeout_s=self.config.timeout_s)
            except Unreachable as exc:
                last = str(exc)
                if "broke off" in last:
                    raise NotAnActivityFile(last) from None
                if "within" in last or attempt == 2:
                    raise SourceProblem(f"{last} ({self.config.base_url})") from None
                self.sleep(RETRY_PAUSE_S)
                continue
            if answer.status in (401, 403):
                raise SourceProblem(f"the API key was refused (HTTP {answer.status}): check {self.config.api_key_env} "
                                    f"and athlete_id {self.config.athlete_id!r}")
            if answer.status == 429:
                wait = retry_after_s(answer.retry_after)
                if wait is None or wait > MAX_RETRY_AFTER_S or attempt == 2:
                    said = f"; it asks to wait {wait:g} s" if wait is not None else ""
                    raise SourceProblem(f"rate limited (HTTP 429{said}): tried again next night")
                self.sleep(wait)
                continue
            if answer.status >= 500:
                last = f"HTTP {answer.status}"
                if attempt == 2:
                    raise SourceProblem(f"the server answered {last} twice")
                self.sleep(RETRY_PAUSE_S)
                continue
            return answer
        raise SourceProblem(last or "no answer")


def retry_after_s(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header in seconds: delay-seconds or an HTTP-date (RFC 9110 §10.2.3);
    None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text[:9]))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def _activities(answer: Answer) -> list[dict[str, Any]]:
    """The listed activities as ``{"id", "day", "source", "note"}``, ids checked; raises
    :class:`SourceProblem` for an answer that is not a JSON list of activities."""
    if answer.status != 200:
        raise SourceProblem(f"the activity list was refused (HTTP {answer.status})")
    try:
        data = json.loads(answer.body)
    except (ValueError, RecursionError):
        raise SourceProblem("the activity list is not JSON (a proxy's error page?)") from None
    if not isinstance(data, list):
        raise SourceProblem("the activity list is not a list")
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in data:
        if not isinstance(item, dict):
            continue
        remote_id = str(item.get("id", "")) if isinstance(item.get("id"), (str, int)) else ""
        if not _ID.match(remote_id) or remote_id in seen:
            continue
        seen.add(remote_id)
        start = item.get("start_date_local")
        day = start[:10] if isinstance(start, str) and _DAY.match(start) else ""
        found.append({"id": remote_id, "day": day, "source": item.get("source"), "note": item.get("_note")})
    return found


def _stub_reason(item: dict[str, Any]) -> str | None:
    """Why a listed activity has no file to fetch (a Strava stub), or None."""
    if isinstance(item.get("source"), str) and item["source"].upper() == "STRAVA":
        return "imported from Strava: its API does not let intervals.icu pass the file on"
    if isinstance(item.get("note"), str) and item["note"]:
        return clean_text(item["note"])[:200]
    return None


def activity_file(body: bytes) -> tuple[str, bytes]:
    """``(suffix, content)`` of a file answer: unzipped when gzipped, ``.fit`` for a FIT file whose
    header's data size fits the bytes received, ``.gpx`` / ``.tcx`` for those XML files. Raises
    :class:`NotAnActivityFile` for anything else (an HTML error page, a broken-off FIT or gzip)."""
    content = _gunzip(body) if body[:2] == b"\x1f\x8b" else body
    if len(content) >= 12 and content[8:12] == b".FIT":
        header = content[0]
        declared = header + int.from_bytes(content[4:8], "little") + 2
        if header not in (12, 14):
            raise NotAnActivityFile(f"FIT header of {header} bytes (12 or 14 expected)")
        if len(content) < declared:
            raise NotAnActivityFile(f"FIT file broken off ({len(content)} of {declared} bytes)")
        return ".fit", content
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<gpx" in head:
        return ".gpx", content
    if head.startswith(b"<") and b"<TrainingCenterDatabase" in head:
        return ".tcx", content
    if not content:
        raise NotAnActivityFile("empty answer")
    raise NotAnActivityFile(f"not an activity file (it starts {clean_text(repr(content[:24]))})")


def _gunzip(body: bytes) -> bytes:
    """A gzip body unzipped (at most :data:`MAX_FILE_BYTES`); :class:`NotAnActivityFile` when broken off or damaged."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        content = inflater.decompress(body, MAX_FILE_BYTES + 1)
    except zlib.error as exc:
        raise NotAnActivityFile(f"damaged gzip ({exc})") from None
    if len(content) > MAX_FILE_BYTES:
        raise NotAnActivityFile(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB unzipped")
    if not inflater.eof:
        raise NotAnActivityFile("gzip broken off before its end")
    return content
