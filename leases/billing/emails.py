"""Billing's emails to lessees: the final bill, payment receipts and returns, refunds.

Each is a task that takes a primary key and is safe to run twice: the email claims its
``*_emailed_at`` column (portal.once.claimed) before it goes out, and gives it back if sending fails.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils.functional import lazy

from leases.billing import statement
from leases.billing.cancelling import cancel_sentence
from leases.models import FinalBill, Payment, Refund
from portal import mail, once


@shared_task(name="leases.tasks.final_bill_send")
def final_bill_send(bill_id: int) -> None:
    bill = FinalBill.objects.select_related("lease__vehicle__make").get(pk=bill_id)
    to = bill.lease.email_addresses()
    if not to:
        return
    with once.claimed(FinalBill.objects.filter(pk=bill.pk), "emailed_at") as claim:
        if claim:
            context = {
                **statement.statement_context(bill),
                "bill_url": settings.SITE_URL + reverse("leases:bill", args=[bill.lease.public_id]),
            }
            pdf = (f"statement-{bill.lease.account_number}.pdf", statement.statement_bytes(bill), "application/pdf")
            mail.send("billing/final_bill", context, to=to, attachments=[pdf])


def _payment_context(payment) -> dict:
    lease = payment.lease
    return {
        "payment": payment,
        "lease": lease,
        "reason": payment.return_reason,
        # Worded when the email is rendered, in its reader's language (portal.mail), not the sender's.
        "cancel_sentence": lazy(cancel_sentence, str)(first_person=False),
        "receipt_url": settings.SITE_URL + reverse("leases:receipt", args=[lease.public_id, payment.public_id]),
        "bill_url": settings.SITE_URL + reverse("leases:bill", args=[lease.public_id]),
    }


@shared_task(name="leases.tasks.payment_receipt_send")
def payment_receipt_send(payment_id: int) -> None:
    payment = Payment.objects.select_related("lease__vehicle__make", "bank_account", "authorized_by").get(pk=payment_id)
    with once.claimed(Payment.objects.filter(pk=payment.pk), "receipt_emailed_at") as claim:
        if claim:
            mail.send("billing/payment_receipt", _payment_context(payment), to=[payment.authorized_by.email])


def _payment_news_send(payment_id: int, template: str, claimed_column: str) -> None:
    """News of a payment for everyone on the lease (its payer when the lease has no addresses), once."""
    payment = Payment.objects.select_related("lease__vehicle__make", "bank_account", "authorized_by").get(pk=payment_id)
    to = payment.lease.email_addresses() or [payment.authorized_by.email]
    with once.claimed(Payment.objects.filter(pk=payment.pk), claimed_column) as claim:
        if claim:
            mail.send(template, _payment_context(payment), to=to)


@shared_task(name="leases.tasks.payment_cancelled_send")
def payment_cancelled_send(payment_id: int) -> None:
    _payment_news_send(payment_id, "billing/payment_cancelled", "cancel_emailed_at")


@shared_task(name="leases.tasks.payment_returned_send")
def payment_returned_send(payment_id: int) -> None:
    _payment_news_send(payment_id, "billing/payment_returned", "return_emailed_at")


@shared_task(name="leases.tasks.refund_issued_send")
def refund_issued_send(refund_id: int) -> None:
    refund = Refund.objects.select_related("lease__vehicle__make", "bank_account").get(pk=refund_id)
    to = refund.lease.email_addresses()
    if not to:
        return
    with once.claimed(Refund.objects.filter(pk=refund.pk), "emailed_at") as claim:
        if claim:
            context = {
                "refund": refund,
                "lease": refund.lease,
                "bill_url": settings.SITE_URL + reverse("leases:bill", args=[refund.lease.public_id]),
            }
            mail.send("billing/refund_issued", context, to=to)
