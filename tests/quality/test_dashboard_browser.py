"""The ops dashboard in a real headless Chromium against the real app under Uvicorn.

A person logs in on the page (password + TOTP, the same grant as Swagger UI), sees the
headline figures the API's report gives, and one chart point per snapshot; a role without
`quality:read` and an expired session get a clear message. Everything comes from the app.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Page, Request, expect

from app.auth.principal import SYSTEM
from app.auth.scopes import Role
from app.core.timeutil import utcnow
from app.main import create_app
from app.quality import goal_service, snapshot_service
from app.quality.dashboard_router import DASHBOARD_URL
from tests.conftest import make_test_settings
from tests.quality.test_report_api import CONTACTS, add_contacts
from tests.support.auth import EnrolledUser, bearer, enrolled_user, user_token
from tests.support.browser import browser_page, skip_without_chromium
from tests.support.live_server import LiveServer, serving

skip_without_chromium()
pytestmark = pytest.mark.committed
PASSPHRASE = "Un mot de passe assez long, à l'écart"
SNAPSHOTS = 3
TOKEN_KEY = "crmdq.dashboard.token"


@pytest.fixture
async def server(committed_url: str) -> AsyncIterator[LiveServer]:
    with serving(create_app(make_test_settings(committed_url))) as live:
        yield live


@pytest.fixture
async def page(server: LiveServer) -> AsyncIterator[Page]:
    async with browser_page() as page:
        yield page


async def seed(app: FastAPI) -> None:
    """The ten contacts, a goal, and a snapshot a day for the last days."""
    policy = app.state.retention_policy
    async with app.state.sessionmaker.begin() as session:
        await add_contacts(session, CONTACTS)
        await goal_service.set_goal(
            session, SYSTEM, "contact", "civility_missing", target=0.25, direction="at_most",
            due=None,
        )  # fmt: skip
        for days in range(SNAPSHOTS, 0, -1):
            await snapshot_service.take(
                session, SYSTEM, ["contact"], trigger="schedule", policy=policy,
                now=utcnow() - timedelta(days=days),
            )  # fmt: skip


async def enrol(app: FastAPI, role: Role) -> EnrolledUser:
    async with app.state.sessionmaker.begin() as session:
        return await enrolled_user(session, app.state.auth, role, password=PASSPHRASE)


async def api_report(server: LiveServer) -> dict[str, Any]:
    async def token() -> str:
        async with server.app.state.sessionmaker.begin() as session:
            return (await user_token(session, server.app.state.auth, Role.AUDITOR))[1]

    async with httpx.AsyncClient(base_url=server.base_url) as client:
        response = await client.get(
            "/v1/quality/report",
            params={"breakdowns": "false"},
            headers=bearer(await server.call(token())),
        )
    assert response.status_code == 200
    return response.json()


async def log_in(page: Page, person: EnrolledUser, code: str) -> None:
    await page.locator("#username").fill(person.user.email)
    await page.locator("#password").fill(PASSPHRASE)
    await page.locator("#totp").fill(code)
    await page.get_by_role("button", name="Log in").click()


def shown(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f} %" if kind == "share" else f"{value:.1f}"


def wrong_code(person: EnrolledUser) -> str:
    now = utcnow().timestamp()
    near = {person.totp.at(now + 30 * k) for k in range(-3, 4)}
    return next(c for c in (f"{d}" * 6 for d in "0123456789") if c not in near)


async def test_steward_logs_in_and_sees_the_reports_figures_and_trend(
    server: LiveServer, page: Page
) -> None:
    await server.call(seed(server.app))
    person = await server.call(enrol(server.app, Role.DATA_STEWARD))
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    response = await page.goto(f"{server.base_url}{DASHBOARD_URL}")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    await expect(page.locator("#dashboard")).to_be_hidden()
    await expect(page.locator("#session")).to_be_hidden()

    await log_in(page, person, wrong_code(person))
    await expect(page.locator("#message")).to_contain_text("Login failed")
    await expect(page.locator("#dashboard")).to_be_hidden()

    await log_in(page, person, person.totp.now())
    await expect(page.locator("#dashboard")).to_be_visible()
    await expect(page.locator("#login")).to_be_hidden()
    report = await api_report(server)
    await expect(page.locator("#records")).to_have_text(str(report["records"]))
    await expect(page.locator("#unscored")).to_have_text(str(report["unscored"]))
    for metric, kind in [
        ("score_average", "average"),
        ("duplicate", "share"),
        ("email_valid", "share"),
        ("phone_valid", "share"),
        ("stale_12m", "share"),
    ]:
        box = page.locator(f"#figure-{metric}")
        value = report["metrics"][metric]["value"]
        await expect(box.locator(".value")).to_have_text(shown(value, kind))
        assert float(await box.get_attribute("data-value") or "nan") == pytest.approx(value)
    assert report["goals_met"] == 0  # 3 of 10 without civility, the goal is at most 25 %
    await expect(page.locator("#figure-goals_met .value")).to_have_text("0 / 1")
    await expect(page.locator("#goals tbody td.met-no")).to_have_text("no")

    for metric in ("score_average", "duplicate", "email_valid", "phone_valid", "stale_12m"):
        chart = page.locator(f'figure.chart[data-metric="{metric}"] svg')
        await expect(chart.locator("circle.point")).to_have_count(SNAPSHOTS)
        await expect(chart.locator("polyline.series")).to_have_count(1)
    civility_line = page.locator('figure.chart[data-metric="score_average"] circle.point')
    values = [float(v) for v in await civility_line.evaluate_all(
        "els => els.map(e => e.getAttribute('data-value'))")]  # fmt: skip
    assert values == [report["metrics"]["score_average"]["value"]] * SNAPSHOTS

    # The token is kept for the tab only, and every request stayed on the app's origin.
    assert await page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}') !== null")
    assert await page.evaluate("localStorage.length") == 0
    assert all(r.url.startswith(f"{server.base_url}/") for r in requests)
    api_calls = [r for r in requests if "/v1/quality/" in r.url]
    assert api_calls
    for call in api_calls:
        assert (await call.all_headers())["authorization"].startswith("Bearer ")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors

    await page.get_by_role("button", name="Log out").click()
    await expect(page.locator("#login")).to_be_visible()
    assert await page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')") is None


async def test_a_role_without_quality_read_is_told_so(server: LiveServer, page: Page) -> None:
    person = await server.call(enrol(server.app, Role.SALES))
    await page.goto(f"{server.base_url}{DASHBOARD_URL}")
    await log_in(page, person, person.totp.now())
    await expect(page.locator("#message")).to_contain_text("quality:read")
    await expect(page.locator("#message")).to_have_class("error")


async def test_an_expired_session_asks_to_log_in_again(server: LiveServer, page: Page) -> None:
    await page.goto(f"{server.base_url}{DASHBOARD_URL}")
    await page.evaluate(f"sessionStorage.setItem('{TOKEN_KEY}', 'not.a.token')")
    await page.reload()
    await expect(page.locator("#message")).to_contain_text("log in again")
    await expect(page.locator("#login")).to_be_visible()
    assert await page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')") is None


async def test_assets_are_served_with_their_types_and_security_headers(
    server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        for path, media in [
            ("", "text/html"),
            ("/dashboard.js", "text/javascript"),
            ("/dashboard.css", "text/css"),
        ]:
            response = await client.get(f"{DASHBOARD_URL}{path}")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith(media)
            assert response.headers["x-content-type-options"] == "nosniff"
            assert "default-src 'none'" in response.headers["content-security-policy"]
        html = (await client.get(DASHBOARD_URL)).text
        # CSP-friendly: no inline script, no inline event handler, no inline style.
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
        assert re.findall(r"<[^>]*\s(on[a-z]+|style)\s*=", html) == []
