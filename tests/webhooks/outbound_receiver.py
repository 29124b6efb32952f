"""A real HTTP receiver on 127.0.0.1 that verifies signatures with `standardwebhooks`.

It runs `http.server` in a thread, so the dispatcher talks to it over a real socket; a
`behaviour` callable decides, per request number, how long to stall and what to answer.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

Behaviour = Callable[[int], tuple[int, float]]  # request number (1-based) → (status, stall s)


def always_ok(_n: int) -> tuple[int, float]:
    return 204, 0.0


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool
    payload: dict[str, Any] | None
    at: float  # time.monotonic() when it arrived


@dataclass
class Receiver:
    port: int
    secrets: list[str] = field(default_factory=list)
    behaviour: Behaviour = always_ok
    received: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/crm-dq"

    def verify(self, headers: dict[str, str], body: bytes) -> dict[str, Any] | None:
        for secret in self.secrets:
            try:
                return Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
        return None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                payload = receiver.verify(headers, body)
                with receiver._lock:
                    receiver.received.append(
                        Received(headers, body, payload is not None, payload, time.monotonic())
                    )
                    number = len(receiver.received)
                receiver.arrived.set()
                status, stall = receiver.behaviour(number)
                if stall:
                    time.sleep(stall)
                try:
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the dispatcher gave up waiting (timeout) or died

            def log_message(self, *_args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # the default 5 drops SYNs under 32 parallel POSTs

        server = Server(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def ids(self) -> list[str]:
        with self._lock:
            return [r.headers["webhook-id"] for r in self.received]

    def bodies(self) -> list[dict[str, Any]]:
        with self._lock:
            return [json.loads(r.body) for r in self.received]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def receiver(behaviour: Behaviour = always_ok, *, started: bool = True) -> Iterator[Receiver]:
    found = Receiver(free_port(), behaviour=behaviour)
    if started:
        found.start()
    try:
        yield found
    finally:
        found.stop()
