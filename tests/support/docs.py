"""The app as served, with its self-hosted API docs (see app.core.docs)."""

from __future__ import annotations

from fastapi import FastAPI

from app.core.docs import install_docs
from app.core.settings import Settings
from app.main import create_app

_FASTAPI_DOC_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})


def app_with_docs(settings: Settings) -> FastAPI:
    app = create_app(settings)
    # TEMPORARY until app/main.py calls install_docs(app) with docs_url=None, redoc_url=None:
    # swap FastAPI's CDN-backed pages for ours. A no-op once main.py does it.
    if not any(getattr(route, "name", None) == "docs-assets" for route in app.routes):
        app.router.routes[:] = [
            r for r in app.routes if getattr(r, "path", "") not in _FASTAPI_DOC_PATHS
        ]
        app.docs_url = app.redoc_url = None
        install_docs(app)
    return app
