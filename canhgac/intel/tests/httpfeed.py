"""A real local HTTP server for the pull tests (``http.server`` in a thread): each path answers what the test put
there — a status, headers, a body, or nothing until the test lets it go — honours ``If-None-Match`` like a web
server, and records what it was asked (path and headers)."""

from __future__ import annotations

import threading
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOLD_LIMIT = 60
"""Seconds a held answer waits at most (a test that forgot to let it go fails instead of hanging)."""


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None
    """Answer only once the test sets this event (a slow server, without guessing how slow the machine is)."""
    declare_length: bool = True
    """Send Content-Length; without it the body ends when the connection closes (HTTP/1.0 style)."""


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                server.requests.append(Request(self.path, {key.lower(): value for key, value in self.headers.items()}))
                answer = server.answers.get(self.path, Answer(b"not here", 404))
                if answer.hold is not None and not answer.hold.wait(HOLD_LIMIT):
                    self.send_error(503, "the test never let this answer go")
                    return
                etag = answer.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.declare_length:
                    self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):  # the client stopped reading (a size cap)
                    self.wfile.write(answer.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]
