"""On a phone, a lessee looks for help with a typo, reads the article, then writes to the lessor
from it with a photo; operations answer from their inbox; the lessee sees the reply and its notice."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from messaging.models import Attachment, Thread
from tests.e2e.conftest import ARTIFACTS, sign_in
from tests.e2e.test_accessibility import DESKTOP, session_cookie
from tests.factories import NOW, make_lease, make_lessee, make_user
from tests.world import help_articles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_NOW = NOW


def photo(tmp_path) -> str:
    path = tmp_path / "scratch.jpg"
    tags = Image.Exif()
    tags[0x010F] = "SnoopCam"
    Image.new("RGB", (64, 48), (180, 40, 40)).save(path, "JPEG", exif=tags)
    return str(path)


def open_menu(page) -> None:
    """At phone width the navigation folds behind its Menu button."""
    page.get_by_role("button", name="Menu").click()
    page.locator("#nav.show").wait_for()


def test_a_lessee_sends_a_photo_operations_reply_and_the_lessee_reads_it(phone_page, chromium, live_server, tmp_path):
    page, base = phone_page, live_server.url
    lease = make_lease(make_lessee(make_user("robin@example.com"), first_name="Robin"))
    staff = make_user("ops@example.com", is_staff=True, is_superuser=True)
    help_articles()
    sign_in(page, base, "robin@example.com")

    # Help first: a question with a typo still finds the article.
    page.goto(base + "/help/")
    page.get_by_label("Search help").fill("what do i do with my licence plaets")
    page.get_by_label("Search help").press("Enter")
    page.get_by_role("heading", level=1).wait_for()
    page.shots("help-results")
    page.locator("main").get_by_role("link", name=re.compile("plate", re.I)).first.click()
    page.get_by_role("heading", level=1, name=re.compile("plate", re.I)).wait_for()
    page.shots("help-article")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Still stuck: from the article to a message.
    page.get_by_role("link", name="Send us a message").first.click()
    page.get_by_role("heading", name="Send us a message").wait_for()
    assert lease.vehicle.description in page.get_by_label("Which vehicle").inner_text()
    page.get_by_label("What is it about").select_option("plates_title")
    page.get_by_label("Your message").fill("My new plates came. What do I do with the old ones?")
    page.get_by_label("Attachments (optional)").set_input_files(photo(tmp_path))
    page.shots("compose")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Your message is sent").wait_for()
    page.shots("sent")
    thread = Thread.objects.get()
    assert thread.waiting_on == "us"
    assert b"SnoopCam" not in Attachment.objects.get().file.open("rb").read()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    ops = chromium.new_context(**DESKTOP)
    ops.add_cookies(session_cookie(staff, base))
    inbox = ops.new_page()
    inbox.goto(base + "/ops/messaging/thread/?standing=us")
    assert "Oldest unanswered message" in inbox.content()
    inbox.locator("#result_list").get_by_role("link", name="Plates and title").click()
    inbox.locator("#id_reply").fill("Return them to your state's motor vehicle agency; keep the receipt.")
    inbox.get_by_role("button", name="Save", exact=True).click()
    inbox.get_by_text("Your reply is sent").wait_for()
    inbox.screenshot(path=str(ARTIFACTS / "message-journey-ops-reply.png"), full_page=True)
    ops.close()

    page.goto(base + "/vehicles/")  # (reloading the thread itself would read the reply)
    open_menu(page)
    badge = page.get_by_role("link", name="Notifications 1 unread")
    page.get_by_role("link", name="Messages 1 unread").wait_for()
    page.shots("badges")
    badge.click()
    page.get_by_role("heading", name="You have a new message").wait_for()
    page.shots("notifications")
    page.get_by_role("link", name=re.compile(r"^Open\W+You have a new message$")).click()
    page.get_by_text("Return them to your state's motor vehicle agency").wait_for()
    page.shots("reply")
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Messages", exact=True
    ).wait_for()  # read: no badge now
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
