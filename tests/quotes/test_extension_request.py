"""Asking for an extension from an extension quote: approved at once within the limit for an
account in good standing, sent for review when something is past due, refused past the limit;
operations approve or decline in the admin. The fee is billed once, at the end."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from leases import extensions
from leases.billing import ledger
from leases.models import ExtensionRequest, Lease, LedgerEntry
from quotes import engine
from quotes.models import Quote
from quotes.services import QuoteLapsed, extension_quote_request, quote_create
from returnkit.turnin.slots import booking_window
from tests.factories import TODAY, issue, make_lease, make_lessee, make_user, return_and_sell

pytestmark = pytest.mark.django_db

END = dt.date(2026, 12, 15)  # the factories' lease; the clock is pinned to 2026-11-25


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def extension_quote(lease: Lease, user, days: int, *, on: dt.date = TODAY) -> Quote:
    fresh = Lease.objects.get(pk=lease.pk)
    event = engine.Extension(days=days, days_already_granted=fresh.extended_days)
    return quote_create(lease=fresh, user=user, event=event, today=on)


def extend_url(quote: Quote) -> str:
    return reverse("quotes:extend", args=[quote.lease.public_id, quote.public_id])


def request_url(asked: ExtensionRequest) -> str:
    return reverse("quotes:extension", args=[asked.lease.public_id, asked.public_id])


def fresh(lease: Lease) -> Lease:
    return Lease.objects.get(pk=lease.pk)


class TestAskingFromTheQuotePage:
    def test_the_quote_page_shows_the_fee_up_front_and_offers_the_request(self, client, personas):
        quote = extension_quote(personas.lease, personas.owner, 30)
        client.force_login(personas.co_lessee)
        page = client.get(quote.get_absolute_url()).content.decode()
        assert "Request this extension" in page and extend_url(quote) in page
        assert "until <strong>January 14, 2027</strong>" in page
        assert "The fee is $14.88 a day: $446.40 for all 30 days." in page
        assert "Nothing is charged today." in page

    def test_within_the_limit_and_in_good_standing_it_is_approved_at_once(self, client, personas):
        quote = extension_quote(personas.lease, personas.owner, 30)
        client.force_login(personas.owner)
        response = client.post(extend_url(quote))

        asked = ExtensionRequest.objects.get()
        assert response.status_code == 302 and response["Location"] == request_url(asked)
        assert (asked.status, asked.days, asked.daily_fee, asked.fee) == (
            "approved",
            30,
            Decimal("14.88"),
            Decimal("446.40"),
        )
        assert (asked.quote_reference, asked.requested_by, asked.requested_on) == (
            quote.reference,
            personas.owner,
            TODAY,
        )
        assert asked.extended_to == dt.date(2027, 1, 14)
        lease = fresh(personas.lease)
        assert (lease.extended_days, lease.status) == (30, Lease.Status.EXTENDED)
        assert booking_window(lease)[1] == dt.date(2027, 1, 14)  # the turn-in window moves with it
        assert not LedgerEntry.objects.exists()  # the fee is billed at the end, for the days kept

        page = client.get(response["Location"]).content.decode()
        assert "Your extension is approved" in page and "until <strong>January 14, 2027</strong>" in page
        assert "$14.88 a day ($446.40 for all 30 days)" in page

    def test_asking_twice_from_one_quote_extends_once(self, client, personas):
        quote = extension_quote(personas.lease, personas.owner, 30)
        client.force_login(personas.owner)
        first, second = client.post(extend_url(quote)), client.post(extend_url(quote))
        assert first["Location"] == second["Location"]
        assert ExtensionRequest.objects.count() == 1
        assert fresh(personas.lease).extended_days == 30
        page = client.get(quote.get_absolute_url()).content.decode()
        assert "You asked for this extension on November 25, 2026: <strong>approved</strong>" in page
        assert "Request this extension</button>" not in page

    def test_a_second_extension_adds_its_days_to_the_first(self, client, personas):
        client.force_login(personas.owner)
        client.post(extend_url(extension_quote(personas.lease, personas.owner, 30)))
        client.post(extend_url(extension_quote(personas.lease, personas.owner, 60)))
        first, second = ExtensionRequest.objects.order_by("id")
        assert (first.extended_to, second.extended_to) == (dt.date(2027, 1, 14), dt.date(2027, 3, 15))
        lease = fresh(personas.lease)
        assert (lease.extended_days, lease.status) == (90, Lease.Status.EXTENDED)
        assert booking_window(lease)[1] == dt.date(2027, 3, 15)


class TestTheLimit:
    def test_past_the_limit_is_refused_with_a_clear_message_and_nothing_changes(self, client, personas):
        quote = extension_quote(personas.lease, personas.owner, 30)
        Lease.objects.filter(pk=personas.lease.pk).update(extended_days=170)  # granted since the quote
        client.force_login(personas.owner)
        response = client.post(extend_url(quote))
        page = response.content.decode()
        assert response.status_code == 400
        assert (
            "Your lease can be extended by 180 days at most (170 already granted): 30 more days would pass "
            "that limit. You can ask for up to 10 more days."
        ) in page
        assert not ExtensionRequest.objects.exists()
        assert (fresh(personas.lease).extended_days, fresh(personas.lease).status) == (170, Lease.Status.ACTIVE)

    def test_with_every_day_used_no_more_can_be_added(self, personas):
        quote = extension_quote(personas.lease, personas.owner, 30)
        Lease.objects.filter(pk=personas.lease.pk).update(extended_days=180)
        with pytest.raises(extensions.ExtensionRefused, match="so no more days can be added"):
            extension_quote_request(quote=quote, user=personas.owner, today=TODAY)

    def test_days_waiting_for_review_count_against_the_limit(self, personas):
        ledger.entry_post(lease=personas.lease, kind="past_due", amount=Decimal("452.74"), posted_on=TODAY)
        waiting = extension_quote_request(
            quote=extension_quote(personas.lease, personas.owner, 120), user=personas.owner, today=TODAY
        )
        assert waiting.status == ExtensionRequest.Status.IN_REVIEW
        with pytest.raises(extensions.ExtensionRefused, match=r"\(0 already granted, and 120 more are waiting"):
            extension_quote_request(
                quote=extension_quote(personas.lease, personas.owner, 90), user=personas.owner, today=TODAY
            )
        assert ExtensionRequest.objects.count() == 1


class TestReview:
    def test_a_past_due_account_is_sent_for_review_and_nothing_moves_yet(self, client, personas):
        ledger.entry_post(lease=personas.lease, kind="past_due", amount=Decimal("452.74"), posted_on=TODAY)
        quote = extension_quote(personas.lease, personas.owner, 30)
        client.force_login(personas.owner)
        response = client.post(extend_url(quote))
        asked = ExtensionRequest.objects.get()
        assert (asked.status, asked.review_reason) == ("in_review", "$452.74 past due on the account when asked")
        assert (asked.decided_on, asked.extended_to) == (None, None)
        lease = fresh(personas.lease)
        assert (lease.extended_days, lease.status) == (0, Lease.Status.ACTIVE)
        assert booking_window(lease)[1] == END
        page = client.get(response["Location"]).content.decode()
        assert "Your extension request is being reviewed" in page

    def test_operations_approve_it_in_the_admin(self, client, personas, staff):
        ledger.entry_post(lease=personas.lease, kind="past_due", amount=Decimal("452.74"), posted_on=TODAY)
        asked = extension_quote_request(
            quote=extension_quote(personas.lease, personas.owner, 30), user=personas.owner, today=TODAY
        )
        client.force_login(staff)
        changelist = reverse("admin:leases_extensionrequest_changelist")
        assert client.get(changelist).status_code == 200
        assert client.get(reverse("admin:leases_extensionrequest_change", args=[asked.pk])).status_code == 200
        client.post(changelist, {"action": "approve", "_selected_action": [asked.pk]})
        asked.refresh_from_db()
        assert (asked.status, asked.decided_by, asked.decided_on) == ("approved", staff, TODAY)
        assert asked.extended_to == dt.date(2027, 1, 14)
        lease = fresh(personas.lease)
        assert (lease.extended_days, lease.status) == (30, Lease.Status.EXTENDED)
        assert booking_window(lease)[1] == dt.date(2027, 1, 14)
        # Approving again changes nothing.
        client.post(changelist, {"action": "approve", "_selected_action": [asked.pk]})
        assert fresh(personas.lease).extended_days == 30

    def test_operations_decline_it_and_the_lessee_sees_the_note(self, client, personas, staff):
        ledger.entry_post(lease=personas.lease, kind="past_due", amount=Decimal("452.74"), posted_on=TODAY)
        asked = extension_quote_request(
            quote=extension_quote(personas.lease, personas.owner, 30), user=personas.owner, today=TODAY
        )
        client.force_login(staff)
        change = reverse("admin:leases_extensionrequest_change", args=[asked.pk])
        note = "Please bring the account up to date first."
        assert client.post(change, {"decision_note": note}).status_code == 302
        changelist = reverse("admin:leases_extensionrequest_changelist")
        client.post(changelist, {"action": "decline", "_selected_action": [asked.pk]})
        asked.refresh_from_db()
        assert (asked.status, asked.decided_by, asked.decision_note) == ("declined", staff, note)
        assert (fresh(personas.lease).extended_days, fresh(personas.lease).status) == (0, Lease.Status.ACTIVE)
        # A decided request cannot be approved after all.
        assert not extensions.extension_approve(request=asked, user=staff, today=TODAY)
        client.force_login(personas.co_lessee)
        page = client.get(request_url(asked)).content.decode()
        assert "Your extension request was declined" in page and note in page

    def test_a_request_for_a_vehicle_since_returned_cannot_be_approved(self, personas, staff):
        ledger.entry_post(lease=personas.lease, kind="past_due", amount=Decimal("452.74"), posted_on=TODAY)
        asked = extension_quote_request(
            quote=extension_quote(personas.lease, personas.owner, 30), user=personas.owner, today=TODAY
        )
        personas.lease.mark_returned()
        with pytest.raises(extensions.ExtensionRefused, match=r"has been returned\. Decline the request"):
            extensions.extension_approve(request=asked, user=staff, today=TODAY)
        assert ExtensionRequest.objects.get().status == "in_review"


class TestRefusals:
    def test_a_lapsed_quote_cannot_be_requested_and_nothing_changes(self, client, personas):
        quote = extension_quote(personas.lease, personas.owner, 30, on=dt.date(2026, 11, 10))
        client.force_login(personas.owner)
        response = client.post(extend_url(quote))
        page = response.content.decode()
        assert response.status_code == 400
        assert "This quote was good through November 20, 2026 and has lapsed" in page
        assert reverse("quotes:new", args=[personas.lease.public_id, "extension"]) in page
        with pytest.raises(QuoteLapsed):
            extension_quote_request(quote=quote, user=personas.owner, today=TODAY)
        assert not ExtensionRequest.objects.exists() and fresh(personas.lease).extended_days == 0

    def test_a_returned_vehicle_cannot_be_extended(self, client, personas):
        quote = extension_quote(personas.lease, personas.owner, 30)
        personas.lease.mark_returned()
        client.force_login(personas.owner)
        response = client.post(extend_url(quote))
        assert response.status_code == 400 and "It can no longer be extended" in response.content.decode()
        assert not ExtensionRequest.objects.exists()

    def test_only_an_extension_quote_can_be_requested(self, client, personas):
        buyout = quote_create(lease=personas.lease, user=personas.owner, event=engine.Buyout(date=TODAY), today=TODAY)
        client.force_login(personas.owner)
        assert client.post(extend_url(buyout)).status_code == 404


class TestWhoCanAsk:
    def test_outsider_gets_404_and_nothing_changes(self, client, personas):
        quote = extension_quote(personas.lease, personas.owner, 30)
        client.force_login(personas.outsider)
        assert client.post(extend_url(quote)).status_code == 404
        own_lease = reverse("quotes:extend", args=[personas.other_lease.public_id, quote.public_id])
        assert client.post(own_lease).status_code == 404
        assert not ExtensionRequest.objects.exists()
        client.force_login(personas.owner)
        asked = extension_quote_request(quote=quote, user=personas.owner, today=TODAY)
        client.force_login(personas.outsider)
        assert client.get(request_url(asked)).status_code == 404
        elsewhere = reverse("quotes:extension", args=[personas.other_lease.public_id, asked.public_id])
        assert client.get(elsewhere).status_code == 404

    def test_owner_and_co_lessee_see_the_request(self, client, personas):
        asked = extension_quote_request(
            quote=extension_quote(personas.lease, personas.owner, 30), user=personas.owner, today=TODAY
        )
        for user in (personas.owner, personas.co_lessee):
            client.force_login(user)
            assert client.get(request_url(asked)).status_code == 200

    def test_anonymous_is_sent_to_sign_in_and_a_get_asks_nothing(self, client, personas):
        quote = extension_quote(personas.lease, personas.owner, 30)
        for response in (client.get(extend_url(quote)), client.post(extend_url(quote))):
            assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        client.force_login(personas.owner)
        assert client.get(extend_url(quote)).status_code == 405
        assert not ExtensionRequest.objects.exists()


class TestLookingUpARequest:
    """leases.extensions answers the quote pages' questions about requests, scoped to one lease."""

    def test_request_for_quote_finds_the_request_made_from_that_quote_on_that_lease(self, personas):
        quote = extension_quote(personas.lease, personas.owner, 30)
        assert extensions.request_for_quote(personas.lease, quote.reference) is None
        asked = extension_quote_request(quote=quote, user=personas.owner, today=TODAY)
        assert extensions.request_for_quote(personas.lease, quote.reference) == asked
        assert extensions.request_for_quote(personas.other_lease, quote.reference) is None
        other = extension_quote(personas.lease, personas.owner, 10)
        assert extensions.request_for_quote(personas.lease, other.reference) is None

    def test_request_for_lease_finds_only_the_leases_own_request(self, personas):
        asked = extension_quote_request(
            quote=extension_quote(personas.lease, personas.owner, 30), user=personas.owner, today=TODAY
        )
        assert extensions.request_for_lease(personas.lease, asked.public_id) == asked
        assert extensions.request_for_lease(personas.lease, str(asked.public_id)) == asked
        with pytest.raises(ExtensionRequest.DoesNotExist):
            extensions.request_for_lease(personas.other_lease, asked.public_id)
        with pytest.raises(ExtensionRequest.DoesNotExist):
            extensions.request_for_lease(personas.lease, uuid.uuid4())


def test_the_final_bill_charges_the_extension_fee_once_for_the_days_kept():
    """Approval posts nothing; the final bill charges the days actually kept past the end date."""
    owner = make_user("kept@example.com")
    lease = make_lease(make_lessee(owner), start=dt.date(2023, 10, 15))  # ended 2026-10-15
    asked = extension_quote_request(quote=extension_quote(lease, owner, 60), user=owner, today=TODAY)
    assert asked.status == "approved" and fresh(lease).extended_days == 60
    assert not LedgerEntry.objects.filter(lease=lease).exists()
    bill = issue(return_and_sell(fresh(lease), returned_on=dt.date(2026, 11, 5), odometer=30_000))
    extension_line = next(line for line in bill.lines if line["code"] == "extension_fees")
    assert extension_line["amount"] == "312.48"  # 21 days × 14.88, not the 60 asked for
    fees = LedgerEntry.objects.filter(lease=lease, kind="extension_fees")
    assert list(fees.values_list("amount", flat=True)) == [Decimal("312.48")]
