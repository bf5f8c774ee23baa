"""The weather room's one door to the network: a bounded HTTP GET, and the retry policy every
provider shares (:mod:`pipeline.weather.providers`). A provider builds its request and parses the
answer; how long to wait, when to try again and what counts as the server being down is here.

httpx is imported when a request is really made, not by every process that imports a provider:
the guard's forkserver preloads the providers, and a new ``sweatline ride`` waits for its imports.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from pipeline.weather.models import WeatherRequest, WeatherUnavailable

MAX_RESPONSE_BYTES = 16 * 1024 * 1024
RETRY_PAUSE_S = 0.2
USER_AGENT = "sweatline (https://github.com/; weather along the route)"


def http_get(url: str, params: dict[str, str], timeout_s: float, deadline: float) -> tuple[int, bytes]:
    """One GET, the whole exchange (connect, headers, body) ended by ``deadline`` (monotonic):
    (HTTP status, body). Raises :class:`WeatherUnavailable` for an answer over
    :data:`MAX_RESPONSE_BYTES`, and httpx's errors as they come."""
    import httpx

    timeout = httpx.Timeout(max(timeout_s, 0.01))
    with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}) as client:
        with client.stream("GET", url, params=params) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise WeatherUnavailable("answer too large", server_down=True)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("whole answer not received in time")
            return response.status_code, bytes(body)


def fetch_body(request: WeatherRequest, timeout_s: float, reason_of: Callable[[bytes], str]) -> bytes:
    """The body of a 200 answer to ``request``: asked once, and once more if the first try failed
    fast (refused connection, HTTP 5xx/429), all within ``timeout_s`` [s]. ``reason_of`` reads the
    provider's error body into words.

    Raises :class:`WeatherUnavailable`: ``server_down=False`` for a refused request (HTTP 4xx but
    429), ``server_down=True`` for no answer in time, an unreachable server or repeated errors."""
    import httpx

    deadline = time.monotonic() + timeout_s
    last = "no answer"
    for attempt in (1, 2):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            status, body = http_get(request.url, request.params, remaining, deadline)
        except httpx.TimeoutException:
            last = f"no answer within {timeout_s:g} s"
            break  # the time is spent: no retry
        except httpx.HTTPError as exc:
            last = f"unreachable ({type(exc).__name__})"
        else:
            if status == 200:
                return body
            reason = reason_of(body)
            if 400 <= status < 500 and status != 429:
                raise WeatherUnavailable(f"refused the request (HTTP {status}: {reason})", server_down=False)
            last = f"HTTP {status}" + (f": {reason}" if reason != "no reason given" else "")
        if attempt == 1:
            time.sleep(min(RETRY_PAUSE_S, max(deadline - time.monotonic(), 0.0)))
    raise WeatherUnavailable(last, server_down=True)
