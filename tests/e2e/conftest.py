"""Real Chromium (Debian's) driven by Playwright against the live test server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Shots:
    def __init__(self, page, name: str) -> None:
        self.page, self.name, self.n = page, name, 0
        ARTIFACTS.mkdir(exist_ok=True)

    def __call__(self, label: str) -> Path:
        self.n += 1
        path = ARTIFACTS / f"{self.name}-{self.n:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(chromium, request):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.shots = Shots(page, request.node.name)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium, request):
    context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.shots = Shots(page, request.node.name + "-phone")
    yield page
    context.close()


def sign_in(
    page, base: str, email: str, *, lands_on: str = "My Vehicles|Turn-ins on", totp_secret: str | None = None
) -> None:
    """Sign in through the form as a person would; waits for the page sign-in lands on. Staff and
    dealer staff have an authenticator (tests.factories.TOTP_SECRET): pass its secret for the code."""
    import re

    from tests.factories import PASSWORD
    from tests.totp import PERIOD, totp

    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if totp_secret:
        page.locator("#id_code").wait_for()
        left = PERIOD - time.time() % PERIOD
        if left < 3:  # allauth has no tolerance: let a code about to expire be replaced first
            time.sleep(left + 0.2)
        page.locator("#id_code").fill(totp(totp_secret))
        page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name=re.compile(lands_on)).first.wait_for()
