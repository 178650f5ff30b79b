"""A bill or receipt email whose task was never queued (a broker outage) still goes out, once."""

import datetime as dt

import pytest
from django.utils import timezone

from leases.billing import tasks
from leases.models import FinalBill, Payment
from tests.factories import EXAMPLE_START, issue, make_lease, make_lessee, make_user, pay, return_and_sell

pytestmark = pytest.mark.django_db
AN_HOUR_AGO = {"created_at": timezone.now() - dt.timedelta(hours=1)}


def catch_up(capture) -> int:
    with capture(execute=True):
        return tasks.billing_emails_catch_up()


def test_a_bill_and_a_receipt_never_queued_are_emailed_once(mailoutbox, django_capture_on_commit_callbacks):
    owner = make_user("owner@example.com")
    lease = make_lease(make_lessee(owner), start=EXAMPLE_START)
    return_and_sell(lease)
    bill = issue(lease)  # on-commit callbacks never run here: as if the broker had refused both
    payment = pay(lease, owner, "100.00")
    FinalBill.objects.filter(pk=bill.pk).update(**AN_HOUR_AGO)
    Payment.objects.filter(pk=payment.pk).update(**AN_HOUR_AGO)
    assert mailoutbox == []

    assert catch_up(django_capture_on_commit_callbacks) == 2
    assert catch_up(django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 2
    assert FinalBill.objects.get(pk=bill.pk).emailed_at is not None
    assert Payment.objects.get(pk=payment.pk).receipt_emailed_at is not None


def test_emails_already_sent_are_not_queued_again(mailoutbox, django_capture_on_commit_callbacks):
    lease = make_lease(make_lessee(make_user("owner@example.com")), start=EXAMPLE_START)
    return_and_sell(lease)
    with django_capture_on_commit_callbacks(execute=True):
        bill = issue(lease)
    FinalBill.objects.filter(pk=bill.pk).update(**AN_HOUR_AGO)
    assert len(mailoutbox) == 1
    assert catch_up(django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 1
