"""Issue 15, phase 3: the final bill email a Spanish-speaking lessee receives is in Spanish, every
sentence; the English reader of the same bill keeps the English words."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from leases.billing import ach, ledger, nacha, payments, refunds
from leases.billing.models import RETURN_REASONS
from leases.billing.statement import statement_bytes
from leases.models import LedgerEntry, Refund
from tests.factories import (
    EXAMPLE_START,
    TODAY,
    issue,
    make_lease,
    make_lessee,
    make_user,
    pay,
    return_and_sell,
)  # fmt: skip
from tests.spanish import by_reader, english_words, speaks_spanish
from tests.world import build_personas

pytestmark = pytest.mark.django_db


def test_the_final_bill_email_is_in_spanish_for_a_spanish_reader(mailoutbox, django_capture_on_commit_callbacks):
    world = build_personas(start=EXAMPLE_START)
    speaks_spanish(world.owner)
    return_and_sell(world.lease)
    with django_capture_on_commit_callbacks(execute=True):
        issue(world.lease)
    mails = by_reader(mailoutbox)
    spanish, english = mails["owner@example.com"], mails["co@example.com"]
    assert spanish is not english
    assert spanish.subject.startswith("Su factura final del ")
    assert "Saldo a pagar a más tardar el 25 de diciembre de 2026: $1,223.13" in spanish.body
    html = spanish.alternatives[0].content
    for text in (spanish.subject, spanish.body, re.sub(r"<[^>]+>", " ", html)):
        assert english_words(text) == set(), text
    assert "Balance due by December 25, 2026: $1,223.13" in english.body


def test_the_statement_pdf_is_drawn_in_the_primary_lessees_language():
    world = build_personas(start=EXAMPLE_START)
    speaks_spanish(world.owner)
    bill = issue(return_and_sell(world.lease))
    data = statement_bytes(bill)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Factura final" in text and "Saldo a pagar" in text and "Depósito de seguridad aplicado" in text
    assert english_words(text) == set(), text


# --- the bank account's type, the bank's return reason and the lessor's hours, in the reader's words -------


def _spanish_texts(message) -> list[str]:
    return [message.subject, message.body, re.sub(r"<[^>]+>", " ", message.alternatives[0].content)]


@pytest.mark.parametrize(
    ("account_type", "spanish", "english"),
    [
        ("checking", "Desde: cuenta de cheques que termina en 6789", "From: checking account ending 6789"),
        ("savings", "Desde: cuenta de ahorros que termina en 6789", "From: savings account ending 6789"),
    ],
)
def test_the_payment_receipt_names_the_account_type_in_the_readers_language(
    mailoutbox, django_capture_on_commit_callbacks, account_type, spanish, english
):
    world = build_personas(start=EXAMPLE_START)
    issue(return_and_sell(world.lease))
    speaks_spanish(world.owner)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pay(world.lease, world.owner, "100.00", account_type=account_type)
        pay(world.lease, world.co_lessee, "100.00", account_type=account_type)
    mails = by_reader(mailoutbox)
    for text in _spanish_texts(mails["owner@example.com"]):
        assert english_words(text) == set(), text
    assert spanish in mails["owner@example.com"].body and spanish in mails["owner@example.com"].alternatives[0].content
    assert english in mails["co@example.com"].body


def test_the_returned_payment_email_gives_the_banks_reason_in_spanish(mailoutbox, django_capture_on_commit_callbacks):
    world = build_personas(start=EXAMPLE_START)
    issue(return_and_sell(world.lease))
    speaks_spanish(world.owner)
    payment = pay(world.lease, world.owner, "1223.13")
    ach.ach_file_write(today=TODAY)
    payment.refresh_from_db()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ach.ach_returns_import(text=f"{payment.trace_number},R05\n", today=TODAY)
    mails = by_reader(mailoutbox)
    spanish, english = mails["owner@example.com"], mails["co@example.com"]
    assert "Motivo: R05 Débito no autorizado a una cuenta personal" in spanish.body
    for text in _spanish_texts(spanish):
        assert english_words(text) == set() and "nauthori" not in text, text
    assert "Reason: R05 Unauthorized debit to a consumer account" in english.body  # US spelling


def test_every_bank_return_reason_has_its_words_for_the_reader():
    with translation.override("en"):
        assert {code: str(words) for code, words in RETURN_REASONS.items()} == nacha.RETURN_REASONS
    with translation.override("es"):
        assert all(str(words) != nacha.RETURN_REASONS[code] for code, words in RETURN_REASONS.items())


def test_the_ach_refund_email_names_the_savings_account_in_spanish(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    user = make_user("refund@example.com", language="es")
    lease = make_lease(make_lessee(user), start=EXAMPLE_START, security_deposit=Decimal("2000.00"))
    ledger.entry_post(lease=lease, kind="past_due", amount=Decimal("452.74"), posted_on=dt.date(2026, 2, 1))
    bill = issue(return_and_sell(lease))
    payment = pay(lease, user, "175.87", account="44455566", account_type="savings")
    ach.ach_file_write(today=TODAY)
    payments.payment_settle(payment=payment, today=TODAY)
    fee = LedgerEntry.objects.get(final_bill=bill, kind="disposition_fee")
    ledger.entry_correct(entry=fee, user=staff, today=TODAY)  # a credit to refund
    refund = Refund.objects.create(
        final_bill=bill, lease=lease, amount=Decimal("95.00"), method="ach",
        bank_account=refunds.bank_account_on_file(lease),
    )  # fmt: skip
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refunds.refund_issue(refund=refund, user=staff, today=TODAY, check_number="")
    [message] = mailoutbox
    assert "Se deposita en su cuenta de ahorros que termina en 5566" in message.body
    for text in _spanish_texts(message):
        assert english_words(text) == set(), text


def test_the_statement_pdf_gives_the_lessors_hours_in_spanish(settings):
    world = build_personas(start=EXAMPLE_START)
    speaks_spanish(world.owner)
    data = statement_bytes(issue(return_and_sell(world.lease)))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert settings.LESSOR["hours_es"] in text and settings.LESSOR["hours"] not in text


def test_the_bills_activity_reads_in_the_readers_language(client, staff):
    """The ledger's memos are operations' record, in English; the lessee's bill page words each
    payment, return and refund since the bill in the reader's language."""
    user = make_user("refund@example.com", language="es")
    lease = make_lease(make_lessee(user), start=EXAMPLE_START, security_deposit=Decimal("2000.00"))
    ledger.entry_post(lease=lease, kind="past_due", amount=Decimal("452.74"), posted_on=dt.date(2026, 2, 1))
    bill = issue(return_and_sell(lease))
    returned = pay(lease, user, "50.00", account_type="savings")
    settled = pay(lease, user, "125.87", account="44455566")
    ach.ach_file_write(today=TODAY)
    returned.refresh_from_db()
    ach.ach_returns_import(text=f"{returned.trace_number},R01\n", today=TODAY)
    payments.payment_settle(payment=settled, today=TODAY)
    fee = LedgerEntry.objects.get(final_bill=bill, kind="disposition_fee")
    ledger.entry_correct(entry=fee, user=staff, today=TODAY)
    refund = Refund.objects.create(
        final_bill=bill, lease=lease, amount=Decimal("95.00"), method="check", mail_to="1 Main St",
    )  # fmt: skip
    refunds.refund_issue(refund=refund, user=staff, today=TODAY, check_number="1001")
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(reverse("leases:bill", args=[lease.public_id])).content.decode()
    activity = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split('id="activity-h"')[1].split("</section>")[0]))
    assert f"Pago en línea {returned.reference} desde su cuenta de ahorros que termina en 6789" in activity
    assert f"Pago {returned.reference} devuelto por su banco (R01: Fondos insuficientes)" in activity
    assert f"Pago en línea {settled.reference} desde su cuenta de cheques que termina en 5566" in activity
    assert "Reembolso: cheque por correo" in activity
    assert english_words(activity) == set() and "Online" not in activity and "Checking" not in activity, activity
