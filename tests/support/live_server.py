"""The real app under Uvicorn on 127.0.0.1, in a thread of this process, for black-box callers
(a headless browser, the fuzzer)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI

T = TypeVar("T")


@dataclass
class LiveServer:
    app: FastAPI
    base_url: str
    loop: asyncio.AbstractEventLoop

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run on the server's own loop: the app's pooled connections belong to it."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def call_blocking(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """The same, from code that has no event loop of its own."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


@contextmanager
def serving(app: FastAPI, start_timeout: float = 20) -> Iterator[LiveServer]:
    """Uvicorn in a thread with its own loop; outside the main thread it leaves signals alone."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound here, so no other process can take the port meanwhile
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.serve(sockets=[sock]))
        finally:
            loop.close()

    thread = threading.Thread(target=run, name="uvicorn-under-test", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + start_timeout
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("Uvicorn stopped during start-up")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Uvicorn not started within {start_timeout} seconds")
            time.sleep(0.02)
        yield LiveServer(app, f"http://127.0.0.1:{port}", loop)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    if thread.is_alive():
        raise RuntimeError("Uvicorn did not stop")
