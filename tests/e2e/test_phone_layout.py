"""Issue 17 at 375 px: the header (brand inset, menu button on the brand's row, menu items inset),
the dealer's day as cards with the action in view, and the booking page. Screenshots are saved
under test-artifacts/ (phone-layout-*.png) to be looked at."""

import datetime as dt

import pytest

from returnkit.turnin.services import appointment_book
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import PHONE, session_cookie
from tests.factories import NOW, make_dealer, make_dealer_user, make_lease, make_lessee, make_slot, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _pinned_now(settings, tmp_path):
    settings.PORTAL_NOW = NOW
    settings.MEDIA_ROOT = tmp_path / "media"


def phone_for(chromium, user, url: str):
    context = chromium.new_context(**PHONE)
    context.add_cookies(session_cookie(user, url))
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-layout-{name}.png"), full_page=True)


def test_phone_header_dealer_day_and_booking_page(chromium, live_server):
    base = live_server.url
    user = make_user("riley@example.com")
    lease = make_lease(make_lessee(user, zip_code="10001", first_name="Riley", last_name="Chen"))
    dealer = make_dealer("hudson-toyota", "10001", ("Toyota",), name="Hudson Toyota")
    for day, hour in [(25, 14), (26, 10), (26, 11), (27, 9), (1, 10)]:
        make_slot(dealer, dt.date(2026, 11 if day > 20 else 12, day), hour)
    today_slot = make_slot(dealer, NOW.date(), 16)
    other = make_lease(make_lessee(make_user("sam@example.com"), first_name="Sam", last_name="Ortiz"))
    appointment_book(lease=other, slot_id=today_slot.public_id, user=None, now=NOW - dt.timedelta(days=3))

    lessee = phone_for(chromium, user, base)
    try:
        lessee.goto(f"{base}/vehicles/{lease.public_id}/turn-in/hudson-toyota/")
        brand, toggler = box(lessee, ".navbar-brand"), box(lessee, ".navbar-toggler")
        assert brand["x"] >= 8, "the brand name touches the left edge"
        assert toggler["y"] < brand["y"] + brand["height"], "the menu button wrapped onto its own row"
        assert toggler["x"] + toggler["width"] <= 375 - 8
        shot(lessee, "booking")
        lessee.locator(".navbar-toggler").click()
        lessee.locator("#nav.show").wait_for()
        lessee.wait_for_timeout(400)  # the collapse animation
        item = box(lessee, "#nav .nav-link")
        assert item["x"] >= 8, "the open menu's items sit flush left"
        shot(lessee, "header-menu-open")
        assert lessee.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        lessee.context.close()

    desk = phone_for(chromium, make_dealer_user(dealer, "desk@hudson.example.com"), base)
    try:
        desk.goto(f"{base}/dealer/?day={NOW.date().isoformat()}")
        card = desk.locator(".appointment-cards li").first
        card.get_by_text("Booked").wait_for()
        button = card.get_by_role("link", name="Check in")
        assert button.is_visible()
        where = button.bounding_box()
        assert where["x"] >= 0 and where["x"] + where["width"] <= 375
        assert desk.evaluate("document.documentElement.scrollWidth") <= 375
        shot(desk, "dealer-day")
    finally:
        desk.context.close()
