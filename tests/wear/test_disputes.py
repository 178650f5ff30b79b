"""Disputes: the lessee objects to report items, operations decide each, the ledger and the refund follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from leases.billing import ach, holds, ledger
from leases.models import LedgerEntry, Lessee, Refund
from quotes import engine
from tests.factories import EXAMPLE_ODOMETER, TODAY, pay, pay_form
from tests.wear.helpers import decide, dispute, signed_in
from wear.models import WearDispute, WearDisputeItem
from wear.tasks import dispute_outcome_send, wear_emails_catch_up

pytestmark = pytest.mark.django_db


def engine_total(back, wear: str) -> Decimal:
    event = engine.TurnIn(date=back.lease.maturity_date, odometer=EXAMPLE_ODOMETER, wear_charges=Decimal(wear))
    return engine.compute_quote(back.lease.terms(), event).total


def test_a_dispute_holds_what_waiving_the_items_would_take_off_the_bill(billed):
    assert dispute(billed).status_code == 302
    opened = WearDispute.objects.get()
    assert opened.items.get().photos.count() == 1
    held = engine_total(billed, "1215.00") - engine_total(billed, "790.00")
    assert held == Decimal("451.56")  # the 425.00 crack and 6.25% tax on it
    assert holds.held(billed.lease) == held
    assert holds.payable(billed.lease) == ledger.balance(billed.lease) - held


def test_while_it_is_open_the_held_amount_cannot_be_paid_or_debited(billed, django_capture_on_commit_callbacks):
    balance = ledger.balance(billed.lease)
    pending = pay(billed.lease, billed.owner, "10.00")
    dispute(billed)
    client = signed_in(billed.owner)
    response = client.post(reverse("leases:pay", args=[billed.lease.public_id]), pay_form(amount=str(balance - 10)))
    assert response.status_code == 200 and "more than your balance" in response.content.decode()
    assert ach.ach_file_write(today=TODAY) is None  # the pending debit waits
    pending.refresh_from_db()
    assert pending.ach_file is None

    row = WearDisputeItem.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        decide(billed, row, "upheld", "The crack is in the inspector's photos and was not on the delivery record.")
    assert ach.ach_file_write(today=TODAY) is not None  # released: it goes out now
    pending.refresh_from_db()
    assert pending.ach_file is not None


def test_waiving_posts_opposite_entries_and_the_balance_matches_the_engine(billed, django_capture_on_commit_callbacks):
    dispute(billed)
    row = WearDisputeItem.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(billed, row, "waived").status_code == 302

    entries = list(LedgerEntry.objects.filter(lease=billed.lease, memo__startswith="Wear dispute").order_by("id"))
    assert [(e.kind, e.amount) for e in entries] == [("excess_wear", Decimal("-425.00")), ("taxes", Decimal("-26.56"))]
    expected = engine_total(billed, "790.00") - billed.bill.security_deposit
    assert ledger.balance(billed.lease) == engine.money(expected)
    assert holds.held(billed.lease) == Decimal("0.00")
    settled = WearDispute.objects.get()
    assert (settled.status, settled.wear_total_after, settled.credited) == (
        "resolved",
        Decimal("790.00"),
        Decimal("451.56"),
    )

    # The lessee is told once, with the reason; a retried task sends nothing more.
    assert len(mail.outbox) == 1 and "Our photos agree with yours." in mail.outbox[0].body
    dispute_outcome_send(settled.pk)
    assert len(mail.outbox) == 1

    bill_page = signed_in(billed.owner).get(reverse("leases:bill", args=[billed.lease.public_id])).content.decode()
    assert f"Wear dispute {settled.reference}: excess wear" in bill_page
    detail = signed_in(billed.co_lessee).get(reverse("wear:dispute", args=[billed.lease.public_id, settled.public_id]))
    assert "Charge waived" in detail.content.decode() and "Our photos agree with yours." in detail.content.decode()


def test_a_reduction_posts_the_difference(billed, django_capture_on_commit_callbacks):
    dispute(billed)
    with django_capture_on_commit_callbacks(execute=True):
        decide(billed, WearDisputeItem.objects.get(), "reduced", "A repair, not a new windshield.", amount="200.00")
    expected = engine_total(billed, "990.00") - billed.bill.security_deposit
    assert ledger.balance(billed.lease) == engine.money(expected)
    assert WearDisputeItem.objects.get().charge_after == Decimal("200.00")


@pytest.mark.parametrize(
    ("outcome", "amount", "resolution", "message"),
    [
        ("reduced", "425.00", "x", "less than the"),
        ("reduced", "", "x", "less than the"),
        ("waived", "", "", "Write the reason"),
    ],
)
def test_a_decision_that_does_not_add_up_is_refused_and_posts_nothing(billed, outcome, amount, resolution, message):
    dispute(billed)
    response = decide(billed, WearDisputeItem.objects.get(), outcome, resolution, amount)
    assert response.status_code == 200 and message in response.content.decode()
    assert WearDisputeItem.objects.get().outcome == ""
    assert not LedgerEntry.objects.filter(memo__startswith="Wear dispute").exists()


def test_a_paid_bill_whose_charge_is_waived_becomes_a_refund(billed, django_capture_on_commit_callbacks):
    pay(billed.lease, billed.owner, str(ledger.balance(billed.lease)))
    dispute(billed)
    with django_capture_on_commit_callbacks(execute=True):
        decide(billed, WearDisputeItem.objects.get(), "waived")
    refund = Refund.objects.get(lease=billed.lease)
    assert (refund.amount, refund.status) == (Decimal("451.56"), "pending")
    assert ledger.balance(billed.lease) == Decimal("-451.56")


def test_the_window_closes_after_the_objection_period(billed, settings):
    settings.PORTAL_TODAY = TODAY + dt.timedelta(days=31)
    response = dispute(billed)
    assert response.status_code == 400
    assert "ended on December 25, 2026" in response.content.decode()
    assert not WearDispute.objects.exists()


def test_new_hampshire_lessees_get_seven_days_and_are_told_of_the_counter_inspection(billed, settings):
    Lessee.objects.filter(parties__lease=billed.lease).update(state="NH")
    page = signed_in(billed.owner).get(reverse("wear:report", args=[billed.lease.public_id])).content.decode()
    assert "December 2, 2026" in page and "counter-inspection" in page
    settings.PORTAL_TODAY = TODAY + dt.timedelta(days=8)
    assert dispute(billed).status_code == 400


def test_an_item_is_disputed_once_and_a_reason_is_needed(billed):
    response = dispute(billed, reason="")
    assert response.status_code == 400 and "Tell us why" in response.content.decode()
    assert dispute(billed).status_code == 302
    page = signed_in(billed.owner).get(reverse("wear:dispute_new", args=[billed.lease.public_id])).content.decode()
    assert f"pick_{billed.crack.public_id.hex}" not in page


def test_another_customer_gets_404_on_the_dispute_pages(billed):
    dispute(billed)
    opened = WearDispute.objects.get()
    outsider = signed_in(billed.outsider)
    assert outsider.get(reverse("wear:dispute_new", args=[billed.lease.public_id])).status_code == 404
    assert outsider.get(reverse("wear:dispute", args=[billed.lease.public_id, opened.public_id])).status_code == 404
    photo = opened.items.get().photos.get()
    assert outsider.get(reverse("wear:photo", args=[photo.public_id])).status_code == 404
    assert signed_in(billed.owner).get(reverse("wear:photo", args=[photo.public_id])).status_code == 200


def test_the_queue_lists_open_disputes_oldest_first_with_the_days_waiting(billed, settings):
    dispute(billed)
    settings.PORTAL_TODAY = TODAY + dt.timedelta(days=3)
    page = signed_in(billed.staff).get(reverse("admin:wear_weardispute_changelist")).content.decode()
    assert WearDispute.objects.get().reference in page
    assert '<td class="field-waiting">3</td>' in page


def test_an_outcome_email_whose_task_was_lost_is_caught_up_once(billed, django_capture_on_commit_callbacks):
    dispute(billed)
    decide(billed, WearDisputeItem.objects.get(), "upheld", "The photos show a crack.")  # its task never runs
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert wear_emails_catch_up() == 1
    assert len(mail.outbox) == 1 and "Your balance is unchanged." in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert wear_emails_catch_up() == 0
    assert len(mail.outbox) == 1


def test_the_lease_page_says_a_dispute_is_open(billed):
    dispute(billed)
    page = signed_in(billed.owner).get(reverse("leases:detail", args=[billed.lease.public_id])).content.decode()
    assert "Your dispute is open" in page
    assert reverse("wear:report", args=[billed.lease.public_id]) in page


def test_the_report_and_the_dispute_outcome_are_notices_once_each(billed, django_capture_on_commit_callbacks):
    from portal.models import Notification

    def notices(kind: str) -> list[Notification]:
        return list(Notification.objects.filter(user=billed.owner, kind=kind))

    [ready] = notices("inspection_report_ready")
    assert ready.link == reverse("wear:report", args=[billed.lease.public_id])
    dispute(billed)
    row = WearDisputeItem.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        decide(billed, row, "waived")
    [outcome] = notices("dispute_outcome")
    settled = WearDispute.objects.get()
    assert outcome.link == reverse("wear:dispute", args=[billed.lease.public_id, settled.public_id])


def test_a_lessee_who_turned_outcome_emails_off_gets_only_the_notice(
    billed, mailoutbox, django_capture_on_commit_callbacks
):
    from portal import notify

    notify.preferences_set(user=billed.co_lessee, email_on=set())
    assert dispute(billed).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        decide(billed, WearDisputeItem.objects.get(), "waived", "The delivery photos show the crack.")
    assert [m.to for m in mailoutbox] == [["owner@example.com"]]
