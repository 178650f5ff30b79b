"""An invitation or receipt whose task was never queued (a broker outage) still goes out, once."""

import datetime as dt

import pytest
from django.utils import timezone

from returnkit.turnin import tasks
from returnkit.turnin.models import Appointment, AppointmentEmail
from returnkit.turnin.services import appointment_book
from tests.factories import NOW

pytestmark = pytest.mark.django_db


def age(appointment: Appointment, minutes: int) -> None:
    Appointment.objects.filter(pk=appointment.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=minutes))


def catch_up(capture) -> int:
    with capture(execute=True):
        return tasks.turnin_emails_catch_up()


def test_a_booking_whose_invitation_was_never_queued_gets_it_once(
    personas, slot, mailoutbox, django_capture_on_commit_callbacks
):
    booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)  # publish lost
    assert mailoutbox == []
    age(booked, 30)

    assert catch_up(django_capture_on_commit_callbacks) == 1
    assert catch_up(django_capture_on_commit_callbacks) == 0
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Your turn-in is booked"]
    assert AppointmentEmail.objects.filter(appointment=booked, sequence=0).count() == 1


def test_a_booking_made_minutes_ago_is_left_to_its_own_task(
    personas, slot, mailoutbox, django_capture_on_commit_callbacks
):
    booked = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
    age(booked, 2)
    assert catch_up(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []
