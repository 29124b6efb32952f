"""Debian's Chromium driven by Playwright (no browser download), for pages the app serves."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Page, async_playwright, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UI_TIMEOUT_MS = 10_000


def skip_without_chromium() -> None:
    """For a browser test module's top: skipped, with how to install it, where it is missing."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip(
            f"{CHROMIUM} not found: install Debian's `chromium` package (.ci/run does)",
            allow_module_level=True,
        )


@asynccontextmanager
async def browser_page() -> AsyncIterator[Page]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            page.set_default_timeout(UI_TIMEOUT_MS)
            expect.set_options(timeout=UI_TIMEOUT_MS)  # a busy 2-core CI box is slow to paint
            yield page
        finally:
            await browser.close()
