"""Billing's emails to lessees: the final bill, payment receipts and returns, refunds.

Each is a task that takes a primary key and is safe to run twice: the email is claimed with a
conditional UPDATE on its "sent" timestamp before it goes out.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from leases.billing import nacha, statement
from leases.models import FinalBill, Payment, Refund
from portal import mail
from quotes.engine import usd


def _claim(model: type[models.Model], pk: int, field: str) -> bool:
    return bool(model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: timezone.now()}))


def _release(model: type[models.Model], pk: int, field: str) -> None:
    model.objects.filter(pk=pk).update(**{field: None})


def _deliver_once(model, pk: int, field: str, send) -> None:
    """Claim the email, send it, and give the claim back if sending fails (so a retry sends it)."""
    if not _claim(model, pk, field):
        return
    try:
        send()
    except Exception:
        _release(model, pk, field)
        raise


@shared_task(name="leases.tasks.final_bill_send")
def final_bill_send(bill_id: int) -> None:

    bill = FinalBill.objects.select_related("lease__vehicle__make").get(pk=bill_id)
    to = bill.lease.email_addresses()
    if not to:
        return

    def send() -> None:
        pdf = statement.statement_bytes(bill)
        context = {
            **statement.statement_context(bill),
            "bill_url": settings.SITE_URL + reverse("leases:bill", args=[bill.lease.public_id]),
        }
        name = f"statement-{bill.lease.account_number}.pdf"
        mail.send("billing/final_bill", context, to=to, attachments=[(name, pdf, "application/pdf")])

    _deliver_once(FinalBill, bill.pk, "emailed_at", send)


def _payment_context(payment) -> dict:

    lease = payment.lease
    return {
        "payment": payment,
        "lease": lease,
        "amount": usd(payment.amount),
        "reason": nacha.RETURN_REASONS.get(payment.return_code, ""),
        "receipt_url": settings.SITE_URL + reverse("leases:receipt", args=[lease.public_id, payment.public_id]),
        "bill_url": settings.SITE_URL + reverse("leases:bill", args=[lease.public_id]),
    }


@shared_task(name="leases.tasks.payment_receipt_send")
def payment_receipt_send(payment_id: int) -> None:

    payment = Payment.objects.select_related("lease__vehicle__make", "bank_account", "authorized_by").get(pk=payment_id)
    to = [payment.authorized_by.email]
    _deliver_once(
        Payment,
        payment.pk,
        "receipt_emailed_at",
        lambda: mail.send("billing/payment_receipt", _payment_context(payment), to=to),
    )


@shared_task(name="leases.tasks.payment_returned_send")
def payment_returned_send(payment_id: int) -> None:

    payment = Payment.objects.select_related("lease__vehicle__make", "bank_account", "authorized_by").get(pk=payment_id)
    to = payment.lease.email_addresses() or [payment.authorized_by.email]
    _deliver_once(
        Payment,
        payment.pk,
        "return_emailed_at",
        lambda: mail.send("billing/payment_returned", _payment_context(payment), to=to),
    )


@shared_task(name="leases.tasks.refund_issued_send")
def refund_issued_send(refund_id: int) -> None:

    refund = Refund.objects.select_related("lease__vehicle__make", "bank_account").get(pk=refund_id)
    to = refund.lease.email_addresses()
    if not to:
        return
    context = {
        "refund": refund,
        "lease": refund.lease,
        "amount": usd(refund.amount),
        "bill_url": settings.SITE_URL + reverse("leases:bill", args=[refund.lease.public_id]),
    }
    _deliver_once(Refund, refund.pk, "emailed_at", lambda: mail.send("billing/refund_issued", context, to=to))


