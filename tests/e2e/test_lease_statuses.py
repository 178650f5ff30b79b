"""The lease page in every status, on a phone: each says where the lease stands, and once the car is
back there is no countdown and no live quote. Screenshots in test-artifacts/, looked at."""

from __future__ import annotations

import re

import pytest

from leases.billing import ach, payments
from leases.models import Lease
from tests.e2e.conftest import sign_in
from tests.factories import (
    EXAMPLE_START,
    TODAY,
    issue,
    lease_ending_in,
    make_lease,
    make_lessee,
    make_user,
    pay,
    return_and_sell,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _leases(lessee) -> dict[str, tuple[Lease, str]]:
    """One lease in each status, with a phrase its page must show."""
    active = lease_ending_in(150, lessee=lessee)
    past = lease_ending_in(-12, lessee=lessee, status=Lease.Status.MATURING)
    extended = lease_ending_in(-5, lessee=lessee, status=Lease.Status.MATURING)
    Lease.objects.filter(pk=extended.pk).update(extended_days=30)
    extended.mark_extended()
    returned = lease_ending_in(-3, lessee=lessee)
    returned.mark_returned()
    early = lease_ending_in(120, lessee=lessee)
    early.mark_terminated_early()
    billed = make_lease(lessee, start=EXAMPLE_START)
    issue(return_and_sell(billed))
    paid = make_lease(lessee, start=EXAMPLE_START)
    issue(return_and_sell(paid))
    payment = pay(paid, lessee.user, "1223.13")
    ach.ach_file_write(today=TODAY)
    payments.payment_settle(payment=payment, today=TODAY)
    purchased = lease_ending_in(60, lessee=lessee)
    purchased.mark_purchased()
    return {
        "active": (active, "150 days from today"),
        "past-end": (past, "12 days past"),
        "extended": (extended, "Extended"),
        "returned": (returned, "Returned"),
        "ended-early": (early, "Ended early"),
        "billed": (billed, "Your final bill"),
        "paid": (paid, "Paid in full"),
        "purchased": (purchased, "Purchased"),
    }


def test_the_lease_page_in_each_status_on_a_phone(phone_page, live_server):
    owner = make_user("statuses@example.com")
    leases = _leases(make_lessee(owner, first_name="Alex"))
    sign_in(phone_page, live_server.url, "statuses@example.com")
    for name, (lease, phrase) in leases.items():
        phone_page.goto(f"{live_server.url}/vehicles/{lease.public_id}/")
        body = phone_page.locator("main").inner_text()
        assert phrase.lower() in body.lower(), name
        if not Lease.objects.get(pk=lease.pk).is_open:
            assert not re.search(r"\d+ days? (from today|left)", body), name
            assert "Get a quote" not in body and "Compare my options" not in body, name
        # Nothing wider than the phone: no sideways scrolling.
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375, name
        phone_page.shots(name)
