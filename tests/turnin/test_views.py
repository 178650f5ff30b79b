"""Turn-in pages for each kind of visitor, past who-gets-which-status (tests/portal/test_access.py
walks every URL as every persona): what they see, what their posts change, redirects."""

import datetime as dt

import pytest
from django.urls import reverse

from returnkit.turnin.checkin import CheckIn, turnin_check_in
from returnkit.turnin.models import TurnIn
from returnkit.turnin.services import appointment_book
from tests.factories import NOW, make_dealer, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, dealer, other_dealer, dealer_user, other_dealer_user, slot):
    """The personas' lease booked at the dealer; the outsider's lease returned at the other dealer."""
    booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
    returned = turnin_check_in(
        dealer=other_dealer,
        lease=personas.other_lease,
        check_in=CheckIn(miles=30_000, odometer_status="actual", lessee_printed_name="O", dealer_rep_name="R"),
        user=other_dealer_user,
        now=NOW,
        today=dt.date(2026, 11, 25),
    )
    personas.booked, personas.returned = booked, returned
    return personas


def lessee_urls(lease, dealer) -> list[str]:
    pid = lease.public_id
    return [
        reverse("turnin:find", args=[pid]),
        reverse("turnin:times", args=[pid, dealer.code]),
        reverse("turnin:cancel", args=[pid]),
        reverse("turnin:ics", args=[pid]),
    ]


class TestLesseePages:
    def test_owner_and_co_lessee_get_every_page(self, client, world, dealer):
        for user in (world.owner, world.co_lessee):
            client.force_login(user)
            for url in lessee_urls(world.lease, dealer):
                assert client.get(url).status_code == 200, url

    def test_outsider_gets_404_on_every_page_of_my_lease(self, client, world, dealer, slot):
        client.force_login(world.outsider)
        for url in [*lessee_urls(world.lease, dealer), reverse("turnin:receipt", args=[world.lease.public_id])]:
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("turnin:cancel", args=[world.lease.public_id])).status_code == 404
        assert client.post(lessee_urls(world.lease, dealer)[1], {"slot": slot.public_id}).status_code == 404
        world.booked.refresh_from_db()
        assert world.booked.is_active

    def test_receipt_is_404_before_the_return_and_a_pdf_after(self, client, world):
        client.force_login(world.owner)
        assert client.get(reverse("turnin:receipt", args=[world.lease.public_id])).status_code == 404
        client.force_login(world.outsider)
        response = client.get(reverse("turnin:receipt", args=[world.other_lease.public_id]))
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")

    def test_a_returned_lease_sends_the_booking_pages_back_to_the_lease(self, client, world, other_dealer):
        client.force_login(world.outsider)
        for url in lessee_urls(world.other_lease, other_dealer)[:2]:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == reverse("leases:detail", args=[world.other_lease.public_id])

    def test_ics_download_is_the_current_invitation(self, client, world):
        client.force_login(world.owner)
        response = client.get(reverse("turnin:ics", args=[world.lease.public_id]))
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert b"METHOD:REQUEST" in response.content
        assert f"UID:turnin-{world.booked.public_id}@".encode() in response.content

    def test_a_dealer_of_another_make_or_unknown_code_is_404(self, client, world):
        make_dealer("brooklyn-honda", "11201", ("Honda",))
        client.force_login(world.owner)
        for code in ("brooklyn-honda", "no-such-dealer"):
            assert client.get(reverse("turnin:times", args=[world.lease.public_id, code])).status_code == 404

    def test_unknown_zip_gets_a_clear_message(self, client, world):
        client.force_login(world.owner)
        response = client.get(reverse("turnin:find", args=[world.lease.public_id]), {"zip_code": "00000"})
        assert response.status_code == 200
        assert "We couldn&#x27;t find ZIP code 00000." in response.content.decode()

    def test_search_lists_franchised_dealers_nearest_first_with_distance(self, client, world):
        client.force_login(world.owner)
        page = client.get(
            reverse("turnin:find", args=[world.lease.public_id]), {"zip_code": "10001", "radius": "10"}
        ).content.decode()
        assert "2 dealers within 10 miles of 10001" in page
        assert page.index("Hudson Toyota") < page.index("Harbor Motors")
        assert "0.0 miles" in page and "555-0199" in page


def dealer_urls(world) -> dict[str, str]:
    return {
        "day": reverse("turnin:dealer_day"),
        "walk_in": reverse("turnin:dealer_walk_in"),
        "check_in": reverse("turnin:dealer_check_in", args=[world.booked.public_id]),
        "walk_in_check_in": reverse("turnin:dealer_walk_in_check_in", args=[world.lease.public_id]),
        "record": reverse("turnin:dealer_turnin", args=[world.returned.public_id]),
        "receipt": reverse("turnin:dealer_receipt", args=[world.returned.public_id]),
    }


class TestDealerPages:
    def test_dealer_sees_their_pages_and_404s_for_the_other_dealers(self, client, world, dealer_user):
        urls = dealer_urls(world)
        client.force_login(dealer_user)
        assert client.get(urls["day"]).status_code == 200
        assert client.get(urls["walk_in"]).status_code == 200
        assert client.get(urls["check_in"]).status_code == 200
        # A walk-in for a lease booked here goes to its appointment.
        assert client.get(urls["walk_in_check_in"])["Location"] == urls["check_in"]
        for other in ("record", "receipt"):  # checked in at the other dealer
            assert client.get(urls[other]).status_code == 404, other

    def test_other_dealer_gets_404_for_this_dealers_appointment(self, client, world, other_dealer_user):
        urls = dealer_urls(world)
        client.force_login(other_dealer_user)
        assert client.get(urls["check_in"]).status_code == 404
        assert client.post(urls["check_in"], {"miles": 1}).status_code == 404
        assert client.get(urls["record"]).status_code == 200
        assert client.get(urls["receipt"]).status_code == 200
        # Any franchised dealer may take a walk-in, even one booked elsewhere.
        assert client.get(urls["walk_in_check_in"]).status_code == 200
        assert TurnIn.objects.count() == 1

    def test_another_days_view_is_reachable(self, client, world, dealer_user, dealer):
        make_slot(dealer, dt.date(2026, 11, 26), 9)
        client.force_login(dealer_user)
        page = client.get(reverse("turnin:dealer_day"), {"day": "2026-12-01"}).content.decode()
        assert "Turn-ins on Tuesday, December 1" in page
        assert world.lease.account_number in page

    @pytest.mark.parametrize(
        ("day", "reason"),
        [
            ("9999-12-31", "Pick a day between 2000-01-01 and 2099-12-31"),  # was an OverflowError
            ("0001-01-01", "Pick a day between 2000-01-01 and 2099-12-31"),
            ("not-a-date", "is not a date. Use the form YYYY-MM-DD"),
            ("2026-02-30", "is not a date"),
        ],
    )
    def test_a_day_out_of_range_or_garbage_is_a_400_with_the_reason(self, client, world, dealer_user, day, reason):
        client.force_login(dealer_user)
        response = client.get(reverse("turnin:dealer_day"), {"day": day})
        assert response.status_code == 400
        page = response.content.decode()
        assert reason in page and "Turn-ins on" in page  # today's page, with the reason above it
