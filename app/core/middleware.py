"""Outermost ASGI layer: request id, body limit, access log, metrics, last-resort 500s."""

from __future__ import annotations

import re
import time
import traceback
import uuid
from typing import Any

import structlog
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.db_errors import sqlstate_of
from app.core.metrics import RequestMetrics
from app.core.problem_handlers import http_problem
from app.core.request_context import client_ip_var, request_id_var

log = structlog.get_logger("crm_dq.http")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class BodyTooLarge(HTTPException):
    """An HTTPException so FastAPI's body parsing lets it through to the problem handler."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: RequestMetrics, max_body_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        incoming = headers.get("x-request-id", "")
        # A caller-chosen id is echoed only when harmless; otherwise we mint one.
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        client = scope.get("client")
        id_token = request_id_var.set(request_id)
        ip_token = client_ip_var.set(client[0] if client else None)
        structlog.contextvars.bind_contextvars(request_id=request_id)

        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            await send(message)

        try:
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise BodyTooLarge
            await self.app(scope, self._limited(receive), send_with_id)
        except BodyTooLarge:
            if not response_started:
                await http_problem(Request(scope), 413)(scope, receive, send_with_id)
        except Exception as error:
            _log_unhandled(error, scope)
            if not response_started:
                await http_problem(Request(scope), 500)(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = _route(scope)
            self.metrics.observe(scope["method"], route, status, seconds)
            log.info(
                "request",
                method=scope["method"],
                route=route,
                status=status,
                duration_ms=round(seconds * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")
            request_id_var.reset(id_token)
            client_ip_var.reset(ip_token)

    def _limited(self, receive: Receive) -> Receive:
        """Counts streamed (chunked) bodies too: Content-Length alone can be absent."""
        received = 0

        async def wrapped() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        return wrapped


def _route(scope: dict[str, Any]) -> str:
    route = scope.get("route")
    # Only the template, never the concrete path: paths can carry emails or ids.
    return getattr(route, "path", None) or "unmatched"


def _log_unhandled(error: Exception, scope: Scope) -> None:
    """Once, with its traceback; a database error without its text, which PostgreSQL fills
    with the failing row ("Failing row contains (…, jean@example.fr, …)")."""
    state = sqlstate_of(error)
    if state is None:
        log.exception("request.unhandled_error", method=scope["method"], route=_route(scope))
        return
    log.error(
        "request.unhandled_error",
        method=scope["method"],
        route=_route(scope),
        error=type(error).__name__,
        sqlstate=state,
        # where, not what: source lines are left out too ("stack" is the console
        # renderer's own key for a text traceback, and a list there broke the log line)
        frames=[
            f"{f.filename}:{f.lineno} in {f.name}"
            for f in traceback.extract_tb(error.__traceback__)
        ],
    )
