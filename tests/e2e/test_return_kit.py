"""A lessee whose lease ends in 100 days: the sweep sends the kit; the portal shows the notice and the kit."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client

from returnkit import tasks
from returnkit.reminders import kit_sent_on
from tests.factories import TODAY, make_lease, make_lessee, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kit_due(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    owner = make_user("jamie@example.com")
    end = TODAY + dt.timedelta(days=100)
    lease = make_lease(make_lessee(owner, first_name="Jamie"), start=end.replace(year=end.year - 3))
    tasks.daily_sweep(TODAY.isoformat())  # no transaction here: each chunk runs as soon as it is handed out
    return owner, lease


def sign_in(page, base: str, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


def walk_through(page, base: str, lease) -> None:
    page.goto(base + "/vehicles/")
    nav = page.get_by_role("navigation", name="Main")
    if page.get_by_role("button", name="Menu").is_visible():
        page.get_by_role("button", name="Menu").click()
        page.locator("#nav.collapse.show").wait_for()  # the menu has finished opening
    nav.get_by_role("link", name="Notifications 1 unread").wait_for()
    page.shots("my-vehicles-with-unread")

    page.get_by_role("link", name=lease.vehicle.description).click()
    kit_link = page.get_by_role("link", name="Print your Vehicle Return Kit")
    kit_link.wait_for()
    sent = kit_sent_on(lease)  # the day the email went, by the real clock
    assert page.get_by_text(f"Kit sent on {sent:%B} {sent.day}, {sent.year}.").is_visible()
    kit_link.scroll_into_view_if_needed()
    page.shots("lease-page-kit-link")

    pdf = page.request.get(base + kit_link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    page.goto(base + "/notifications/")
    page.get_by_role("heading", name="Notifications").wait_for()
    notice = "Your Vehicle Return Kit: your 2023 Toyota RAV4 XLE lease ends March 5, 2027"
    assert page.get_by_role("heading", name=notice).is_visible()
    page.shots("notifications")
    page.get_by_role("link", name=re.compile(r"^Open")).first.click()
    page.get_by_role("heading", name=lease.vehicle.description).wait_for()


def test_lessee_sees_the_kit_notice_and_prints_the_kit(page, live_server, kit_due):
    owner, lease = kit_due
    sign_in(page, live_server.url, owner)
    walk_through(page, live_server.url, lease)
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()  # all read now


def test_lessee_on_a_phone(phone_page, live_server, kit_due):
    owner, lease = kit_due
    sign_in(phone_page, live_server.url, owner)
    walk_through(phone_page, live_server.url, lease)
