"""Keyboard only: sign in, open the vehicle, ask for a turn-in estimate and read its total.

Nothing is clicked: Tab moves the focus (checked at every stop to be visibly outlined), Enter
follows a link or presses a button, and the fields are typed into where the focus lands.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from leases.models import OdometerReading
from quotes import engine
from quotes.engine import usd
from tests.factories import PASSWORD, make_lease, make_lessee, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 40
FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        name: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim(),
        outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    };
}"""


def tab_to(page, want) -> dict:
    """Press Tab until ``want(focused)`` holds; every element on the way must show its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "body":
            assert focused["outlined"], f"no visible focus on {focused}"
        if want(focused):
            return focused
    raise AssertionError(f"never reached the wanted element in {MAX_TABS} tabs; last: {focused}")


def named(text: str):
    return lambda focused: focused["name"] == text


def test_a_lessee_gets_a_turn_in_estimate_with_the_keyboard_alone(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lease = make_lease(make_lessee(make_user("keys@example.com")))
    OdometerReading.objects.create(lease=lease, reading_date=dt.date(2026, 11, 15), miles=40_012, source="lessee")
    page.goto(live_server.url + "/accounts/login/")

    assert tab_to(page, lambda f: True)["name"] == "Skip to main content"  # the first stop
    tab_to(page, lambda f: f["id"] == "id_login")
    page.keyboard.type("keys@example.com")
    tab_to(page, lambda f: f["id"] == "id_password")
    page.keyboard.type(PASSWORD)
    tab_to(page, named("Sign in"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My Vehicles").wait_for()
    page.shots("my-vehicles")

    tab_to(page, named(str(lease.vehicle.description)))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(f"/vehicles/{lease.public_id}/$"))
    page.shots("lease-page")
    tab_to(page, named("Request a quote"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="What would you like a quote for?").wait_for()
    tab_to(page, named("Get a turn-in estimate"))
    page.shots("focus-on-turn-in-estimate")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/quotes/new/turn-in/$"))

    # The form comes filled in with the scheduled end date and the latest reading.
    tab_to(page, named("Get my quote"))
    page.keyboard.press("Enter")
    page.locator(".reference").wait_for()
    expected = engine.compute_quote(lease.terms(), engine.TurnIn(date=lease.maturity_date, odometer=40_012))
    assert page.locator(".quote-total-row.total .money").inner_text() == usd(expected.total)
    page.shots("quote-total")
