"""Issue 15: the wear pages in Spanish, where the words run longer, on a 375 px phone in Chromium:
axe finds no serious or critical violation and nothing scrolls sideways. Screenshots:
test-artifacts/wear-es-*.png."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import BLOCKING, PHONE, audit, describe, session_cookie
from tests.factories import NOW
from tests.spanish import speaks_spanish
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_spanish_wear_pages_fit_a_phone_and_pass_axe(chromium, live_server, settings_pinned):
    browser = chromium
    world = build_world()
    owner = world.users["owner"]
    speaks_spanish(owner)
    lease, inspected = world.lease.public_id, world.inspected.public_id
    pages = {
        "area-front": reverse("wear:pre_area", args=[lease, "front"]),
        "area-tire": reverse("wear:pre_area", args=[lease, "wheel_lf"]),
        "estimate": reverse("wear:pre_estimate", args=[lease]),
        "report": reverse("wear:report", args=[inspected]),
        "dispute-new": reverse("wear:dispute_new", args=[inspected]),
        "dispute": reverse("wear:dispute", args=[inspected, world.dispute.public_id]),
    }
    context = browser.new_context(**PHONE)
    context.add_cookies(session_cookie(owner, live_server.url))
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": live_server.url}])
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    try:
        for name, path in pages.items():
            assert page.goto(live_server.url + path).status == 200, name
            assert page.locator("html").get_attribute("lang") == "es"
            for details in page.locator("details").all():  # the kinds of damage, opened: the longest text
                details.locator("summary").click()
            page.screenshot(path=str(ARTIFACTS / f"wear-es-{name}.png"), full_page=True)
            problems += [describe(name, "phone", v) for v in audit(page) if v["impact"] in BLOCKING]
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                problems.append(f"{name}: {width} px wide at 375 px")
    finally:
        context.close()
    assert problems == []


@pytest.fixture
def settings_pinned(settings, tmp_path):
    settings.PORTAL_NOW = NOW
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings
