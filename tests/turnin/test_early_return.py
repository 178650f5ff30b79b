"""An early return, end to end: the dealer is told before confirming, the lease ends early, and
the bill after the sale is the engine's early termination, the same formula as the lessee's quote."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from leases.billing import inspection
from leases.models import Lease
from quotes.models import Quote
from returnkit.turnin.models import TurnIn
from tests.factories import TODAY, issue, lease_ending_in, make_user
from tests.turnin.test_checkin import statement

pytestmark = pytest.mark.django_db


def walk_in_url(lease: Lease) -> str:
    return reverse("turnin:dealer_walk_in_check_in", args=[lease.public_id])


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def early_lease():
    """A lease whose scheduled end is 150 days away: far before the turn-in window."""
    return lease_ending_in(150, lessee=None)


def test_the_dealer_sees_that_the_return_is_early_before_confirming(client, dealer_user, early_lease):
    client.force_login(dealer_user)
    page = page_text(client.get(walk_in_url(early_lease)))
    assert "This is an early return" in page
    assert "150 days before the scheduled end date, April 24, 2027" in page
    assert 'name="early_return_confirmed"' in page


def test_an_early_return_is_refused_until_the_dealer_confirms_it(client, dealer_user, early_lease):
    client.force_login(dealer_user)
    response = client.post(walk_in_url(early_lease), statement(early_lease, miles=30_000))
    assert response.status_code == 400
    assert "Confirm that the lessee knows this return ends the lease early" in page_text(response)
    assert not TurnIn.objects.exists()
    early_lease.refresh_from_db()
    assert early_lease.status == Lease.Status.ACTIVE


def test_a_confirmed_early_return_ends_the_lease_early(client, dealer_user, early_lease):
    client.force_login(dealer_user)
    response = client.post(walk_in_url(early_lease), statement(early_lease, miles=30_000, early_return_confirmed="on"))
    assert response.status_code == 302
    early_lease.refresh_from_db()
    assert early_lease.status == Lease.Status.TERMINATED_EARLY


def test_a_return_inside_the_turn_in_window_is_a_turn_in_with_no_question(client, dealer_user, settings):
    settings.TURN_IN_WINDOW_DAYS = 30
    lease = lease_ending_in(20)
    client.force_login(dealer_user)
    assert "early return" not in page_text(client.get(walk_in_url(lease))).lower()
    assert client.post(walk_in_url(lease), statement(lease, miles=30_000)).status_code == 302
    lease.refresh_from_db()
    assert lease.status == Lease.Status.RETURNED


def test_from_early_return_quote_to_check_in_to_sale_to_bill(client, dealer_user, early_lease, settings, tmp_path):
    """The lessee's early-return quote and the bill after the sale are the same formula: with the
    car sold for the value the quote assumed and no wear, they agree to the cent, line by line."""
    settings.MEDIA_ROOT = tmp_path
    owner = make_user()
    party = early_lease.parties_primary_first()[0].lessee
    party.user = owner
    party.save()
    client.force_login(owner)
    quote_form = {"return_date": TODAY.isoformat(), "realized_value": "17250.00", "odometer": "33012"}
    response = client.post(reverse("quotes:new", args=[early_lease.public_id, "early-return"]), quote_form)
    assert response.status_code == 302, page_text(response)
    quote = Quote.objects.get(lease=early_lease)
    assert quote.kind == Quote.Kind.EARLY_TERMINATION

    client.force_login(dealer_user)
    checked_in = client.post(
        walk_in_url(early_lease), statement(early_lease, miles=33_012, early_return_confirmed="on")
    )
    assert checked_in.status_code == 302
    early_lease.refresh_from_db()
    inspection.inspection_record(
        lease=early_lease, returned_on=TODAY, inspected_on=TODAY, wear_total=Decimal("0"), user=None, today=TODAY
    )
    inspection.auction_sale_record(lease=early_lease, sold_on=TODAY, price=Decimal("17250.00"), user=None, today=TODAY)
    bill = issue(early_lease)

    assert bill.kind == "early_termination"
    assert [(line["code"], line["amount"]) for line in bill.lines] == [
        (line["code"], line["amount"]) for line in quote.lines
    ]
    assert bill.total == quote.total
    assert bill.net_after_deposit == quote.net_after_deposit
    codes = [line["code"] for line in bill.lines]
    assert "remaining_balance" in codes and "unused_mileage_refund" not in codes


def test_after_an_early_return_the_lease_page_stops_the_clock_at_the_return(client, dealer_user, early_lease):
    client.force_login(dealer_user)
    client.post(walk_in_url(early_lease), statement(early_lease, miles=30_000, early_return_confirmed="on"))
    owner = make_user()
    party = early_lease.parties_primary_first()[0].lessee
    party.user = owner
    party.save()
    client.force_login(owner)
    page = page_text(client.get(reverse("leases:detail", args=[early_lease.public_id])))
    assert "Ended early" in page
    allowed = f"{early_lease.miles_allowed_to(TODAY):,} miles"
    assert f"Allowed at the return</dt><dd class=\"col-sm-6\">{allowed}" in page
    assert "days from today" not in page and "Request a quote" not in page
