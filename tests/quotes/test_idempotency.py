"""The same quote form sent again (a double click, a retry, twenty replays) makes one quote."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from quotes.models import Quote
from tests.concurrency import fire_at_once

TURN_IN = {"return_date": "2026-12-15", "odometer": "41012"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form_key(page: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', page).group(1)


@pytest.mark.django_db
def test_the_same_form_sent_twenty_times_makes_one_quote(client, personas):
    client.force_login(personas.owner)
    url = reverse("quotes:new", args=[personas.lease.public_id, "turn-in"])
    data = TURN_IN | {"idempotency_key": form_key(client.get(url).content.decode())}
    locations = {client.post(url, data)["Location"] for _ in range(20)}
    [quote] = Quote.objects.all()
    assert locations == {quote.get_absolute_url()}
    # A freshly rendered form is a new request for a quote.
    data = TURN_IN | {"idempotency_key": form_key(client.get(url).content.decode())}
    assert client.post(url, data).status_code == 302 and Quote.objects.count() == 2


@pytest.mark.django_db
def test_a_key_from_an_earlier_day_makes_a_new_quote_not_an_old_one(client, personas, settings):
    client.force_login(personas.owner)
    url = reverse("quotes:new", args=[personas.lease.public_id, "turn-in"])
    data = TURN_IN | {"idempotency_key": form_key(client.get(url).content.decode())}
    client.post(url, data)
    settings.PORTAL_TODAY = dt.date(2026, 11, 26)
    assert client.post(url, data).status_code == 302
    assert sorted(Quote.objects.values_list("quoted_on", flat=True)) == [dt.date(2026, 11, 25), dt.date(2026, 11, 26)]


@pytest.mark.django_db
def test_each_compare_option_saves_once_under_the_page_s_key(client, personas):
    client.force_login(personas.owner)
    url = reverse("quotes:compare", args=[personas.lease.public_id])
    page = client.get(url).content.decode()
    key = form_key(page)
    options = re.findall(r'name="option" value="([^"]+)"', page)
    assert len(options) >= 2
    for option in options * 3:
        assert client.post(url, {"option": option, "idempotency_key": key}).status_code == 302
    assert Quote.objects.count() == len(options)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_at_the_same_instant_makes_one_quote(personas):
    from django.test import Client

    client = Client()
    client.force_login(personas.owner)
    url = reverse("quotes:new", args=[personas.lease.public_id, "turn-in"])
    data = TURN_IN | {"idempotency_key": form_key(client.get(url).content.decode())}

    responses = fire_at_once(url, personas.owner, [data] * 4)

    [quote] = Quote.objects.all()
    assert [getattr(r, "status_code", r) for r in responses] == [302] * 4
    assert {r["Location"] for r in responses} == {quote.get_absolute_url()}
