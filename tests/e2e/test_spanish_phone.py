"""Issue 15: Spanish runs longer than English. At 375 px, in Spanish, every lessee page of the access
table (the owner's 200 GET pages, as tests/portal/test_spanish_pages.py walks them) fits the phone: no
sideways scrolling, and no phone number to tap broken across two lines. Each page's screenshot is
saved as test-artifacts/es-phone-<page>.png, to look at.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import PHONE, session_cookie
from tests.factories import NOW
from tests.portal.test_spanish_pages import lessee_pages
from tests.world import build_world, client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What sticks out past the phone's right edge (a few, with their right edge in px).
WIDE = (
    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376)"
    ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 6)"
)
# Phone numbers to tap that break across two lines ("1-" at one line's end, "800-555-0100" below).
BROKEN_NUMBERS = (
    "[...document.querySelectorAll('a[href^=\"tel:\"]')]"
    ".filter(a => a.getClientRects().length > 1).map(a => a.textContent)"
)


def html_pages(world) -> list[tuple[str, str]]:
    """(URL name, path) of the owner's pages that are web pages (PDFs and calendar files aside)."""
    client = client_for(world, "owner")
    pages = []
    for name, args in lessee_pages(world):
        path = reverse(name, args=args)
        response = client.get(path)
        assert response.status_code == 200, name
        if response["Content-Type"].startswith("text/html"):
            pages.append((name, path))
    return pages


def test_every_lessee_page_in_spanish_fits_a_phone(chromium, live_server, settings, tmp_path):
    settings.PORTAL_NOW = NOW
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TURN_IN_WINDOW_DAYS = 0  # the world's lease ends in 20 days: keep the early-return form on offer
    world = build_world()
    owner = world.users["owner"]
    owner.language = "es"
    owner.save(update_fields=["language"])
    pages = html_pages(world)
    assert len(pages) > 30  # the whole table, not a slice of it

    context = chromium.new_context(**PHONE, locale="es-US")
    language = {"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": live_server.url}
    context.add_cookies([*session_cookie(owner, live_server.url), language])
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    overflowing, broken = [], []
    try:
        for name, path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{name}: {response.status} at {path}"
            assert page.locator("html").get_attribute("lang") == "es", name
            page.screenshot(path=str(ARTIFACTS / f"es-phone-{name.replace(':', '-')}.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                overflowing.append(f"{name} ({path}): {width} px wide at 375 px: {page.evaluate(WIDE)}")
            if numbers := page.evaluate(BROKEN_NUMBERS):
                broken.append(f"{name}: {numbers}")
    finally:
        context.close()
    assert not overflowing, "Spanish pages scroll sideways on a phone:\n" + "\n".join(overflowing)
    assert not broken, "phone numbers broken across lines:\n" + "\n".join(broken)
