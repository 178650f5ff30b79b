"""Billing's scheduled work: the nightly ACH file, and the catch-up for emails never queued.

The emails themselves are tasks in ``leases.billing.emails`` (enqueued by the services).
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from leases.billing import ach, payments
from leases.billing.emails import final_bill_send, payment_receipt_send, payment_returned_send, refund_issued_send
from leases.models import FinalBill, Payment, Refund
from portal import clock, once

log = logging.getLogger(__name__)


@shared_task(name="leases.tasks.write_ach_file")
def write_ach_file() -> str:
    """Nightly: settle debits old enough, then write the NACHA file for what is waiting."""
    today = clock.today()
    settled = payments.payments_settle_due(today=today)
    ach_file = ach.ach_file_write(today=today)
    summary = f"settled {settled}; " + (
        f"wrote {ach_file} with {ach_file.debit_count} debits and {ach_file.credit_count} credits"
        if ach_file
        else "nothing to send"
    )
    log.info("ACH: %s", summary)
    return summary


@shared_task(name="leases.tasks.billing_emails_catch_up")
def billing_emails_catch_up() -> int:
    """Queue the billing emails whose task never ran (the broker was down when it was queued).

    Each email's task claims its ``*_emailed_at`` column before sending, so one that did run in
    the meantime sends nothing: this only ever closes gaps. A return or a refund comes long after
    its row was created, so those are looked for over the last 90 days instead of the window.
    """
    recent = once.recent("created_at")
    months = {"created_at__gte": timezone.now() - dt.timedelta(days=90)}
    returned = Payment.objects.filter(status=Payment.Status.RETURNED, return_emailed_at__isnull=True, **months)
    issued = Refund.objects.filter(status=Refund.Status.ISSUED, emailed_at__isnull=True, **months)
    return once.catch_up(
        (final_bill_send, FinalBill.objects.filter(emailed_at__isnull=True, **recent).values_list("pk")),
        (payment_receipt_send, Payment.objects.filter(receipt_emailed_at__isnull=True, **recent).values_list("pk")),
        (payment_returned_send, returned.values_list("pk")),
        (refund_issued_send, issued.values_list("pk")),
    )
