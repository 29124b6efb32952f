"""create_app(): routers, middleware, error handlers — nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.audit.router import router as audit_router
from app.auth.context import AuthContext
from app.auth.router import router as auth_router
from app.auth.service_accounts_router import router as service_accounts_router
from app.auth.users_router import router as users_router
from app.core.db import make_engine, make_sessionmaker
from app.core.metrics import RequestMetrics
from app.core.middleware import RequestContextMiddleware
from app.core.openapi_docs import DESCRIPTION, TAGS
from app.core.problem_handlers import install_problem_handlers
from app.core.settings import Settings, get_settings
from app.health.router import router as health_router

API_VERSION = "0.1.0"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not settings.database_url:
            raise RuntimeError("no database configured: use `crm-dq serve` or set DATABASE_URL")
        engine = make_engine(settings, settings.database_url)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="crm-dq",
        version=API_VERSION,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        swagger_ui_parameters={"persistAuthorization": True, "displayRequestDuration": True},
    )
    app.state.settings = settings
    app.state.default_language = settings.default_language
    app.state.metrics = RequestMetrics()
    app.state.auth = AuthContext.from_settings(settings)

    install_problem_handlers(app)
    for router in (health_router, auth_router, users_router, service_accounts_router, audit_router):
        app.include_router(router)

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Accept-Language",
                "X-Request-ID",
                "X-Form-Key",
                "Idempotency-Key",
                "If-Match",
            ],
            expose_headers=["X-Request-ID", "ETag", "Location"],
        )
    app.add_middleware(
        RequestContextMiddleware,
        metrics=app.state.metrics,
        max_body_bytes=settings.max_body_bytes,
    )
    return app
