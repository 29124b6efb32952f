"""Database faults as 503 problems: the database away, the pool exhausted, a query too slow.

Without this, a PostgreSQL restart or a saturated pool surfaces as a 500 "internal error",
which tells a client its request is wrong when it should simply retry. The request's
transaction is rolled back either way (the session dependency exits with the exception),
so nothing of a failed request is kept and its connection goes back to the pool, or is
discarded if it is dead; `pool_pre_ping` replaces dead ones at the next checkout.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Literal

import asyncpg
import structlog
from asyncpg.exceptions import ConnectionDoesNotExistError
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from app.core.errors import ServiceUnavailable
from app.core.i18n import pick
from app.core.problem_handlers import language_of, problem_response

log = structlog.get_logger("crm_dq.db")

Fault = Literal["unavailable", "busy", "timeout"]

# SQLSTATEs (PostgreSQL appendix A) that mean "try again later", not "your request is wrong".
_UNAVAILABLE_STATES = frozenset(
    {"57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006", "08007"}
)  # admin/crash shutdown, starting, links
_BUSY_STATES = frozenset({"53300", "53400"})  # too many connections, configuration limit
_TIMEOUT_STATES = frozenset({"57014", "55P03"})  # statement timeout (query cancelled), lock timeout
_DRIVER_MODULES = ("asyncpg", "sqlalchemy")


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"
    title = {"en": "The database is unreachable", "fr": "La base de données est injoignable"}
    headers = {"Retry-After": "5"}


class DatabaseBusy(ServiceUnavailable):
    code = "database_busy"
    title = {
        "en": "Every database connection is busy: retry shortly",
        "fr": "Toutes les connexions à la base sont occupées : réessayez dans un instant",
    }
    headers = {"Retry-After": "2"}


class DatabaseTimeout(ServiceUnavailable):
    code = "database_timeout"
    title = {
        "en": "The database took too long to answer: nothing was changed",
        "fr": "La base de données a mis trop de temps à répondre : rien n'a été modifié",
    }
    headers = {"Retry-After": "2"}


PROBLEMS: dict[Fault, type[ServiceUnavailable]] = {
    "unavailable": DatabaseUnavailable,
    "busy": DatabaseBusy,
    "timeout": DatabaseTimeout,
}


def classify(error: BaseException) -> Fault | None:
    """What kind of transient database fault `error` is, or None if it is not one."""
    for cause in error_chain(error):
        if isinstance(cause, sa_exc.TimeoutError):  # QueuePool: no connection within timeout
            return "busy"
        state = getattr(cause, "sqlstate", None)
        if state in _TIMEOUT_STATES:
            return "timeout"
        if state in _BUSY_STATES:
            return "busy"
        if state in _UNAVAILABLE_STATES or (isinstance(state, str) and state.startswith("08")):
            return "unavailable"
        if isinstance(cause, asyncpg.PostgresConnectionError | ConnectionDoesNotExistError):
            return "unavailable"  # "connection was closed in the middle of operation"
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return "unavailable"
        if isinstance(cause, OSError) and _raised_by_driver(cause.__traceback__):
            return "unavailable"  # refused, reset or timed out while reaching PostgreSQL
    return None


def error_chain(error: BaseException) -> Iterator[BaseException]:
    """`error`, the driver error it wraps (`.orig`), and their causes and contexts, once each."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]


def sqlstate_of(error: BaseException) -> str | None:
    """The first PostgreSQL SQLSTATE behind `error`; None when no database error is behind it."""
    return next((s for c in error_chain(error) if (s := getattr(c, "sqlstate", None))), None)


def _raised_by_driver(tb: types.TracebackType | None) -> bool:
    """An OSError counts only if it came through the database driver, not e.g. a DNS lookup."""
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.startswith(_DRIVER_MODULES):
            return True
        tb = tb.tb_next
    return False


async def _database_fault(request: Request, error: Exception) -> JSONResponse:
    fault = classify(error)
    if fault is None:
        raise error  # a genuine bug: the outer middleware logs it and answers 500
    problem = PROBLEMS[fault]
    # The class name and SQLSTATE only: an error's text can quote the SQL and its values.
    log.warning(
        "database.fault",
        fault=fault,
        error=type(error).__name__,
        sqlstate=sqlstate_of(error),
    )
    return problem_response(
        request,
        status=problem.status,
        code=problem.code,
        title=pick(problem.title, language_of(request)),
        headers=problem.headers,
    )


def install_database_fault_handlers(app: FastAPI) -> None:
    for kind in (sa_exc.SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
        app.add_exception_handler(kind, _database_fault)
