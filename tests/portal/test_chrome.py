"""The page chrome (head links, header, script tag) is drawn once per way it can look and copied
after (portal/templatetags/chrome.py): each reader still sees their own menu, counts, language,
lessor, CSRF token, return path and nonce."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from portal.notify import notify
from portal.templatetags import chrome
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGOUT_FORM = re.compile(
    r'<form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">'
)


def header(response) -> str:
    html = response.content.decode()
    return html[html.index('<header class="site-header') : html.index("</header>")]


def test_the_header_is_drawn_once_and_copied_for_the_next_pages(client, personas):
    client.force_login(personas.owner)
    chrome.drawn.cache_clear()
    client.get(reverse("leases:list"))
    drawn_first = chrome.drawn.cache_info()
    client.get(reverse("help"))
    client.get(reverse("leases:detail", args=[personas.lease.public_id]))
    assert drawn_first.misses == 4  # head, header, footer and script, once each
    assert chrome.drawn.cache_info().misses == drawn_first.misses


def test_a_new_notice_shows_in_the_header_on_the_next_page_and_only_for_its_reader(client, personas):
    client.force_login(personas.owner)
    assert "unread" not in header(client.get(reverse("leases:list")))
    notify(personas.owner, "kit_sent", url="/vehicles/", key="chrome-test", title="Your kit")
    assert re.search(
        r"Notifications <span[^>]*>1<span class=\"visually-hidden\"> unread", header(client.get(reverse("help")))
    )
    other = Client()
    other.force_login(personas.outsider)
    assert "unread" not in header(other.get(reverse("help")))


def test_each_kind_of_reader_gets_their_own_menu(client, personas, staff):
    assert "Sign in" in header(client.get(reverse("help")))
    client.force_login(personas.owner)
    lessee = header(client.get(reverse("help")))
    assert "My Vehicles" in lessee and "Operations" not in lessee and "Sign in" not in lessee
    client.force_login(staff)
    operations = header(client.get(reverse("help")))
    assert "Operations" in operations and "My Vehicles" not in operations
    dealer = make_user("dealer-chrome@example.com")
    client.force_login(dealer)
    session = client.session
    session[chrome.PERSONA_SESSION_KEY] = "dealer"
    session.save()
    page = header(client.get(reverse("help")))
    assert "Today's turn-ins" in page and "My Vehicles" not in page


def test_the_header_speaks_the_readers_language(client, personas):
    client.force_login(personas.owner)
    assert "My Vehicles" in header(client.get(reverse("help")))
    client.cookies["django_language"] = "es"
    spanish = header(client.get(reverse("help")))
    assert "Mis vehículos" in spanish and "My Vehicles" not in spanish and ">English</button>" in spanish


def test_the_lessors_name_comes_from_settings_each_time(client, settings):
    with override_settings(LESSOR={**settings.LESSOR, "name": "Northwind Leasing"}):
        assert "Northwind Leasing" in header(client.get(reverse("help")))
    assert "Northwind Leasing" not in header(client.get(reverse("help")))


def test_the_sign_out_form_carries_a_token_this_browser_can_use(personas):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.owner)
    browser.get(reverse("help"))  # the browser's CSRF secret arrives with its first page
    token = LOGOUT_FORM.search(browser.get(reverse("leases:list")).content.decode()).group(1)
    assert browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert browser.get(reverse("leases:list")).status_code == 302  # signed out: sent to sign in
    stranger = Client(enforce_csrf_checks=True)
    stranger.force_login(personas.outsider)
    stranger.get(reverse("help"))
    assert stranger.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 403


def test_the_language_switch_returns_to_this_page_escaped(client):
    page = client.get(reverse("help"), {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in page
    assert 'name="next" value="/help/?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"' in page


def test_the_script_tag_carries_this_responses_nonce(client):
    response = client.get(reverse("help"))
    nonce = re.search(r"<script src=\"[^\"]+\" nonce=\"([^\"]+)\"", response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    again = client.get(reverse("help"))
    assert f'nonce="{nonce}"' not in again.content.decode()


def footer(response) -> str:
    html = response.content.decode()
    return html[html.index('<footer class="site-footer') : html.index("</footer>")]


def test_the_footers_message_link_asks_about_the_pages_lease(client, personas):
    assert "Send us a message" not in footer(client.get(reverse("help")))  # signed out: no messages
    client.force_login(personas.owner)
    assert 'href="/messages/new/">Send us a message' in footer(client.get(reverse("help")))
    compare = footer(client.get(reverse("quotes:compare", args=[personas.lease.public_id])))
    assert f'href="/messages/new/?lease={personas.lease.public_id}">Send us a message' in compare
