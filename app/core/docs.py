"""Swagger UI and ReDoc served from our own assets: many ops networks cannot reach a CDN."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
ASSETS_URL = "/docs/assets"
# fastapi-offline ships the swagger-ui-dist and redoc bundles; we use only its files,
# not its FastAPI factory, so our FastAPI(...) call stays ours.
ASSETS_PACKAGE = ("fastapi_offline", "static")
SWAGGER_JS = "swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui.css"
REDOC_JS = "redoc.standalone.js"
FAVICON = "favicon.png"

SWAGGER_UI_PARAMETERS = {"persistAuthorization": True, "displayRequestDuration": True}


def install_docs(app: FastAPI) -> None:
    """Add /docs, /docs/oauth2-redirect, /redoc and their assets; none is in the schema.

    The app must be built with `docs_url=None, redoc_url=None`, else FastAPI's own
    CDN-backed pages would answer first.
    """
    if app.docs_url or app.redoc_url:
        raise RuntimeError("build FastAPI(docs_url=None, redoc_url=None) before install_docs")
    if app.openapi_url is None:
        return  # no schema, nothing to document
    parameters = SWAGGER_UI_PARAMETERS | (app.swagger_ui_parameters or {})
    app.swagger_ui_oauth2_redirect_url = OAUTH2_REDIRECT_URL

    def urls(request: Request) -> tuple[str, str]:
        # Behind a proxy that strips a prefix, every URL the browser follows needs it back.
        root = request.scope.get("root_path", "").rstrip("/")
        return root, f"{root}{ASSETS_URL}"

    async def swagger_ui(request: Request) -> HTMLResponse:
        root, assets = urls(request)
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{assets}/{SWAGGER_JS}",
            swagger_css_url=f"{assets}/{SWAGGER_CSS}",
            swagger_favicon_url=f"{assets}/{FAVICON}",
            oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT_URL}",
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=parameters,
        )

    async def oauth2_redirect(_request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        root, assets = urls(request)
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{assets}/{REDOC_JS}",
            redoc_favicon_url=f"{assets}/{FAVICON}",
            with_google_fonts=False,
        )

    app.mount(ASSETS_URL, StaticFiles(packages=[ASSETS_PACKAGE]), name="docs-assets")
    # Plain Starlette routes (GET and HEAD), as FastAPI registers its own doc pages.
    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_URL, oauth2_redirect, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
    # Keep the app's own description of itself truthful for anything that reads it.
    app.docs_url, app.redoc_url = DOCS_URL, REDOC_URL
