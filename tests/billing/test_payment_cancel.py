"""A lessee cancels their own online payment from its receipt, until the bank file carries it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from leases.billing import ach, ledger
from leases.models import LedgerEntry, Payment
from tests.factories import TODAY, pay

pytestmark = pytest.mark.django_db


def cancel_url(payment) -> str:
    return reverse("leases:payment_cancel", args=[payment.lease.public_id, payment.public_id])


def test_the_owner_cancels_a_pending_payment_and_the_balance_comes_back(
    client, billed, mailoutbox, django_capture_on_commit_callbacks
):
    payment = pay(billed.lease, billed.owner, "200.00")
    assert ledger.balance(billed.lease) == Decimal("1023.13")
    client.force_login(billed.owner)
    receipt = client.get(reverse("leases:receipt", args=[billed.lease.public_id, payment.public_id]))
    assert "Cancel this payment" in receipt.content.decode()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(cancel_url(payment), follow=True)
    assert page.status_code == 200
    assert "cancelled" in page.content.decode()
    payment.refresh_from_db()
    assert (payment.status, payment.cancelled_on, payment.cancelled_by) == ("cancelled", TODAY, billed.owner)
    assert ledger.balance(billed.lease) == Decimal("1223.13")
    [entry] = LedgerEntry.objects.filter(payment=payment, kind="payment_cancelled")
    assert entry.amount == Decimal("200.00")
    assert [m.subject for m in mailoutbox] == ["Your payment of $200.00 is cancelled"]

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(cancel_url(payment), follow=True)  # a double click changes nothing
    assert LedgerEntry.objects.filter(payment=payment, kind="payment_cancelled").count() == 1
    assert "already cancelled" in again.content.decode()
    assert len(mailoutbox) == 1
    assert ach.ach_file_write(today=TODAY) is None  # nothing left to send


def test_a_payment_already_in_the_bank_file_cannot_be_cancelled_online(client, billed):
    payment = pay(billed.lease, billed.owner, "200.00")
    ach.ach_file_write(today=TODAY)
    client.force_login(billed.owner)
    receipt = client.get(reverse("leases:receipt", args=[billed.lease.public_id, payment.public_id]))
    assert "Cancel this payment" not in receipt.content.decode()
    page = client.post(cancel_url(payment), follow=True)
    assert "already on its way to your bank" in page.content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert ledger.balance(billed.lease) == Decimal("1023.13")


def test_a_co_lessee_may_cancel_but_a_stranger_gets_404(client, billed):
    payment = pay(billed.lease, billed.owner, "200.00")
    client.force_login(billed.outsider)
    assert client.post(cancel_url(payment)).status_code == 404
    assert client.get(cancel_url(payment)).status_code == 405
    payment.refresh_from_db()
    assert payment.status == "pending"
    client.force_login(billed.co_lessee)
    client.post(cancel_url(payment))
    payment.refresh_from_db()
    assert payment.status == "cancelled"


def test_a_cancelled_payment_is_never_settled_or_returned(billed):
    from leases.billing import payments

    payment = pay(billed.lease, billed.owner, "200.00")
    assert payments.payment_cancel(payment=payment, user=billed.owner, today=TODAY) is True
    assert payments.payment_cancel(payment=payment, user=billed.owner, today=TODAY) is False
    assert payments.payment_return(payment=payment, code="R01", today=TODAY) is False
    assert payments.payments_settle_due(today=TODAY) == 0
    assert ledger.balance(billed.lease) == Decimal("1223.13")


def test_the_cancellation_email_speaks_each_readers_language(billed, mailoutbox, django_capture_on_commit_callbacks):
    import re

    from leases.billing import payments
    from tests.spanish import by_reader, english_words, speaks_spanish

    speaks_spanish(billed.owner)
    payment = pay(billed.lease, billed.owner, "200.00")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        payments.payment_cancel(payment=payment, user=billed.owner, today=TODAY)
    mails = by_reader(mailoutbox)
    spanish, english = mails["owner@example.com"], mails["co@example.com"]
    assert spanish.subject == "Su pago de $200.00 está cancelado"
    for text in (spanish.subject, spanish.body, re.sub(r"<[^>]+>", " ", spanish.alternatives[0].content)):
        assert english_words(text) == set(), text
    assert english.subject == "Your payment of $200.00 is cancelled"


def test_the_bill_lists_the_cancellation_in_the_readers_language(client, billed):
    from leases.billing import payments

    payment = pay(billed.lease, billed.owner, "200.00")
    payments.payment_cancel(payment=payment, user=billed.owner, today=TODAY)
    client.force_login(billed.owner)
    page = client.get(reverse("leases:bill", args=[billed.lease.public_id])).content.decode()
    assert f"Payment {payment.reference} cancelled online" in page
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(reverse("leases:bill", args=[billed.lease.public_id])).content.decode()
    assert f"Pago {payment.reference} cancelado en línea" in page
