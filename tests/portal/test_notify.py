"""Every event a lessee cares about leaves one notice per lessee with an account, however often it
is retried; email follows each lessee's choices, except what must be sent."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from leases import extensions
from leases.billing import ach, ledger, payments, refunds
from leases.models import ExtensionRequest, Refund
from portal import notify
from portal.models import EmailOptOut, Notification
from quotes import engine
from quotes.services import extension_quote_request, quote_create
from returnkit.turnin.models import TurnInSlot
from returnkit.turnin.services import appointment_book, appointment_cancel, appointment_move
from tests.factories import EXAMPLE_START, NOW, TODAY, issue, make_lease, make_lessee, make_user, pay, return_and_sell

pytestmark = pytest.mark.django_db


def kinds(user) -> Counter:
    return Counter(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_each_event_in_the_world_notified_every_lessee_with_an_account_once(world):
    expected = {
        "quote_saved": 4,
        "extension_approved": 1,
        "appointment_booked": 1,
        "final_bill_issued": 2,  # the billed lease and the inspected one
        "inspection_report_ready": 1,
        "payment_received": 1,
        "vehicle_checked_in": 1,
        "new_message": 1,
    }
    assert kinds(world.users["co_lessee"]) == expected
    assert kinds(world.users["owner"]) == {**expected, "kit_120": 1}  # the world's kit notice, made by hand
    assert kinds(world.users["outsider"]) == {}


def test_each_notice_links_to_its_page(world):
    links = dict(Notification.objects.filter(user=world.users["co_lessee"]).values_list("kind", "link"))
    bills = set(
        Notification.objects.filter(user=world.users["co_lessee"], kind="final_bill_issued").values_list(
            "link", flat=True
        )
    )
    assert bills == {reverse("leases:bill", args=[lease.public_id]) for lease in (world.billed, world.inspected)}
    assert links["inspection_report_ready"] == reverse("wear:report", args=[world.inspected.public_id])
    assert links["payment_received"] == reverse(
        "leases:receipt", args=[world.billed.public_id, world.payment.public_id]
    )
    assert links["vehicle_checked_in"] == reverse("turnin:receipt", args=[world.returned.public_id])
    assert links["new_message"] == reverse("messaging:thread", args=[world.thread.public_id])
    assert links["appointment_booked"] == reverse("leases:detail", args=[world.lease.public_id])


def test_the_same_event_twice_is_one_notice(personas):
    for _ in range(2):
        notify.notify(personas.lease, notify.Kind.DISPUTE_OUTCOME, url="/x/", key="dispute-1")
        notify.notify(personas.owner, notify.Kind.INSPECTION_REPORT_READY, url="/y/", key=7)
    assert kinds(personas.owner) == {"dispute_outcome": 1, "inspection_report_ready": 1}
    assert kinds(personas.co_lessee) == {"dispute_outcome": 1}


def test_a_repeated_booking_or_cancel_adds_nothing_and_a_move_and_cancel_each_tell_once(world):
    owner, lease = world.users["owner"], world.lease
    same_slot = world.appointment.slot.public_id
    appointment_book(lease=lease, slot_id=same_slot, user=owner, now=NOW)  # the same form sent twice
    other = TurnInSlot.objects.get(dealer=world.dealer, starts_at__date=dt.date(2026, 12, 2))
    moved = appointment_move(appointment=world.appointment, slot_id=other.public_id, user=owner, now=NOW)
    appointment_move(appointment=moved, slot_id=other.public_id, user=owner, now=NOW)  # a repeated submit
    appointment_cancel(appointment=moved, user=owner, now=NOW)
    appointment_cancel(appointment=moved, user=owner, now=NOW)
    got = kinds(world.users["co_lessee"])
    assert (got["appointment_booked"], got["appointment_moved"], got["appointment_cancelled"]) == (1, 1, 1)


def test_an_extension_sent_for_review_then_decided_tells_each_step_once(personas):
    ledger.entry_post(lease=personas.lease, kind="past_due", amount=Decimal("452.74"), posted_on=TODAY)
    quote = quote_create(lease=personas.lease, user=personas.owner, event=engine.Extension(days=20), today=TODAY)
    asked = extension_quote_request(quote=quote, user=personas.owner, today=TODAY)
    extension_quote_request(quote=quote, user=personas.owner, today=TODAY)  # a double click
    assert asked.status == ExtensionRequest.Status.IN_REVIEW
    assert extensions.extension_decline(request=asked, user=None, today=TODAY) is True
    assert extensions.extension_decline(request=asked, user=None, today=TODAY) is False
    got = kinds(personas.co_lessee)
    assert (got["extension_in_review"], got["extension_declined"], got["extension_approved"]) == (1, 1, 0)


def test_an_extension_approved_after_review_tells_once(personas):
    ledger.entry_post(lease=personas.lease, kind="past_due", amount=Decimal("452.74"), posted_on=TODAY)
    quote = quote_create(lease=personas.lease, user=personas.owner, event=engine.Extension(days=20), today=TODAY)
    asked = extension_quote_request(quote=quote, user=personas.owner, today=TODAY)
    assert extensions.extension_approve(request=asked, user=None, today=TODAY) is True
    assert extensions.extension_approve(request=asked, user=None, today=TODAY) is False
    assert kinds(personas.owner)["extension_approved"] == 1


def test_payment_received_settled_and_returned_each_tell_once(billed_world):
    lease, owner = billed_world
    key = uuid.uuid4()
    payment = pay(lease, owner, "1223.13", key=key)
    pay(lease, owner, "1223.13", key=key)  # the same payment sent again
    ach.ach_file_write(today=TODAY)
    payment.refresh_from_db()
    assert payments.payment_settle(payment=payment, today=TODAY) is True
    assert payments.payment_settle(payment=payment, today=TODAY) is False
    assert payments.payment_return(payment=payment, code="R01", today=TODAY) is True
    assert payments.payment_return(payment=payment, code="R01", today=TODAY) is False
    got = kinds(owner)
    assert (got["payment_received"], got["payment_settled"], got["payment_returned"]) == (1, 1, 1)


def test_a_refund_tells_once(staff):
    user = make_user("refund@example.com")
    lease = make_lease(make_lessee(user), start=EXAMPLE_START, security_deposit=Decimal("2000.00"))
    return_and_sell(lease)
    issue(lease)
    refund = Refund.objects.get(lease=lease)
    assert refunds.refund_issue(refund=refund, user=staff, today=TODAY, check_number="1001") is True
    assert refunds.refund_issue(refund=refund, user=staff, today=TODAY, check_number="1001") is False
    assert kinds(user)["refund_issued"] == 1


@pytest.fixture
def billed_world(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    lease = make_lease(make_lessee(personas.owner), start=EXAMPLE_START)
    return_and_sell(lease)
    issue(lease)
    return lease, personas.owner


# --- email choices -------------------------------------------------------------------------------


def test_a_lessee_who_turned_an_email_off_is_left_out_and_the_other_still_gets_it(personas):
    notify.preferences_set(user=personas.co_lessee, email_on=set())
    assert notify.email_addresses(personas.lease, notify.Kind.APPOINTMENT_BOOKED) == ["owner@example.com"]
    assert notify.email_addresses(personas.lease, "followup_30") == ["owner@example.com"]  # one switch for all three


def test_required_emails_go_to_everyone_whatever_they_chose(personas):
    notify.preferences_set(user=personas.co_lessee, email_on=set())
    for kind in ("final_bill_issued", "refund_issued", "vehicle_checked_in", "payment_received"):
        assert notify.is_required(kind)
        assert sorted(notify.email_addresses(personas.lease, kind)) == ["co@example.com", "owner@example.com"]
    assert not EmailOptOut.objects.filter(kind__in=["final_bill_issued", "refund_issued"]).exists()


def test_the_preferences_page_saves_the_switches_and_offers_no_required_one(client, personas):
    client.force_login(personas.owner)
    page = client.get(reverse("notification_preferences"))
    offered = {value for value, _ in page.context["form"].fields["email_on"].choices}
    assert "new_message" in offered and "final_bill_issued" not in offered and "vehicle_checked_in" not in offered
    assert "Final bill issued" in page.content.decode()  # listed as always sent
    response = client.post(reverse("notification_preferences"), {"email_on": ["new_message", "final_bill_issued"]})
    assert response.status_code == 400  # a required kind is not a choice: nothing saved
    assert not EmailOptOut.objects.exists()
    client.post(reverse("notification_preferences"), {"email_on": sorted(offered - {"quote_saved"})})
    assert list(EmailOptOut.objects.filter(user=personas.owner).values_list("kind", flat=True)) == ["quote_saved"]
    assert not notify.wants_email(personas.owner, "quote_saved") and notify.wants_email(personas.owner, "new_message")


def test_the_appointment_email_honours_the_choice(world, django_capture_on_commit_callbacks):
    notify.preferences_set(user=world.users["co_lessee"], email_on=set())
    other = TurnInSlot.objects.get(dealer=world.dealer, starts_at__date=dt.date(2026, 12, 2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appointment_move(appointment=world.appointment, slot_id=other.public_id, user=world.users["owner"], now=NOW)
    [email] = mail.outbox
    assert email.to == ["owner@example.com"]


def test_a_reminder_skips_a_lessee_who_turned_reminders_off_and_offers_a_message(settings):
    from returnkit.reminders import send_chunk
    from tests.factories import lease_ending_in

    settings.SITE_URL = "https://lease-end.example.com"
    owner, co = make_user("pat@example.com"), make_user("robin@example.com")
    lease = lease_ending_in(20, lessee=make_lessee(owner), co_lessee=make_lessee(co))
    notify.preferences_set(user=co, email_on={"kit_120"})  # the 60/30/7-day reminders off
    result = send_chunk([lease.pk], "followup_30", TODAY)
    [email] = mail.outbox
    assert (result.sent, email.to) == (1, ["pat@example.com"])
    assert f"https://lease-end.example.com/messages/new/?lease={lease.public_id}" in email.body
    assert kinds(co) == {"followup_30": 1}  # the notice still shows in the portal


def test_a_notice_is_kept_in_english_and_shown_in_the_readers_language(personas, client):
    with translation.override("es"):  # an event a Spanish reader's click set off
        notify.notify(personas.owner, notify.Kind.DISPUTE_OUTCOME, url="/x/", key="d-1")
    notify.notify(personas.owner, notify.Kind.REFUND_ISSUED, url="/y/", key="r-1", title="A title of its own")
    assert Notification.objects.get(kind="dispute_outcome").title == "We have decided on your dispute"
    client.force_login(personas.owner)
    english = client.get(reverse("returnkit:notifications")).content.decode()
    assert "We have decided on your dispute" in english and "A title of its own" in english
    client.cookies["django_language"] = "es"
    spanish = client.get(reverse("returnkit:notifications"), headers={"accept-language": "es"}).content.decode()
    assert "Tomamos una decisión sobre su disputa" in spanish and "A title of its own" in spanish
