"""The HTML drawn from kept page data is kept too (portal/templatetags/kept.py): served while the
data's key holds, drawn again when an input changes, never across users or languages, and its forms
carry a token of each browser's own CSRF secret."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from leases.models import OdometerReading
from portal.templatetags import kept
from quotes import engine
from quotes.models import Quote
from quotes.services import quote_create
from tests.factories import TODAY

pytestmark = pytest.mark.django_db


def fragments() -> set[tuple]:
    return set(kept._kept)


def token_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html.split("<main", 1)[1]).group(1)


@pytest.fixture
def lessee(personas, settings):
    settings.PORTAL_TODAY = TODAY
    cache.clear()
    kept._kept.clear()
    return personas


def test_a_page_read_again_is_served_from_its_kept_html_and_a_change_draws_it_again(client, lessee):
    client.force_login(lessee.owner)
    url = reverse("leases:detail", args=[lessee.lease.public_id])
    first = client.get(url).content.decode()  # the data made (and its versions noted)
    client.get(url)  # the data kept; the page drawn and kept
    assert len(fragments()) == 1
    client.get(url)
    assert len(fragments()) == 1

    def main(html: str) -> str:
        return html.split("<main", 1)[1].split("</main>", 1)[0]

    assert main(client.get(url).content.decode()) == main(first)

    OdometerReading.objects.create(lease=lessee.lease, reading_date=TODAY, miles=33_333, source="lessee")
    changed = client.get(url).content.decode()
    assert "33,333" in changed
    assert len(fragments()) == 2


def test_the_kept_html_is_per_user_and_per_language(client, lessee):
    url = reverse("leases:detail", args=[lessee.lease.public_id])
    client.force_login(lessee.owner)
    for _ in range(3):
        client.get(url)
    other = Client()
    other.force_login(lessee.co_lessee)
    for _ in range(3):
        other.get(url)
    assert len(fragments()) == 2
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    other.get(url)  # the Spanish data kept
    spanish = other.get(url).content.decode()
    assert 'lang="es"' in spanish and "Millas recorridas" in spanish.split("<main", 1)[1]
    assert len(fragments()) == 3


def test_a_form_in_kept_html_posts_with_a_new_csrf_secret_too(lessee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lessee.owner)
    url = reverse("quotes:compare", args=[lessee.lease.public_id])
    for _ in range(3):
        html = client.get(url).content.decode()
    assert len(fragments()) == 1
    client.cookies["csrftoken"] = "n" * 32  # the browser's secret changed (signing in again rotates it)
    html = client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    saved = client.post(url, {"csrfmiddlewaretoken": token_of(html), "option": "return", "idempotency_key": key})
    assert saved.status_code == 302, saved.status_code
    assert Quote.objects.filter(lease=lessee.lease).count() == 1


def test_a_saved_quote_shows_on_the_kept_compare_and_lease_pages(client, lessee):
    client.force_login(lessee.owner)
    lease_url = reverse("leases:detail", args=[lessee.lease.public_id])
    for _ in range(3):
        client.get(lease_url)
    quote = quote_create(
        lease=lessee.lease,
        user=lessee.owner,
        event=engine.TurnIn(date=lessee.lease.maturity_date, odometer=41_012),
        today=TODAY,
    )
    assert quote.reference in client.get(lease_url).content.decode()


def test_two_browsers_of_one_lessee_share_the_kept_html_each_with_its_own_token(lessee):
    url = reverse("quotes:compare", args=[lessee.lease.public_id])
    phone, laptop = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    phone.force_login(lessee.owner)
    laptop.force_login(lessee.owner)  # signing in saves the user: both sign in before reading
    pages = {}
    for name, browser in (("phone", phone), ("laptop", laptop)):
        for _ in range(3):
            pages[name] = browser.get(url).content.decode()
    assert len(fragments()) == 1
    key = re.search(r'name="idempotency_key" value="([^"]+)"', pages["laptop"]).group(1)
    data = {"option": "return", "idempotency_key": key}
    assert laptop.post(url, {**data, "csrfmiddlewaretoken": token_of(pages["phone"])}).status_code == 403
    assert laptop.post(url, {**data, "csrfmiddlewaretoken": token_of(pages["laptop"])}).status_code == 302
