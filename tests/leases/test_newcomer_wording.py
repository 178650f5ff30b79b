"""Issue 17: words a newcomer stumbles on (status names in sentences, "day(s)", repeated links,
errors under the wrong field)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from leases.forms import OdometerForm
from leases.models import Lease
from leases.services import days_in_words
from quotes import engine
from quotes.services import quote_create
from tests.factories import FINISHED_STATUSES, TODAY, add_reading, lease_ending_in

pytestmark = pytest.mark.django_db


def test_every_status_has_a_sentence_of_its_own():
    sentences = [Lease(status=status).status_sentence() for status in Lease.Status]
    assert len(set(sentences)) == len(Lease.Status)
    for sentence in sentences:
        assert sentence[0].isupper() and sentence.endswith(".")
        assert not re.search(r"is (vehicle returned|sold at auction)\b", sentence)


@pytest.mark.parametrize("status", FINISHED_STATUSES)
def test_finished_lease_pages_never_paste_a_status_name_into_a_sentence(client, status):
    lease = lease_ending_in(20)
    Lease.objects.filter(pk=lease.pk).update(status=status)
    client.force_login(lease.primary_lessee.user)
    quote_page = client.get(reverse("quotes:new", args=[lease.public_id, "buyout"]), follow=True).content.decode()
    turn_in = client.get(reverse("turnin:find", args=[lease.public_id]), follow=True).content.decode()
    lease.refresh_from_db()
    for html in (quote_page, turn_in):
        assert lease.status_sentence() in html
        assert not re.search(r"(lease|vehicle) is (vehicle returned|sold at auction)", html, re.I)


def test_days_are_counted_in_words():
    assert days_in_words(1) == "1 day"
    assert days_in_words(15) == "15 days"


def test_an_impossible_jump_says_days_not_day_s(client):
    lease = lease_ending_in(20)
    add_reading(lease, TODAY - dt.timedelta(days=15), 30_000)
    form = OdometerForm({"miles": "90000", "reading_date": TODAY.isoformat()}, lease=lease, today=TODAY)
    assert not form.is_valid()
    assert "in 15 days since the last reading" in form.errors["miles"][0]
    assert "day(s)" not in str(form.errors)


@pytest.mark.parametrize(
    ("day", "words"),
    [(TODAY + dt.timedelta(days=1), "cannot be in the future"), (dt.date(2020, 1, 1), "before your lease began")],
)
def test_date_errors_sit_under_the_date_field(client, day, words):
    lease = lease_ending_in(20)
    client.force_login(lease.primary_lessee.user)
    response = client.post(reverse("leases:odometer", args=[lease.public_id]), {"miles": "30500", "reading_date": day})
    form = response.context["form"]
    assert words in form.errors["reading_date"][0]
    assert "miles" not in form.errors


def test_a_buyout_quote_for_a_later_day_offers_todays_quote_once(client):
    lease = lease_ending_in(20)
    user = lease.primary_lessee.user
    quote = quote_create(lease=lease, user=user, event=engine.Buyout(date=TODAY + dt.timedelta(days=5)), today=TODAY)
    client.force_login(user)
    for url in (
        reverse("quotes:detail", args=[lease.public_id, quote.public_id]),
        reverse("quotes:pay_buyout", args=[lease.public_id, quote.public_id]),
    ):
        html = client.get(url).content.decode()
        assert html.lower().count("buyout quote for today") == 1, url
