"""The ops dashboard: one static page, its script and stylesheet, served by the app.

The page itself holds no data and is public; the person logs in on it with the same
password + TOTP grant as Swagger UI and the script reads the API with that bearer token,
so every figure is subject to the `quality:read` scope. Strict CSP: no inline script or
style, nothing from another origin.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

DASHBOARD_URL = "/quality/dashboard"
_ASSETS = {
    "dashboard.html": "text/html; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=len(_ASSETS))
def _asset(name: str) -> bytes:
    return resources.files("app.quality").joinpath("static", name).read_bytes()


def _serve(name: str) -> Response:
    return Response(_asset(name), media_type=_ASSETS[name], headers=SECURITY_HEADERS)


@router.get(DASHBOARD_URL)
async def quality_dashboard() -> Response:
    return _serve("dashboard.html")


@router.get(f"{DASHBOARD_URL}/dashboard.js")
async def quality_dashboard_script() -> Response:
    return _serve("dashboard.js")


@router.get(f"{DASHBOARD_URL}/dashboard.css")
async def quality_dashboard_style() -> Response:
    return _serve("dashboard.css")
