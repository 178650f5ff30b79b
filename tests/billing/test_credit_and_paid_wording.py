"""Issue 11, finding 6: a credit reads as money owed to the lessee, never as a balance due."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from leases.billing import refunds
from leases.models import Refund
from quotes.engine import long_date
from tests.factories import EXAMPLE_START, TODAY, issue, make_lease, make_lessee, make_user, return_and_sell

pytestmark = pytest.mark.django_db


def _credit_bill(user):
    lease = make_lease(make_lessee(user), start=EXAMPLE_START, security_deposit=Decimal("2000.00"))
    return_and_sell(lease)
    return lease, issue(lease)


def _pages(client, lease) -> tuple[str, str]:
    def text(url: str) -> str:
        return " ".join(strip_tags(client.get(url).content.decode()).split())

    return text(reverse("leases:detail", args=[lease.public_id])), text(reverse("leases:bill", args=[lease.public_id]))


def test_a_credit_says_we_owe_you_with_the_refund_method_and_no_due_date(client, staff):
    user = make_user("credit@example.com")
    lease, bill = _credit_bill(user)
    client.force_login(user)
    for html in _pages(client, lease):
        assert "We owe you $276.87" in html
        assert "by check" in html
        assert long_date(bill.due_on) not in html
        assert "Balance due" not in html
    refund = Refund.objects.get(final_bill=bill)
    assert refunds.refund_issue(refund=refund, user=staff, today=TODAY, check_number="1001") is True
    for html in _pages(client, lease):
        assert "$276.87" in html
        assert f"issued on {long_date(TODAY)}" in html
        assert "by check" in html
        assert long_date(bill.due_on) not in html
