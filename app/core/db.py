"""Engine, sessions and the one-transaction-per-request dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import NullPool

from app.core.database_url import async_url
from app.core.settings import Settings

# Stable constraint names so Alembic migrations can drop what they create.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(settings: Settings, url: str) -> AsyncEngine:
    server_settings = {"application_name": "crm-dq"}
    if settings.db_statement_timeout_ms:
        server_settings["statement_timeout"] = str(settings.db_statement_timeout_ms)
    # A bounded connect timeout so requests and /readyz answer 503 soon when the database is
    # away; pre-ping replaces connections a PostgreSQL restart killed while they sat in the
    # pool (app/core/db_errors.py turns the faults themselves into 503 problems).
    connect_args = {"server_settings": server_settings, "timeout": settings.db_connect_timeout_s}
    return create_async_engine(
        async_url(url),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s,
        pool_pre_ping=True,
        connect_args=connect_args,
    )


def make_listener_engine(url: str) -> AsyncEngine:
    """For connections held open to LISTEN: outside the request pool, no statement timeout."""
    return create_async_engine(async_url(url), poolclass=NullPool, connect_args={"timeout": 5})


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed before the response is sent, or rolled back."""
    async with request.app.state.sessionmaker() as session, session.begin():
        yield session


DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
