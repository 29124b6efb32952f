"""One JSON access line per request, one traceback per unexpected error, no bodies."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from app.core.db import DbSession
from app.core.logging import configure_logging

probe = APIRouter(prefix="/_probe")


@probe.get("/items/{item_id}")
async def item(item_id: str) -> dict[str, str]:
    return {"ok": "yes"}


@probe.post("/fail")
async def fail() -> None:
    raise ValueError("kaboom")


@probe.post("/fail-in-database")
async def fail_in_database(session: DbSession) -> None:
    # PostgreSQL quotes the failing row in its message: personal data must not reach the log
    await session.execute(text("CREATE TEMP TABLE probe_rows (email text, name text NOT NULL)"))
    await session.execute(text("INSERT INTO probe_rows VALUES ('row@example.fr', NULL)"))


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    app.include_router(probe)
    return app


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


async def test_access_line_uses_route_template_and_request_id(
    client: AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=True)
    await client.get(
        "/_probe/items/jean.dupont@example.fr?q=secret", headers={"X-Request-ID": "r1"}
    )
    out = capsys.readouterr().out
    lines = [line for line in json_lines(out) if line["event"] == "request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["route"] == "/_probe/items/{item_id}"
    assert (line["method"], line["status"], line["request_id"]) == ("GET", 200, "r1")
    assert line["duration_ms"] >= 0
    assert "jean.dupont" not in out
    assert "secret" not in out


async def test_unexpected_error_logged_once_with_traceback(
    client: AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=True)
    await client.post("/_probe/fail", content=b'{"email": "body@example.fr"}')
    out = capsys.readouterr().out
    errors = [line for line in json_lines(out) if line["event"] == "request.unhandled_error"]
    assert len(errors) == 1
    assert "ValueError: kaboom" in errors[0]["exception"]
    assert "body@example.fr" not in out


async def test_database_error_logged_without_the_row_it_quotes(
    client: AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=True)
    response = await client.post("/_probe/fail-in-database")
    out = capsys.readouterr().out
    errors = [line for line in json_lines(out) if line["event"] == "request.unhandled_error"]
    assert response.status_code == 500
    assert len(errors) == 1
    assert (errors[0]["error"], errors[0]["sqlstate"]) == ("IntegrityError", "23502")
    assert any(frame.endswith("in fail_in_database") for frame in errors[0]["frames"])
    assert "row@example.fr" not in out


async def test_database_error_logged_on_the_console_too(
    client: AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=False)  # `make run`'s default
    try:
        response = await client.post("/_probe/fail-in-database")
    finally:
        configure_logging("INFO", json=True)
    out = capsys.readouterr().out
    assert response.status_code == 500
    assert "request.unhandled_error" in out and "23502" in out and "fail_in_database" in out
    assert "row@example.fr" not in out
