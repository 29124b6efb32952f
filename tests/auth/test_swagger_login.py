"""Ops log in from Swagger UI's "Authorize" dialog (password + TOTP) in a real headless Chromium.

The real app runs under Uvicorn on 127.0.0.1 against a committed clone of the test database;
Chromium loads /docs (assets served by the app itself) and goes through the dialog as a person.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from playwright.async_api import Locator, Page, Request, expect
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.scopes import Role
from app.main import create_app
from tests.conftest import make_test_settings
from tests.support.auth import EnrolledUser, enrolled_user
from tests.support.browser import browser_page, skip_without_chromium
from tests.support.live_server import LiveServer, serving

skip_without_chromium()
pytestmark = pytest.mark.committed

# Accents and an apostrophe: Swagger UI must form-encode them as UTF-8 for the login to work.
PASSPHRASE = "Déjà-vu sur le quai d'Orléans"
# Swagger UI's accessible names for the dialog's buttons (their visible text is Authorize/Logout).
AUTHORIZE = "Apply given OAuth2 credentials"
LOGOUT = "Remove authorization"


@pytest.fixture
async def live(committed_url: str) -> AsyncIterator[LiveServer]:
    with serving(create_app(make_test_settings(committed_url))) as server:
        yield server


@pytest.fixture
async def page(live: LiveServer) -> AsyncIterator[Page]:
    async with browser_page() as page:
        yield page


async def enrol_steward(app: FastAPI) -> EnrolledUser:
    async with app.state.sessionmaker.begin() as session:
        return await enrolled_user(session, app.state.auth, Role.DATA_STEWARD, password=PASSPHRASE)


async def audit_actions(app: FastAPI) -> list[str]:
    async with app.state.sessionmaker() as session:
        return list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def wrong_code(person: EnrolledUser) -> str:
    """Six digits that no step near now accepts (the server allows a small window)."""
    now = time.time()
    near = {person.totp.at(now + 30 * k) for k in range(-3, 4)}
    return next(c for c in (f"{d}" * 6 for d in "0123456789") if c not in near)


def password_flow(page: Page) -> Locator:
    """The dialog shows one block per flow; people use the password one."""
    heading = page.locator("h4", has_text="(OAuth2, password)")
    return page.locator(".auth-container").filter(has=heading)


async def authorize_with(flow: Locator, email: str, password: str) -> None:
    await flow.locator("#oauth_username").fill(email)
    await flow.locator("#oauth_password").fill(password)
    await flow.get_by_role("button", name=AUTHORIZE).click()


async def test_ops_log_in_with_password_and_code_then_call_me(live: LiveServer, page: Page) -> None:
    person = await live.call(enrol_steward(live.app))
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))

    await page.goto(f"{live.base_url}/docs")
    await page.locator(".auth-wrapper").get_by_role("button", name="Authorize").click()
    flow = password_flow(page)

    # A wrong code: the dialog reports the failure and does not authorize.
    await authorize_with(flow, person.user.email, PASSPHRASE + wrong_code(person))
    await expect(flow.locator(".errors")).to_contain_text("Unauthorized")
    await expect(flow.get_by_role("button", name=LOGOUT)).to_have_count(0)

    # The right one, appended to the passphrase as the dialog has no code field.
    code = person.totp.now()
    await authorize_with(flow, person.user.email, PASSPHRASE + code)
    await expect(flow.get_by_role("button", name=LOGOUT)).to_have_text("Logout")
    await expect(flow.locator("h6")).to_have_text("Authorized")
    await expect(flow.locator(".errors")).to_have_count(0)
    await flow.get_by_role("button", name="Close").click()
    await expect(page.locator(".modal-ux")).to_have_count(0)

    me = page.locator(".opblock-get").filter(
        has=page.locator('.opblock-summary-path[data-path="/v1/auth/me"]')
    )
    await me.locator(".opblock-summary").click()
    await me.get_by_role("button", name="Try it out").click()
    await me.get_by_role("button", name="Execute").click()
    answer = me.locator(".live-responses-table .response")
    await expect(answer.locator(".response-col_status")).to_have_text("200")
    await expect(answer.locator(".response-col_description")).to_contain_text(
        '"role": "data_steward"'
    )
    await expect(answer.locator(".response-col_description")).to_contain_text(str(person.user.id))

    # What Swagger UI sent: the password grant with the code inside `password` and, no scope
    # being ticked, no `scope` field (the server then grants the role's scopes); then the
    # token as a bearer.
    token_calls = [r for r in requests if urlsplit(r.url).path == "/v1/auth/token"]
    assert [r.method for r in token_calls] == ["POST", "POST"]
    sent = parse_qs(token_calls[-1].post_data or "", keep_blank_values=True)
    assert sent == {
        "grant_type": ["password"],
        "username": [person.user.email],
        "password": [PASSPHRASE + code],
    }
    # The dialog's default "client credentials location" adds an empty HTTP Basic pair
    # (":"): the password grant must keep ignoring it.
    assert (await token_calls[-1].all_headers())["authorization"] == "Basic Og=="
    me_calls = [r for r in requests if urlsplit(r.url).path == "/v1/auth/me"]
    assert len(me_calls) == 1
    assert (await me_calls[0].all_headers())["authorization"].startswith("Bearer ")

    # Nothing came from a CDN: a closed ops network sees the same page.
    assert all(r.url.startswith(f"{live.base_url}/") for r in requests), [r.url for r in requests]

    actions = await live.call(audit_actions(live.app))
    assert actions.count("auth.login.failed") == 1
    assert actions.count("auth.login.succeeded") == 1
