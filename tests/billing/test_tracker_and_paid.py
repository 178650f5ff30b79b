"""Issue 11, finding 6: the tracker shows only what happened, each with its date; a paid bill says
"Paid" with the date, on the bill page and in the statement PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from pypdf import PdfReader

from leases.billing import ach, payments
from leases.billing import panel as billing_panel
from leases.models import FinalBill, Lease
from tests.factories import TODAY, make_lease, pay

pytestmark = pytest.mark.django_db


def steps_of(lease, **dates) -> dict[str, tuple[str, dt.date | None]]:
    found = billing_panel.lease_panel(lease, user=None, today=TODAY, **dates)["billing"]
    return {step.key: (step.state, step.date) for step in found["steps"]}


def test_a_kit_never_sent_and_a_walk_in_are_not_marked_done(billed):
    """The worked example came back with no kit sent and no appointment: those steps are left out."""
    steps = steps_of(billed.lease)
    assert "kit" not in steps and "appointment" not in steps
    assert steps["returned"][0] == "done"


def test_the_kit_and_a_kept_appointment_show_their_dates(billed):
    steps = steps_of(billed.lease, kit_sent=dt.date(2025, 11, 15), appointment_day=dt.date(2026, 3, 15))
    assert steps["kit"] == ("done", dt.date(2025, 11, 15))
    assert steps["appointment"] == ("done", dt.date(2026, 3, 15))


def test_a_future_appointment_is_the_next_step_not_a_done_one():
    lease = make_lease()
    steps = steps_of(lease, kit_sent=dt.date(2026, 8, 17), appointment_day=dt.date(2026, 12, 10))
    assert steps["kit"] == ("done", dt.date(2026, 8, 17))
    assert steps["appointment"] == ("current", dt.date(2026, 12, 10))
    text = billing_panel.lease_panel(
        lease, user=None, today=TODAY, kit_sent=dt.date(2026, 8, 17), appointment_day=dt.date(2026, 12, 10)
    )["billing"]["next"]
    assert "December 10, 2026" in text


def _paid(billed) -> FinalBill:
    payment = pay(billed.lease, billed.owner, "1223.13")
    ach.ach_file_write(today=TODAY)
    payments.payment_settle(payment=payment, today=TODAY + dt.timedelta(days=3))
    return FinalBill.objects.get(lease=billed.lease)


def test_a_paid_bill_says_paid_with_the_date_on_its_page(client, billed):
    bill = _paid(billed)
    assert bill.paid_on == dt.date(2026, 11, 28)
    assert Lease.objects.get(pk=billed.lease.pk).status == Lease.Status.CLOSED
    client.force_login(billed.owner)
    html = client.get(reverse("leases:bill", args=[billed.lease.public_id])).content.decode()
    page = " ".join(strip_tags(html).split())
    assert "Paid in full on November 28, 2026" in page
    assert "Due December 25, 2026" not in page and "Due by" not in page


def test_a_paid_bill_s_statement_is_drawn_again_saying_paid(client, billed, django_capture_on_commit_callbacks):
    client.force_login(billed.owner)
    url = reverse("leases:statement", args=[billed.lease.public_id])
    before = "".join(page.extract_text() for page in PdfReader(io.BytesIO(client.get(url).content)).pages)
    assert "Balance due" in before
    with django_capture_on_commit_callbacks(execute=True):
        _paid(billed)
    after = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(url).content)).pages).split())
    assert "Paid in full on November 28, 2026" in after
    assert "Balance due" not in after and "How to pay" not in after
