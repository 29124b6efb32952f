"""create_app(): routers, middleware, error handlers — nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.audit.router import router as audit_router
from app.auth.context import AuthContext
from app.auth.form_keys_router import router as form_keys_router
from app.auth.principal_cache import PrincipalCache, principal_listener
from app.auth.router import router as auth_router
from app.auth.service_accounts_router import router as service_accounts_router
from app.auth.users_router import router as users_router
from app.core.db import make_engine, make_listener_engine, make_sessionmaker
from app.core.docs import install_docs
from app.core.idempotency import IdempotencyPolicy
from app.core.metrics import RequestMetrics
from app.core.middleware import RequestContextMiddleware
from app.core.openapi_docs import DESCRIPTION, TAGS
from app.core.problem_handlers import install_problem_handlers
from app.core.settings import Settings, get_settings
from app.dedup.prevention import EntryRules
from app.dedup.review_router import router as review_router
from app.dedup.router import router as duplicates_router
from app.gdpr import retention_service
from app.gdpr.dsr_router import router as gdpr_requests_router
from app.gdpr.export_router import router as gdpr_exports_router
from app.gdpr.retention_router import router as gdpr_retention_router
from app.gdpr.router import router as gdpr_router
from app.health.router import router as health_router
from app.jobs.embedded import EmbeddedWorker
from app.jobs.router import router as jobs_router
from app.merge.provenance_router import router as provenance_router
from app.merge.router import router as merge_router
from app.quality.cleaning_router import router as quality_cleaning_router
from app.quality.dashboard_router import router as quality_dashboard_router
from app.quality.goal_router import router as quality_goals_router
from app.quality.record_router import router as quality_records_router
from app.quality.report_router import router as quality_report_router
from app.records.routers import companies_router, contacts_router
from app.validation.policy import ValidationPolicy
from app.validation.router import router as validation_router
from app.webhooks.deliveries_router import router as webhook_deliveries_router
from app.webhooks.inbound_router import router as inbound_webhooks_router
from app.webhooks.subscriptions_router import router as webhook_subscriptions_router

API_VERSION = "0.1.0"


def validation_policy(settings: Settings) -> ValidationPolicy:
    def groups(raw: list[list[str]]) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(group) for group in raw)

    return ValidationPolicy(
        contact_required=groups(settings.validation_contact_required),
        company_required=groups(settings.validation_company_required),
        french_company_required=groups(settings.validation_french_company_required),
        warnings_block=settings.validation_warnings_block,
        default_country=settings.validation_default_country.upper(),
        check_email_deliverability=settings.validation_check_email_dns,
    )


def install_state(app: FastAPI, settings: Settings) -> None:
    """What requests read from `app.state`, built from the settings (all of it but the
    metrics, which the middleware holds)."""
    app.state.settings = settings
    app.state.default_language = settings.default_language
    app.state.auth = AuthContext.from_settings(settings)
    app.state.principal_cache = PrincipalCache()
    app.state.idempotency_policy = IdempotencyPolicy(
        retention=timedelta(hours=settings.idempotency_retention_h),
        lock_timeout=timedelta(seconds=settings.idempotency_lock_timeout_s),
    )
    app.state.validation_policy = validation_policy(settings)
    app.state.duplicate_rules = EntryRules(settings.duplicate_rules)
    app.state.retention_policy = retention_service.policy_from(settings)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not settings.database_url:
            raise RuntimeError("no database configured: use `crm-dq serve` or set DATABASE_URL")
        engine = make_engine(settings, settings.database_url)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        listener = principal_listener(
            make_listener_engine(settings.database_url), app.state.principal_cache
        )
        listener.start()
        worker = EmbeddedWorker(app.state.sessionmaker, settings.database_url, settings)
        if settings.runs_embedded_worker:
            worker.start()
        try:
            yield
        finally:
            await worker.stop()
            await listener.stop()
            await listener.engine.dispose()
            await engine.dispose()

    app = FastAPI(
        title="crm-dq",
        version=API_VERSION,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,  # served by install_docs from local assets, not a CDN
        redoc_url=None,
        swagger_ui_parameters={"persistAuthorization": True, "displayRequestDuration": True},
    )
    app.state.metrics = RequestMetrics()  # the middleware below keeps this one
    install_state(app, settings)

    install_problem_handlers(app)
    install_docs(app)
    for router in (
        health_router,
        auth_router,
        users_router,
        service_accounts_router,
        form_keys_router,
        validation_router,
        contacts_router,
        companies_router,
        duplicates_router,
        review_router,
        merge_router,
        provenance_router,
        inbound_webhooks_router,
        gdpr_router,
        gdpr_requests_router,
        gdpr_exports_router,
        gdpr_retention_router,
        webhook_subscriptions_router,
        webhook_deliveries_router,
        quality_cleaning_router,
        quality_records_router,
        quality_report_router,
        quality_goals_router,
        quality_dashboard_router,
        jobs_router,
        audit_router,
    ):
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
            expose_headers=[
                "X-Request-ID",
                "ETag",
                "Location",
                "Idempotent-Replayed",
                "Retry-After",
            ],
        )
    app.add_middleware(
        RequestContextMiddleware,
        metrics=app.state.metrics,
        max_body_bytes=settings.max_body_bytes,
    )
    return app
