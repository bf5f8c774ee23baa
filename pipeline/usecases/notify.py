"""The night reports itself: a short message after each nightly run, through apprise (already
installed with Prefect), to the URL of the config's ``notify:`` section (ntfy, a webhook, email...).

A failed night always sends — the run broke (:func:`failure_message`), every new file failed, or
a source failed (:func:`night_message`) — and with ``notify.summary: true`` every other night
sends its summary: activities, litres, the link to the index. A message that cannot be sent is
one line in the run's log; it never fails the night.
"""
from __future__ import annotations

import os

from pydantic import BaseModel

from pipeline.core.config import Config
from pipeline.core.untrusted import clean_text
from pipeline.store.layout import reports_dir
from pipeline.usecases.nightly import all_failed
from pipeline.usecases.nightly_summary import NightlySummary

MAX_BODY_CHARS = 1500
"""A message body is cut to this (a phone notification shows a few lines; the run summary has the rest)."""


class Message(BaseModel):
    """One notification: ``failed`` ones are sent as apprise's ``failure`` type, others as ``info``."""

    title: str
    body: str
    failed: bool


def notify_url(config: Config) -> str | None:
    """The configured apprise URL: ``notify.url``, else the variable ``notify.url_env`` names; None: no notification."""
    if config.notify.url:
        return config.notify.url
    if config.notify.url_env:
        return os.environ.get(config.notify.url_env, "").strip() or None
    return None


def _index_link(config: Config) -> str:
    return (reports_dir(config.data_dir) / "index.html").resolve().as_uri()


def night_message(config: Config, summary: NightlySummary) -> Message | None:
    """The message after a night that ran to its end, or None when there is nothing to send (a
    quiet night without ``notify.summary``, a night that found another one running)."""
    if summary.busy:
        return None
    failed = all_failed(summary) or bool(summary.failed_sources())
    if not failed and not config.notify.summary:
        return None
    litres = sum(a.sweat_total_l or 0.0 for a in summary.activities)
    n = len(summary.activities)
    if all_failed(summary):
        title = "Sweatline nightly failed: every new file failed"
    elif summary.failed_sources():
        title = "Sweatline nightly: " + ", ".join(f"{s.source} failed" for s in summary.failed_sources())
    else:
        title = f"Sweatline nightly: {n} {'activity' if n == 1 else 'activities'}"
    lines = [summary.line()]
    if n:
        lines.append(f"{n} {'activity' if n == 1 else 'activities'}, {litres:.1f} L of sweat in all")
    lines.append(f"index: {_index_link(config)}")
    return Message(title=clean_text(title)[:250], body=clean_text("\n".join(lines), keep_lines=True)[:MAX_BODY_CHARS],
                   failed=failed)


def failure_message(config: Config, exc: BaseException) -> Message:
    """The message after a run that broke (``exc``: the configuration, the catalog, a bug)."""
    what = clean_text(f"{type(exc).__name__}: {exc}" if not str(exc).startswith(type(exc).__name__) else str(exc))
    return Message(title="Sweatline nightly failed", failed=True,
                   body=clean_text(f"{what[:MAX_BODY_CHARS - 200]}\nindex: {_index_link(config)}", keep_lines=True))


def send(url: str, message: Message) -> str | None:
    """Send ``message`` to the apprise ``url``; None when sent, else why not (one line, the URL's
    scheme only: a URL may hold a password)."""
    import apprise

    scheme = url.split("://", 1)[0][:20]
    box = apprise.Apprise()
    if not box.add(url):
        return f"notification not sent: apprise does not understand the {scheme}:// URL"
    try:
        sent = box.notify(title=message.title, body=message.body,
                          notify_type=apprise.NotifyType.FAILURE if message.failed else apprise.NotifyType.INFO)
    except Exception as exc:  # noqa: BLE001 - a plugin's own failure is this message's one line
        return f"notification not sent to the {scheme}:// URL ({type(exc).__name__})"
    return None if sent else f"notification not sent: the {scheme}:// service did not accept it"


def notify(config: Config, message: Message | None) -> str | None:
    """Send ``message`` when a URL is configured; returns the one line to log (sent, or why not),
    or None when nothing was to be sent."""
    url = notify_url(config)
    if url is None or message is None:
        return None
    problem = send(url, message)
    return problem if problem is not None else f"notification sent ({url.split('://', 1)[0][:20]}://): {message.title}"


