"""Booking, moving and cancelling: the rules, through the services and through the pages."""

import datetime as dt

import pytest
from django.urls import reverse

from leases.models import Lease
from returnkit.turnin.models import Appointment
from returnkit.turnin.services import (
    SLOT_TAKEN,
    BookingRefused,
    Chosen,
    SlotTaken,
    appointment_book,
    appointment_cancel,
    appointment_choose,
    appointment_move,
    can_change,
)
from tests.factories import NOW, make_dealer, make_lease, make_lessee, make_slot, make_user

# A booking made two days before NOW, when a slot now less than 24 hours away was still far enough.
BEFORE = NOW - dt.timedelta(days=2)

pytestmark = pytest.mark.django_db


def times_url(lease, dealer) -> str:
    return reverse("turnin:times", args=[lease.public_id, dealer.code])


class TestBookingRules:
    def test_booking_creates_one_active_appointment(self, personas, slot):
        appointment = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
        assert appointment.status == Appointment.Status.BOOKED
        assert appointment.sequence == 0
        assert list(Appointment.objects.active().filter(lease=personas.lease)) == [appointment]

    def test_the_same_booking_sent_twice_returns_the_first(self, personas, slot):
        first = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
        again = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
        assert again.pk == first.pk
        assert Appointment.objects.count() == 1

    def test_a_second_appointment_for_the_same_lease_is_refused(self, personas, slot, dealer):
        appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
        later = make_slot(dealer, dt.date(2026, 12, 2), 11)
        with pytest.raises(BookingRefused, match="already have a turn-in appointment"):
            appointment_book(lease=personas.lease, slot_id=later.public_id, user=personas.co_lessee, now=NOW)

    def test_a_full_slot_says_the_time_was_just_taken(self, personas, dealer):
        full = make_slot(dealer, dt.date(2026, 12, 1), 14, capacity=1)
        appointment_book(lease=make_lease(), slot_id=full.public_id, user=None, now=NOW)
        with pytest.raises(SlotTaken) as refused:
            appointment_book(lease=personas.lease, slot_id=full.public_id, user=personas.owner, now=NOW)
        assert refused.value.message == SLOT_TAKEN == "That time was just taken, please pick another."

    def test_a_cancelled_appointment_frees_its_place(self, personas, dealer):
        only = make_slot(dealer, dt.date(2026, 12, 1), 15, capacity=1)
        other = appointment_book(lease=make_lease(), slot_id=only.public_id, user=None, now=NOW)
        appointment_cancel(appointment=other, user=None, now=NOW)
        mine = appointment_book(lease=personas.lease, slot_id=only.public_id, user=personas.owner, now=NOW)
        assert mine.is_active

    def test_slots_after_the_end_date_are_refused(self, personas, dealer):
        after_end = make_slot(dealer, dt.date(2026, 12, 16), 10)
        with pytest.raises(BookingRefused, match="can be booked from November 15, 2026 to December 15, 2026"):
            appointment_book(lease=personas.lease, slot_id=after_end.public_id, user=personas.owner, now=NOW)

    def test_slots_more_than_30_days_before_the_end_are_refused(self, dealer):
        lease = make_lease(start=dt.date(2024, 1, 20))  # ends January 20, 2027
        too_early = make_slot(dealer, dt.date(2026, 12, 20), 10)
        with pytest.raises(BookingRefused, match="from December 21, 2026 to January 20, 2027"):
            appointment_book(lease=lease, slot_id=too_early.public_id, user=None, now=NOW)
        first_day = make_slot(dealer, dt.date(2026, 12, 21), 10)
        assert appointment_book(lease=lease, slot_id=first_day.public_id, user=None, now=NOW).is_active

    def test_approved_extension_days_widen_the_window(self, personas, dealer):
        Lease.objects.filter(pk=personas.lease.pk).update(extended_days=30)
        personas.lease.refresh_from_db()
        extended = make_slot(dealer, dt.date(2027, 1, 12), 10)
        assert appointment_book(lease=personas.lease, slot_id=extended.public_id, user=None, now=NOW).is_active

    def test_a_time_already_past_is_refused(self, personas, dealer):
        earlier_today = make_slot(dealer, dt.date(2026, 11, 25), 8)
        with pytest.raises(BookingRefused, match="already passed"):
            appointment_book(lease=personas.lease, slot_id=earlier_today.public_id, user=None, now=NOW)

    def test_a_dealer_of_another_make_is_refused(self, personas):
        honda = make_dealer("brooklyn-honda", "11201", ("Honda",))
        slot = make_slot(honda, dt.date(2026, 12, 1), 10)
        with pytest.raises(BookingRefused, match="does not take back this make"):
            appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)

    def test_a_returned_lease_cannot_book(self, slot):
        lease = make_lease(status=Lease.Status.RETURNED)
        with pytest.raises(BookingRefused, match="The vehicle has been returned"):
            appointment_book(lease=lease, slot_id=slot.public_id, user=None, now=NOW)


class TestMoveAndCancel:
    def test_move_keeps_the_appointment_and_bumps_the_sequence(self, personas, slot, other_dealer):
        booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
        elsewhere = make_slot(other_dealer, dt.date(2026, 12, 3), 13)
        moved = appointment_move(appointment=booked, slot_id=elsewhere.public_id, user=personas.owner, now=NOW)
        assert (moved.pk, moved.public_id, moved.slot, moved.sequence) == (booked.pk, booked.public_id, elsewhere, 1)

    def test_moving_to_the_same_slot_twice_changes_nothing_more(self, personas, slot, dealer):
        booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
        later = make_slot(dealer, dt.date(2026, 12, 2), 10)
        appointment_move(appointment=booked, slot_id=later.public_id, user=None, now=NOW)
        again = appointment_move(appointment=booked, slot_id=later.public_id, user=None, now=NOW)
        assert again.sequence == 1

    def test_move_into_a_full_slot_leaves_the_appointment_where_it_was(self, personas, slot, dealer):
        booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
        full = make_slot(dealer, dt.date(2026, 12, 2), 9, capacity=1)
        appointment_book(lease=make_lease(), slot_id=full.public_id, user=None, now=NOW)
        with pytest.raises(SlotTaken):
            appointment_move(appointment=booked, slot_id=full.public_id, user=None, now=NOW)
        booked.refresh_from_db()
        assert (booked.slot, booked.sequence) == (slot, 0)

    def test_move_clears_a_sent_reminder_so_the_new_date_gets_one(self, personas, slot, dealer):
        booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
        Appointment.objects.filter(pk=booked.pk).update(reminder_sent_at=NOW)
        moved = appointment_move(
            appointment=booked, slot_id=make_slot(dealer, dt.date(2026, 12, 4)).public_id, user=None, now=NOW
        )
        moved.refresh_from_db()
        assert moved.reminder_sent_at is None

    def test_cancel_twice_is_harmless(self, personas, slot):
        booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
        appointment_cancel(appointment=booked, user=None, now=NOW)
        again = appointment_cancel(appointment=booked, user=None, now=NOW)
        assert (again.status, again.sequence) == (Appointment.Status.CANCELLED, 1)

    def test_within_24_hours_move_and_cancel_are_refused_with_the_dealer_phone(self, personas, dealer):
        tomorrow_morning = make_slot(dealer, dt.date(2026, 11, 26), 8)  # 23 hours ahead
        booked = appointment_book(lease=personas.lease, slot_id=tomorrow_morning.public_id, user=None, now=BEFORE)
        later = make_slot(dealer, dt.date(2026, 12, 2), 10)
        with pytest.raises(BookingRefused, match=r"less than 24 hours away.*555-0199"):
            appointment_move(appointment=booked, slot_id=later.public_id, user=None, now=NOW)
        with pytest.raises(BookingRefused, match="less than 24 hours away"):
            appointment_cancel(appointment=booked, user=None, now=NOW)
        booked.refresh_from_db()
        assert booked.is_active and booked.slot == tomorrow_morning

    def test_exactly_24_hours_ahead_can_still_be_cancelled(self, personas, dealer):
        day_ahead = make_slot(dealer, dt.date(2026, 11, 26), 9)
        booked = appointment_book(lease=personas.lease, slot_id=day_ahead.public_id, user=None, now=NOW)
        assert appointment_cancel(appointment=booked, user=None, now=NOW).status == Appointment.Status.CANCELLED


class TestChoosingATime:
    """appointment_choose: what posting a time on the times page does, decided in one place."""

    def test_book_then_the_same_time_again_then_another_time(
        self, personas, slot, dealer, mailoutbox, django_capture_on_commit_callbacks
    ):
        def choose(slot_id):
            with django_capture_on_commit_callbacks(execute=True):
                return appointment_choose(lease=personas.lease, slot_id=slot_id, user=personas.owner, now=NOW)

        booked, chosen = choose(slot.public_id)
        assert chosen is Chosen.BOOKED
        assert (booked.slot, booked.sequence, booked.booked_by) == (slot, 0, personas.owner)

        again, chosen = choose(slot.public_id)
        assert chosen is Chosen.ALREADY_THERE
        assert (again.pk, again.slot, again.sequence) == (booked.pk, slot, 0)

        later = make_slot(dealer, dt.date(2026, 12, 2), 14)
        moved, chosen = choose(later.public_id)
        assert chosen is Chosen.MOVED
        assert (moved.pk, moved.slot, moved.sequence) == (booked.pk, later, 1)

        assert Appointment.objects.filter(lease=personas.lease).count() == 1
        assert len(mailoutbox) == 2  # the booking and the move; the repeat sends nothing

    def test_a_refused_move_leaves_the_appointment_where_it_was(self, personas, slot, dealer):
        appointment_choose(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
        full = make_slot(dealer, dt.date(2026, 12, 2), 9, capacity=1)
        appointment_book(lease=make_lease(), slot_id=full.public_id, user=None, now=NOW)
        with pytest.raises(SlotTaken):
            appointment_choose(lease=personas.lease, slot_id=full.public_id, user=None, now=NOW)
        appointment = Appointment.objects.get(lease=personas.lease)
        assert (appointment.slot, appointment.sequence) == (slot, 0)

    def test_after_a_cancel_choosing_books_a_new_appointment(self, personas, slot):
        first, _ = appointment_choose(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
        appointment_cancel(appointment=first, user=None, now=NOW)
        second, chosen = appointment_choose(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
        assert chosen is Chosen.BOOKED and second.pk != first.pk and second.is_active


class TestBookingPages:
    def test_owner_books_moves_and_cancels_through_the_pages(self, client, personas, slot, dealer):
        client.force_login(personas.owner)
        response = client.post(times_url(personas.lease, dealer), {"slot": slot.public_id})
        assert response.status_code == 302
        assert response["Location"] == reverse("leases:detail", args=[personas.lease.public_id])
        page = client.get(response["Location"]).content.decode()
        assert "Booked: Tuesday, December 1 at 10 a.m. at Hudson Toyota." in page
        assert "Change the time" in page and "Cancel the appointment" in page
        assert "2 × Smart key" in page

        later = make_slot(dealer, dt.date(2026, 12, 2), 14)
        response = client.post(times_url(personas.lease, dealer), {"slot": later.public_id})
        assert response.status_code == 302
        appointment = Appointment.objects.get(lease=personas.lease)
        assert (appointment.slot, appointment.sequence) == (later, 1)

        response = client.post(reverse("turnin:cancel", args=[personas.lease.public_id]))
        assert response.status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.CANCELLED
        # A second click on "Yes, cancel it" lands back on the lease page with a note.
        again = client.post(reverse("turnin:cancel", args=[personas.lease.public_id]), follow=True)
        assert "There is no turn-in appointment to cancel" in again.content.decode()

    def test_a_double_submitted_booking_makes_one_appointment(self, client, personas, slot, dealer):
        client.force_login(personas.owner)
        assert client.post(times_url(personas.lease, dealer), {"slot": slot.public_id}).status_code == 302
        again = client.post(times_url(personas.lease, dealer), {"slot": slot.public_id}, follow=True)
        assert "You&#x27;re booked for Tuesday, December 1 at 10 a.m. at Hudson Toyota." in again.content.decode()
        appointment = Appointment.objects.get(lease=personas.lease)
        assert appointment.sequence == 0

    def test_taken_slot_shows_the_message_and_the_other_times(self, client, personas, dealer):
        full = make_slot(dealer, dt.date(2026, 12, 1), 9, capacity=1)
        free = make_slot(dealer, dt.date(2026, 12, 1), 11)
        appointment_book(lease=make_lease(), slot_id=full.public_id, user=None, now=NOW)
        client.force_login(personas.owner)
        response = client.post(times_url(personas.lease, dealer), {"slot": full.public_id, "day": "2026-12-01"})
        assert response.status_code == 409
        page = response.content.decode()
        assert "That time was just taken, please pick another." in page
        assert str(free.public_id) in page and str(full.public_id) not in page

    def test_posting_without_a_time_asks_for_one(self, client, personas, dealer, slot):
        client.force_login(personas.owner)
        response = client.post(times_url(personas.lease, dealer), {})
        assert response.status_code == 400
        assert "Pick a time first." in response.content.decode()

    def test_times_page_lists_only_open_times_in_the_window(self, client, personas, dealer):
        inside = make_slot(dealer, dt.date(2026, 12, 1), 10)
        past = make_slot(dealer, dt.date(2026, 11, 25), 8)
        after_end = make_slot(dealer, dt.date(2026, 12, 16), 10)
        closed = make_slot(dealer, dt.date(2026, 12, 1), 12, capacity=0)
        client.force_login(personas.owner)
        page = client.get(times_url(personas.lease, dealer), {"day": "2026-12-01"}).content.decode()
        assert str(inside.public_id) in page
        for hidden in (past, after_end, closed):
            assert str(hidden.public_id) not in page

    def test_cut_off_is_explained_on_the_lease_page(self, client, personas, dealer):
        soon = make_slot(dealer, dt.date(2026, 11, 26), 8)
        appointment_book(lease=personas.lease, slot_id=soon.public_id, user=None, now=BEFORE)
        client.force_login(personas.owner)
        page = client.get(reverse("leases:detail", args=[personas.lease.public_id])).content.decode()
        assert "less than 24 hours away, so it can't be changed online" in page
        assert "Cancel the appointment" not in page
        response = client.post(reverse("turnin:cancel", args=[personas.lease.public_id]))
        assert response.status_code == 409
        assert "can no longer be moved or cancelled online" in response.content.decode()

    def test_lease_page_offers_booking_with_the_window(self, client, personas):
        client.force_login(personas.owner)
        page = client.get(reverse("leases:detail", args=[personas.lease.public_id])).content.decode()
        assert "Schedule a turn-in" in page
        assert "November 15 to December 15, 2026" in page

    def test_directions_link_is_built_from_the_address_text(self, client, personas, slot):
        appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
        client.force_login(personas.owner)
        page = client.get(reverse("leases:detail", args=[personas.lease.public_id])).content.decode()
        assert "https://www.google.com/maps/dir/?api=1&amp;destination=1+Dealer+Way%2C+New+York%2C+NY+10001" in page

    def test_lessees_of_other_users_cannot_book_on_my_lease(self, client, personas, slot, dealer):
        client.force_login(personas.outsider)
        assert client.post(times_url(personas.lease, dealer), {"slot": slot.public_id}).status_code == 404
        assert not Appointment.objects.exists()


def test_the_lessees_own_billing_zip_is_the_default_search(client, db):
    user = make_user()
    lease = make_lease(make_lessee(user, zip_code="07030"))
    make_dealer("harbor-motors", "07030", ("Toyota",), name="Harbor Motors")
    client.force_login(user)
    page = client.get(reverse("turnin:find", args=[lease.public_id])).content.decode()
    assert 'value="07030"' in page
    assert "Harbor Motors" in page


def test_the_times_page_does_not_query_per_slot(client, personas, dealer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.owner)
    url = times_url(personas.lease, dealer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    make_slot(dealer, dt.date(2026, 12, 1), 9)
    queries()  # the first page keeps the header's counts and help links in the cache
    one = queries()
    for day in range(2, 12):
        for hour in (9, 10, 11):
            make_slot(dealer, dt.date(2026, 12, day), hour)
    assert queries() == one


class TestSameDayRule:
    """Issue 17: at 8:44 a.m. a lessee could book 9 a.m. the same day, and the appointment was at
    once locked ("less than 24 hours away"). Only times at least 24 hours ahead are offered."""

    def test_times_less_than_24_hours_ahead_are_not_offered_and_the_rule_is_said(self, client, personas, dealer):
        make_slot(dealer, dt.date(2026, 11, 25), 14)  # today, 5 hours ahead
        make_slot(dealer, dt.date(2026, 11, 26), 8)  # 23 hours ahead
        make_slot(dealer, dt.date(2026, 11, 26), 9)  # exactly 24 hours ahead
        client.force_login(personas.owner)
        html = client.get(reverse("turnin:times", args=[personas.lease.public_id, dealer.code])).content.decode()
        assert "Times on Thursday, November 26" in html
        assert ">8 a.m.<" not in html and "Wed Nov 25" not in html
        assert ">9 a.m.<" in html
        assert "Times start 24 hours from now" in html

    def test_booking_a_time_less_than_24_hours_ahead_is_refused_and_nothing_is_booked(self, personas, dealer):
        soon = make_slot(dealer, dt.date(2026, 11, 26), 8)
        with pytest.raises(BookingRefused, match="less than 24 hours away"):
            appointment_book(lease=personas.lease, slot_id=soon.public_id, user=None, now=NOW)
        assert not Appointment.objects.exists()

    def test_a_time_just_booked_can_always_be_moved_or_cancelled(self, personas, dealer):
        day_ahead = make_slot(dealer, dt.date(2026, 11, 26), 9)
        booked = appointment_book(lease=personas.lease, slot_id=day_ahead.public_id, user=None, now=NOW)
        assert can_change(booked, NOW)
