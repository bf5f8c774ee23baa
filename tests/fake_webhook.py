"""A real HTTP server on 127.0.0.1 that takes what a webhook takes: every POST's path, headers and
body kept in ``received`` (apprise's ``json://`` posts ``{"version", "title", "message", "type"}``).
``status`` is what it answers (200; 500 to play a broken receiver)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeWebhook:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status = 200
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = {"raw": body.decode("utf-8", "replace")}
                server.received.append({"path": self.path, "payload": payload})
                self.send_response(server.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def apprise_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"json://{host}:{port}/hook"

    def __enter__(self) -> "FakeWebhook":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
