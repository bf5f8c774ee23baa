"""A real HTTP server on 127.0.0.1 (http.server in a thread) that answers like intervals.icu's
documented personal API:

* basic auth, user ``API_KEY``, password :attr:`FakeIntervalsIcu.key`; no credentials: HTTP 401,
  a wrong key: HTTP 403 ``{"status": 403, "error": "Access denied"}`` (as the service answers);
* ``GET /api/v1/athlete/{id}/activities?oldest=YYYY-MM-DD&newest=YYYY-MM-DD``: a JSON list of the
  activities whose ``start_date_local`` day lies in [oldest, newest], newest first; athlete ``0``
  is the key's athlete (:attr:`athlete`);
* ``GET /api/v1/activity/{id}/file``: the activity's file gzipped (``application/octet-stream``), or
  HTTP 404 for an unknown id or an activity without a file (a Strava stub).

``mode`` makes it misbehave: ``ok`` | ``rate_limited`` (HTTP 429 with ``Retry-After:
retry_after`` for the next ``limited`` requests) | ``slow`` (sleeps ``delay_s`` before answering)
| ``truncated`` (file answers announce more bytes than they send) | ``garbage`` (file answers are
an HTML page with status 200) | ``list_garbage`` (the list is HTML) | ``down`` (HTTP 503). Each
request is kept in ``requests`` as (path, params, authorization header).
"""
from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeIntervalsIcu:
    def __init__(self, key: str = "k3y-for-tests", athlete: str = "i4242") -> None:
        self.key, self.athlete = key, athlete
        self.mode = "ok"
        self.delay_s = 0.0
        self.retry_after = "1"
        self.limited = 0
        self.activities: list[dict] = []  # the JSON the list answers with
        self.files: dict[str, bytes] = {}  # activity id -> file bytes (served gzipped)
        self.requests: list[tuple[str, dict[str, str], str | None]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                params = {k: v[-1] for k, v in parse_qs(url.query).items()}
                with server._lock:
                    server.requests.append((url.path, params, self.headers.get("Authorization")))
                if server.mode == "slow":
                    time.sleep(server.delay_s)
                status, body, headers, announced = server.answer(url.path, params, self.headers.get("Authorization"))
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(announced if announced is not None else len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    if announced is not None:
                        self.wfile.flush()
                        self.close_connection = True
                except OSError:
                    pass  # the client gave up

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, activity_id: str, day: str, content: bytes | None, **fields: object) -> None:
        """List an activity starting on ``day`` (``YYYY-MM-DD``); ``content`` None: no file (a stub)."""
        self.activities.insert(0, {"id": activity_id, "start_date_local": f"{day}T07:30:00", "type": "Ride",
                                   "name": f"ride {activity_id}", "source": "OAUTH_CLIENT", **fields})
        if content is not None:
            self.files[activity_id] = content

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def file_requests(self) -> list[str]:
        return [path for path, _, _ in self.requests if path.endswith("/file")]

    def __enter__(self) -> "FakeIntervalsIcu":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, path: str, params: dict[str, str], authorization: str | None
               ) -> tuple[int, bytes, dict[str, str], int | None]:
        json_kind = {"Content-Type": "application/json"}
        if authorization is None or not authorization.startswith("Basic "):
            return 401, b'{"status": 401, "error": "Unauthorized"}', json_kind, None
        user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        if user != "API_KEY" or password != self.key:
            return 403, b'{"status": 403, "error": "Access denied"}', json_kind, None
        if self.mode == "down":
            return 503, b"<html>503 Service Unavailable</html>", {"Content-Type": "text/html"}, None
        if self.mode == "rate_limited" and self.limited > 0:
            self.limited -= 1
            return 429, b'{"status": 429, "error": "Too many requests"}', {**json_kind, "Retry-After": self.retry_after}, None
        parts = path.strip("/").split("/")
        if parts[:3] == ["api", "v1", "athlete"] and len(parts) == 5 and parts[4] == "activities":
            if parts[3] not in ("0", self.athlete):
                return 403, b'{"status": 403, "error": "Access denied"}', json_kind, None
            if self.mode == "list_garbage":
                return 200, b"<html><body>Bad Gateway</body></html>", {"Content-Type": "text/html"}, None
            oldest, newest = params.get("oldest", "0000"), params.get("newest", "9999")
            listed = [a for a in self.activities if oldest <= a["start_date_local"][:10] <= newest]
            return 200, json.dumps(listed).encode(), json_kind, None
        if parts[:3] == ["api", "v1", "activity"] and len(parts) == 5 and parts[4] == "file":
            content = self.files.get(parts[3])
            if content is None:
                return 404, b'{"status": 404, "error": "Not found"}', json_kind, None
            if self.mode == "garbage":
                return 200, b"<!DOCTYPE html><html><body>Something went wrong</body></html>", {"Content-Type": "text/html"}, None
            body = gzip.compress(content)
            headers = {"Content-Type": "application/octet-stream",
                       "Content-Disposition": f'attachment; filename="{parts[3]}.fit.gz"'}
            if self.mode == "truncated":
                return 200, body[: len(body) // 2], headers, len(body)
            return 200, body, headers, None
        return 404, b'{"status": 404, "error": "Not found"}', json_kind, None
