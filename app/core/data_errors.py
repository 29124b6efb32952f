"""PostgreSQL "data exceptions" as 422 problems: the last line behind request validation.

Class 22 SQLSTATEs (a text longer than its column, a NUL character, which PostgreSQL text
cannot hold, a number or date out of range) mean a request carried a value that validation
let through. That is the client's input, not a server fault: the answer is a 422, the
transaction is rolled back (nothing is stored), and a warning tells operators a validation
rule is missing. Everything else goes on to the database-fault handler (or the 500 path).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from app.core.db_errors import error_chain
from app.core.i18n import pick
from app.core.problem_handlers import language_of, problem_response

log = structlog.get_logger("crm_dq.db")
Handler = Callable[[Request, Exception], Awaitable[JSONResponse]]

TITLE = {
    "en": "A value cannot be stored: too long, out of range, or with a NUL character",
    "fr": "Une valeur ne peut pas être enregistrée : trop longue, hors limites, ou avec un "
    "caractère NUL",
}


def data_exception_state(error: BaseException) -> str | None:
    """The class-22 SQLSTATE behind `error`, if it is a data exception."""
    for cause in error_chain(error):
        state = getattr(cause, "sqlstate", None)
        if isinstance(state, str) and state.startswith("22"):
            return state
    return None


def _refusing_unstorable_values(fallback: Handler | None) -> Handler:
    async def handle(request: Request, error: Exception) -> JSONResponse:
        state = data_exception_state(error)
        if state is None:
            if fallback is None:
                raise error
            return await fallback(request, error)
        # The SQLSTATE only: the error's text can quote the rejected value.
        route = getattr(request.scope.get("route"), "path", "unmatched")  # never the real path
        log.warning("database.value_refused", sqlstate=state, route=route)
        return problem_response(
            request,
            status=422,
            code="value_not_storable",
            title=pick(TITLE, language_of(request)),
        )

    return handle


def install_data_exception_handlers(app: FastAPI) -> None:
    """After the database-fault handlers: the more specific classes registered here win."""
    handlers = app.exception_handlers
    for kind, broader in (
        (sa_exc.DBAPIError, sa_exc.SQLAlchemyError),
        (asyncpg.DataError, asyncpg.PostgresError),
    ):
        app.add_exception_handler(kind, _refusing_unstorable_values(handlers.get(broader)))
