"""The sources' one door to the network: a bounded HTTP GET with basic auth.

httpx is imported when a request is really made (the nightly imports this module whether or not
a source is configured). Tests point every source at a server on 127.0.0.1 (tests/conftest.py
checks each request goes there).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

MAX_BODY_BYTES = 64 * 1024 * 1024
"""An answer over this is refused unread past it: an activity file of a 24-hour ride is a few MB."""
USER_AGENT = "sweatline (activity files for sweat estimates)"


class Unreachable(Exception):
    """No usable answer: the server did not answer in time, refused the connection, or broke off
    the answer (a body shorter than its Content-Length, a body over :data:`MAX_BODY_BYTES`)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    retry_after: str | None = None  # the Retry-After header, as sent
    content_type: str = ""


def get(url: str, *, params: dict[str, str] | None, auth: tuple[str, str], timeout_s: float) -> Answer:
    """One GET of ``url``: the whole exchange (connect, headers, body) within ``timeout_s`` [s].
    Redirects are followed (a file may be served from a storage host). Raises :class:`Unreachable`
    for no answer in time, a refused connection, a broken-off or oversize body."""
    import httpx

    deadline = time.monotonic() + timeout_s
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout_s), follow_redirects=True,
                          headers={"User-Agent": USER_AGENT}) as client:
            with client.stream("GET", url, params=params, auth=auth) as response:
                body = bytearray()
                for chunk in response.iter_bytes():  # Content-Encoding undone; a gzipped file stays gzipped
                    body += chunk
                    if len(body) > MAX_BODY_BYTES:
                        raise Unreachable(f"answer larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB")
                    if time.monotonic() > deadline:
                        raise Unreachable(f"no whole answer within {timeout_s:g} s")
                return Answer(response.status_code, bytes(body), response.headers.get("Retry-After"),
                              response.headers.get("Content-Type", ""))
    except httpx.TimeoutException:
        raise Unreachable(f"no answer within {timeout_s:g} s") from None
    except httpx.RemoteProtocolError:
        raise Unreachable("the answer broke off (fewer bytes than announced)") from None
    except httpx.HTTPError as exc:
        raise Unreachable(f"unreachable ({type(exc).__name__})") from None
