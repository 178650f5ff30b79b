import datetime as dt
from decimal import Decimal

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def back(db):
    """The personas' lease (the worked example, with a $500 wear waiver), back at the dealer, and an inspector."""
    from tests.wear.helpers import build_back

    return build_back()


@pytest.fixture
def billed(back, django_capture_on_commit_callbacks):
    """``back`` with a completed report (1,215.00 of wear, 500.00 waived), sold and billed today."""
    from django.core import mail
    from django.urls import reverse

    from leases.billing.final_bill import final_bill_issue
    from leases.billing.inspection import auction_sale_record
    from tests.factories import TODAY, make_user
    from tests.wear.helpers import record_three_items, signed_in

    report = record_three_items(back)
    signed_in(back.inspector).post(reverse("wear:inspector_complete", args=[report.public_id]))
    auction_sale_record(
        lease=back.lease, sold_on=dt.date(2026, 3, 25), price=Decimal("21000.00"), user=None, today=TODAY
    )
    with django_capture_on_commit_callbacks(execute=True):
        back.bill = final_bill_issue(lease=back.lease, user=None, today=TODAY)
    back.report = report
    back.crack = report.items.get(rule_code="crack")
    back.staff = make_user("ops@example.com", is_staff=True, is_superuser=True)
    mail.outbox.clear()
    return back
