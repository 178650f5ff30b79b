"""Invitations (.ics parsed back with icalendar), the day-before reminder, each sent exactly once."""

import datetime as dt

import icalendar
import pytest

from returnkit.turnin import tasks
from returnkit.turnin.ics import appointment_uid
from returnkit.turnin.models import AppointmentEmail
from returnkit.turnin.services import appointment_book, appointment_cancel, appointment_move
from tests.factories import NOW, make_slot

pytestmark = pytest.mark.django_db


def invitation(message) -> icalendar.Calendar:
    (part,) = [a for a in message.attachments if "calendar" in a.get_content_type()]
    assert part.get_param("method") in {"REQUEST", "CANCEL"}
    return icalendar.Calendar.from_ical(part.get_content())


def test_booking_move_and_cancel_send_updated_invitations(
    personas, slot, dealer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_move(
            appointment=booked, slot_id=make_slot(dealer, dt.date(2026, 12, 3), 14).public_id, user=None, now=NOW
        )
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked, user=None, now=NOW)

    assert [m.subject for m in mailoutbox] == [
        "Your turn-in is booked: Tue, Dec 1 at 10 a.m., Hudson Toyota",
        "Turn-in moved to Thu, Dec 3 at 2 p.m., Hudson Toyota",
        "Your turn-in appointment at Hudson Toyota is cancelled",
    ]
    assert set(mailoutbox[0].to) == {"owner@example.com", "co@example.com"}
    cals = [invitation(m) for m in mailoutbox]
    events = [c.walk("VEVENT")[0] for c in cals]
    assert [str(c["method"]) for c in cals] == ["REQUEST", "REQUEST", "CANCEL"]
    assert {str(e["uid"]) for e in events} == {appointment_uid(booked)}
    assert [int(e["sequence"]) for e in events] == [0, 1, 2]
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    start = events[1].decoded("dtstart")
    assert start == dt.datetime(2026, 12, 3, 14, 0, tzinfo=start.tzinfo)
    assert start.utcoffset() == dt.timedelta(hours=-5)
    assert events[1].decoded("dtend") - start == dt.timedelta(hours=1)
    assert str(events[0]["location"]) == "Hudson Toyota, 1 Dealer Way, New York, NY 10001"
    assert cals[0].walk("VTIMEZONE"), "a TZID needs its VTIMEZONE"


def test_an_invitation_task_run_twice_sends_once(personas, slot, mailoutbox):
    booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
    tasks.send_appointment_email(booked.pk, 0)
    tasks.send_appointment_email(booked.pk, 0)
    assert len(mailoutbox) == 1
    assert AppointmentEmail.objects.filter(appointment=booked).count() == 1


def test_an_invitation_that_fails_to_send_is_sent_by_the_retry_once(personas, slot, settings, mailoutbox):
    booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
    settings.MAILERS = {"default": {"BACKEND": "tests.returnkit.backends.Unreachable"}}
    with pytest.raises(ConnectionRefusedError):
        tasks.send_appointment_email(booked.pk, 0)
    assert not AppointmentEmail.objects.filter(appointment=booked).exists()  # the claim given back

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    tasks.send_appointment_email(booked.pk, 0)
    tasks.send_appointment_email(booked.pk, 0)
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Your turn-in is booked"]
    assert AppointmentEmail.objects.filter(appointment=booked, sequence=0).count() == 1


def test_a_stale_invitation_is_skipped_for_the_newer_one(personas, slot, mailoutbox):
    booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
    appointment_cancel(appointment=booked, user=None, now=NOW)
    tasks.send_appointment_email(booked.pk, 0)  # the booking email, arriving after the cancel
    assert mailoutbox == []


def test_the_reminder_goes_out_the_day_before_exactly_once(
    personas, dealer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    tomorrow = make_slot(dealer, dt.date(2026, 11, 26), 15)
    later = make_slot(dealer, dt.date(2026, 11, 27), 10)
    booked = appointment_book(lease=personas.lease, slot_id=tomorrow.public_id, user=None, now=NOW)
    appointment_book(lease=personas.other_lease, slot_id=later.public_id, user=None, now=NOW)

    for _ in range(2):  # beat, and someone running the sweep again by hand
        with django_capture_on_commit_callbacks(execute=True):
            tasks.appointment_reminders_sweep()

    assert [m.subject for m in mailoutbox] == ["Tomorrow: your turn-in at Hudson Toyota, 3 p.m."]
    assert "1 × Smart key" not in mailoutbox[0].body and "2 × Smart key" in mailoutbox[0].body
    booked.refresh_from_db()
    assert booked.reminder_sent_at == NOW


def test_a_reminder_that_fails_to_send_is_sent_by_the_retry_once(personas, dealer, settings, mailoutbox):
    tomorrow = make_slot(dealer, dt.date(2026, 11, 26), 15)
    booked = appointment_book(lease=personas.lease, slot_id=tomorrow.public_id, user=None, now=NOW)
    settings.MAILERS = {"default": {"BACKEND": "tests.returnkit.backends.Unreachable"}}
    with pytest.raises(ConnectionRefusedError):
        tasks.send_appointment_reminder(booked.pk)
    booked.refresh_from_db()
    assert booked.reminder_sent_at is None  # the claim given back

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    tasks.send_appointment_reminder(booked.pk)
    tasks.send_appointment_reminder(booked.pk)
    assert [m.subject for m in mailoutbox] == ["Tomorrow: your turn-in at Hudson Toyota, 3 p.m."]


def test_cancelled_appointments_get_no_reminder(personas, dealer, mailoutbox, django_capture_on_commit_callbacks):
    booked = appointment_book(
        lease=personas.lease, slot_id=make_slot(dealer, dt.date(2026, 11, 27), 10).public_id, user=None, now=NOW
    )
    appointment_cancel(appointment=booked, user=None, now=NOW)
    tasks.send_appointment_reminder(booked.pk)
    assert mailoutbox == []
