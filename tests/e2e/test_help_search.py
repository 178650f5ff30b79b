"""On a phone: type a question with a typo, see suggestions as you type, open an article."""

from __future__ import annotations

import pytest

from tests.world import help_articles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_phone_user_finds_an_article_through_suggestions_despite_a_typo(phone_page, live_server):
    help_articles()
    page = phone_page
    page.goto(live_server.url + "/help/")
    page.get_by_label("Search help").press_sequentially("odomiter statment", delay=40)
    suggestions = page.locator("#help-suggest-list a")
    suggestions.first.wait_for()
    assert suggestions.first.inner_text() == "The odometer statement"
    assert page.locator("#help-suggest-status").inner_text().endswith("suggested articles")
    page.shots("suggestions")
    page.get_by_label("Search help").press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "The odometer statement"
    suggestions.first.click()
    page.get_by_role("heading", level=1, name="The odometer statement").wait_for()
    assert "/help/odometer-statement/" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.shots("article")


def test_the_search_form_works_without_javascript(chromium, live_server):
    help_articles()
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/help/")
        page.get_by_label("Search help").fill("payoff")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("heading", name="Results for “payoff”").wait_for()
        assert page.get_by_role("link", name="Get a buyout quote (payoff amount)").count() == 1
    finally:
        context.close()
