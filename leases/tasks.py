"""Billing's background work: the nightly ACH file and the emails to lessees.

Tasks take primary keys, are enqueued after commit, and are safe to run twice: an email is
claimed with a conditional UPDATE on its "sent" timestamp before it goes out.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal import clock

log = logging.getLogger(__name__)


@shared_task
def write_ach_file() -> str:
    """Nightly: settle debits old enough, then write the NACHA file for what is waiting."""
    from leases import billing

    today = clock.today()
    settled = billing.payments_settle_due(today=today)
    ach_file = billing.ach_file_write(today=today)
    summary = f"settled {settled}; " + (
        f"wrote {ach_file} with {ach_file.debit_count} debits and {ach_file.credit_count} credits"
        if ach_file
        else "nothing to send"
    )
    log.info("ACH: %s", summary)
    return summary


def _claim(model: type[models.Model], pk: int, field: str) -> bool:
    return bool(model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: timezone.now()}))


def _release(model: type[models.Model], pk: int, field: str) -> None:
    model.objects.filter(pk=pk).update(**{field: None})


def _send(template: str, context: dict, to: list[str], attachments=()) -> None:
    context = {**context, "LESSOR": settings.LESSOR, "site_url": settings.SITE_URL}
    subject = " ".join(render_to_string(f"email/billing/{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(subject, render_to_string(f"email/billing/{template}_body.txt", context), None, to)
    message.attach_alternative(render_to_string(f"email/billing/{template}_body.html", context), "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()


def _deliver_once(model, pk: int, field: str, send) -> None:
    """Claim the email, send it, and give the claim back if sending fails (so a retry sends it)."""
    if not _claim(model, pk, field):
        return
    try:
        send()
    except Exception:
        _release(model, pk, field)
        raise


@shared_task
def final_bill_send(bill_id: int) -> None:
    from leases import billing
    from leases.models import FinalBill

    bill = FinalBill.objects.select_related("lease__vehicle__make").get(pk=bill_id)
    to = bill.lease.email_addresses()
    if not to:
        return

    def send() -> None:
        pdf = billing.statement_bytes(bill)
        context = {
            **billing.statement_context(bill),
            "bill_url": settings.SITE_URL + reverse("leases:bill", args=[bill.lease.public_id]),
        }
        name = f"statement-{bill.lease.account_number}.pdf"
        _send("final_bill", context, to, [(name, pdf, "application/pdf")])

    _deliver_once(FinalBill, bill.pk, "emailed_at", send)


def _payment_context(payment) -> dict:
    from leases import billing

    lease = payment.lease
    return {
        "payment": payment,
        "lease": lease,
        "amount": billing.usd(payment.amount),
        "reason": billing.RETURN_REASONS.get(payment.return_code, ""),
        "receipt_url": settings.SITE_URL + reverse("leases:receipt", args=[lease.public_id, payment.public_id]),
        "bill_url": settings.SITE_URL + reverse("leases:bill", args=[lease.public_id]),
    }


@shared_task
def payment_receipt_send(payment_id: int) -> None:
    from leases.models import Payment

    payment = Payment.objects.select_related("lease__vehicle__make", "bank_account", "authorized_by").get(pk=payment_id)
    to = [payment.authorized_by.email]
    _deliver_once(
        Payment, payment.pk, "receipt_emailed_at", lambda: _send("payment_receipt", _payment_context(payment), to)
    )


@shared_task
def payment_returned_send(payment_id: int) -> None:
    from leases.models import Payment

    payment = Payment.objects.select_related("lease__vehicle__make", "bank_account", "authorized_by").get(pk=payment_id)
    to = payment.lease.email_addresses() or [payment.authorized_by.email]
    _deliver_once(
        Payment, payment.pk, "return_emailed_at", lambda: _send("payment_returned", _payment_context(payment), to)
    )


@shared_task
def refund_issued_send(refund_id: int) -> None:
    from leases import billing
    from leases.models import Refund

    refund = Refund.objects.select_related("lease__vehicle__make", "bank_account").get(pk=refund_id)
    to = refund.lease.email_addresses()
    if not to:
        return
    context = {
        "refund": refund,
        "lease": refund.lease,
        "amount": billing.usd(refund.amount),
        "bill_url": settings.SITE_URL + reverse("leases:bill", args=[refund.lease.public_id]),
    }
    _deliver_once(Refund, refund.pk, "emailed_at", lambda: _send("refund_issued", context, to))


# A row younger than this may still have its task in flight; older than the window, ask a person.
CATCH_UP_GRACE = dt.timedelta(minutes=10)
CATCH_UP_WINDOW = dt.timedelta(days=3)


@shared_task
def billing_emails_catch_up() -> int:
    """Queue the billing emails whose task never ran (the broker was down when it was queued).

    Each email's task claims its ``*_emailed_at`` column before sending, so one that did run in
    the meantime sends nothing: this only ever closes gaps.
    """
    from leases.models import FinalBill, Payment, Refund
    from portal.tasks import enqueue_on_commit

    now = timezone.now()
    recent = {"created_at__gte": now - CATCH_UP_WINDOW, "created_at__lte": now - CATCH_UP_GRACE}
    months = {"created_at__gte": now - dt.timedelta(days=90)}
    due = [
        (final_bill_send, FinalBill.objects.filter(emailed_at__isnull=True, **recent)),
        (payment_receipt_send, Payment.objects.filter(receipt_emailed_at__isnull=True, **recent)),
        (
            payment_returned_send,
            Payment.objects.filter(status=Payment.Status.RETURNED, return_emailed_at__isnull=True, **months),
        ),
        (refund_issued_send, Refund.objects.filter(status=Refund.Status.ISSUED, emailed_at__isnull=True, **months)),
    ]
    queued = 0
    for task, rows in due:
        for pk in rows.values_list("pk", flat=True)[:1000]:
            enqueue_on_commit(task, pk)
            queued += 1
    return queued
