"""Which errors are transient database faults (503) and which are bugs (still a 500)."""

from __future__ import annotations

import asyncpg
import pytest
from asyncpg import exceptions as pg
from sqlalchemy import exc as sa_exc

from app.core.db_errors import classify
from bench.load_process import free_port


def wrapped(orig: BaseException, *, invalidated: bool = False) -> sa_exc.DBAPIError:
    """As SQLAlchemy raises a driver error: the driver's exception on `.orig`."""
    return sa_exc.OperationalError("SELECT 1", {}, orig, connection_invalidated=invalidated)  # type: ignore[arg-type]


def caused_by(cause: BaseException) -> RuntimeError:
    try:
        raise RuntimeError("while handling the request") from cause
    except RuntimeError as error:
        return error


CASES = [
    pytest.param(sa_exc.TimeoutError("QueuePool limit"), "busy", id="pool-timeout"),
    pytest.param(wrapped(pg.QueryCanceledError("statement timeout")), "timeout", id="57014"),
    pytest.param(wrapped(pg.LockNotAvailableError("lock timeout")), "timeout", id="55P03"),
    pytest.param(wrapped(pg.TooManyConnectionsError("too many")), "busy", id="53300"),
    pytest.param(wrapped(pg.AdminShutdownError("terminating")), "unavailable", id="57P01"),
    pytest.param(wrapped(pg.CannotConnectNowError("starting up")), "unavailable", id="57P03"),
    pytest.param(
        wrapped(pg.ConnectionFailureError("link down")), "unavailable", id="08006-connection"
    ),
    pytest.param(
        wrapped(pg.ConnectionDoesNotExistError("closed mid-operation")),
        "unavailable",
        id="closed-mid-operation",
    ),
    pytest.param(
        wrapped(RuntimeError("?"), invalidated=True), "unavailable", id="sqlalchemy-invalidated"
    ),
    pytest.param(pg.AdminShutdownError("raw driver error"), "unavailable", id="unwrapped"),
    pytest.param(caused_by(wrapped(pg.QueryCanceledError("x"))), "timeout", id="as-a-cause"),
    pytest.param(wrapped(pg.UniqueViolationError("dup")), None, id="unique-violation-is-a-bug"),
    pytest.param(wrapped(pg.UndefinedColumnError("no column")), None, id="bad-sql-is-a-bug"),
    pytest.param(sa_exc.NoResultFound("none"), None, id="orm-error-is-a-bug"),
    pytest.param(ConnectionRefusedError(111, "refused"), None, id="oserror-not-from-the-driver"),
    pytest.param(TimeoutError(), None, id="plain-timeout-not-from-the-driver"),
    pytest.param(ValueError("é" * 10_000), None, id="unrelated"),
]


@pytest.mark.parametrize(("error", "expected"), CASES)
def test_classify(error: BaseException, expected: str | None) -> None:
    assert classify(error) == expected


def test_a_cycle_of_causes_terminates() -> None:
    first, second = RuntimeError("a"), RuntimeError("b")
    first.__cause__, second.__cause__ = second, first
    assert classify(first) is None


async def test_a_refused_connection_from_the_driver_is_unavailable() -> None:
    with pytest.raises(ConnectionRefusedError) as refused:
        await asyncpg.connect(host="127.0.0.1", port=free_port(), user="x", timeout=2)
    assert classify(refused.value) == "unavailable"
