"""Booking, moving and cancelling turn-in appointments.

Over-booking is prevented by the database, not by checks in Python alone:
- every write that fills a place takes ``SELECT ... FOR UPDATE`` on the slot row first, so
  writers for one slot queue up and each counts the active appointments after the previous one
  committed;
- a partial unique index (one ``booked`` appointment per lease) refuses a second active
  appointment even when two requests for one lease hit different slots at the same instant.
Locks are always taken appointment first, then slot, so two writers cannot wait on each other.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from leases.models import Lease
from portal.notify import Kind, link, notify
from portal.tasks import enqueue_on_commit
from quotes.engine import long_date
from returnkit.turnin import tasks
from returnkit.turnin.models import Appointment, TurnIn, TurnInSlot
from returnkit.turnin.slots import booking_window, in_window, is_ahead_of_cutoff

SLOT_TAKEN = "That time was just taken, please pick another."
SLOT_GONE = "That time is no longer available. Please pick another."
SLOT_PAST = "That time has already passed. Please pick a later one."
SLOT_TOO_SOON = (
    "That time is less than 24 hours away: times can be booked online from 24 hours ahead, so that "
    "you can still move or cancel them. For a sooner return, call the dealer or bring the vehicle "
    "in without an appointment."
)
ALREADY_BOOKED = (
    "You already have a turn-in appointment for this vehicle. You can move or cancel it from the vehicle's page."
)
NOT_ACTIVE = "This appointment has already been cancelled or completed."
JUST_CHANGED = (
    "This appointment just changed (it was moved a moment ago, perhaps from another window). "
    "Please check its new time below before changing it again."
)


class BookingRefused(Exception):
    """A booking, move or cancel that cannot happen, with a message the lessee can act on."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class SlotTaken(BookingRefused):
    def __init__(self) -> None:
        super().__init__(SLOT_TAKEN, code="taken")


def can_change(appointment: Appointment, now: dt.datetime) -> bool:
    """Whether the lessee may still move or cancel online (until 24 hours before)."""
    return appointment.is_active and is_ahead_of_cutoff(appointment.slot.starts_at, now)


class Chosen(enum.StrEnum):
    """What posting a time did: booked it, moved the appointment to it, or nothing (already there)."""

    BOOKED = "booked"
    MOVED = "moved"
    ALREADY_THERE = "already_there"


def appointment_choose(*, lease: Lease, slot_id: uuid.UUID, user, now: dt.datetime) -> tuple[Appointment, Chosen]:
    """The lessee picked ``slot_id``: book it, or move the lease's appointment there.

    The same time posted twice (a double-clicked form) changes nothing. Booking and moving take
    their own locks and re-check under them, so a cancel or move that lands in between is seen.
    """
    current = active_appointment(lease)
    if current is None:
        return appointment_book(lease=lease, slot_id=slot_id, user=user, now=now), Chosen.BOOKED
    if current.slot.public_id == slot_id:
        return current, Chosen.ALREADY_THERE
    return appointment_move(appointment=current, slot_id=slot_id, user=user, now=now), Chosen.MOVED


def appointment_book(*, lease: Lease, slot_id: uuid.UUID, user, now: dt.datetime) -> Appointment:
    """Book ``slot_id`` for ``lease``. Sending the same booking twice returns the first one."""
    with transaction.atomic():
        slot = _locked_slot(slot_id)
        _refuse_unless_bookable(lease, slot, now)
        current = Appointment.objects.active().filter(lease=lease).first()
        if current is not None:
            if current.slot_id == slot.pk:
                return current  # the same form sent twice
            raise BookingRefused(ALREADY_BOOKED, code="already_booked")
        _refuse_if_full(slot)
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(lease=lease, slot=slot, booked_by=user)
        except IntegrityError:
            # The same lease was booked into another slot between our check and this insert.
            current = Appointment.objects.active().filter(lease=lease).first()
            if current is not None and current.slot_id == slot.pk:
                return current
            raise BookingRefused(ALREADY_BOOKED, code="already_booked") from None
        appointment.slot = slot
        _send_invitation(appointment)
        notify(
            lease,
            Kind.APPOINTMENT_BOOKED,
            url=link("leases:detail", lease.public_id),
            key=f"{appointment.pk}:{appointment.sequence}",
        )
    return appointment


def appointment_move(*, appointment: Appointment, slot_id: uuid.UUID, user, now: dt.datetime) -> Appointment:
    """Move the appointment to another slot in one transaction; its calendar UID stays the same.

    ``appointment`` is the one the caller read: if it was moved since (two windows, two clicks),
    the move is refused with JUST_CHANGED rather than undoing the other move unseen.
    """
    seen = appointment
    with transaction.atomic():
        appointment = _locked_appointment(appointment.pk)
        if not appointment.is_active:
            raise BookingRefused(NOT_ACTIVE, code="not_active")
        slot = _locked_slot(slot_id)
        if slot.pk == appointment.slot_id:
            return appointment  # already there: a repeated submit
        if appointment.sequence != seen.sequence:  # moved by someone else since the caller read it
            raise BookingRefused(JUST_CHANGED, code="changed")
        _refuse_after_cutoff(appointment, now)
        _refuse_unless_bookable(appointment.lease, slot, now)
        _refuse_if_full(slot)
        appointment.slot = slot
        appointment.sequence += 1
        appointment.reminder_sent_at = None  # the new date gets its own reminder
        appointment.save(update_fields=["slot", "sequence", "reminder_sent_at", "updated_at"])
        _send_invitation(appointment)
        notify(
            appointment.lease,
            Kind.APPOINTMENT_MOVED,
            url=link("leases:detail", appointment.lease.public_id),
            key=f"{appointment.pk}:{appointment.sequence}",
        )
    return appointment


def appointment_cancel(*, appointment: Appointment, user, now: dt.datetime) -> Appointment:
    """Cancel before the cut-off. Cancelling twice is harmless."""
    with transaction.atomic():
        appointment = _locked_appointment(appointment.pk)
        if appointment.status == Appointment.Status.CANCELLED:
            return appointment
        if not appointment.is_active:
            raise BookingRefused(NOT_ACTIVE, code="not_active")
        _refuse_after_cutoff(appointment, now)
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = now
        appointment.sequence += 1
        appointment.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
        _send_invitation(appointment)
        notify(
            appointment.lease,
            Kind.APPOINTMENT_CANCELLED,
            url=link("leases:detail", appointment.lease.public_id),
            key=f"{appointment.pk}:{appointment.sequence}",
        )
    return appointment


def active_appointment(lease: Lease) -> Appointment | None:
    return Appointment.objects.active().filter(lease=lease).select_related("slot__dealer").first()


def appointment_day(lease: Lease) -> dt.date | None:
    """The local day of the lease's booked or completed turn-in appointment, for the timeline."""
    starts_at = (
        Appointment.objects.filter(lease=lease)
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by("-slot__starts_at")
        .values_list("slot__starts_at", flat=True)
        .first()
    )
    return timezone.localdate(starts_at) if starts_at else None


def appointment_day_from(lease: Lease, *, turnin: TurnIn | None, appointment: Appointment | None) -> dt.date | None:
    """``appointment_day`` from the rows a page read already: an appointment is completed only by
    the check-in that makes the TurnIn (which names it), and a lease has at most one booked; so
    only a walk-in check-in needs the query."""
    kept = turnin.appointment if turnin is not None and turnin.appointment_id else appointment
    if kept is not None:
        return timezone.localdate(kept.slot.starts_at)
    return appointment_day(lease) if turnin is not None else None


# --- the checks ---------------------------------------------------------------------------------
def _locked_slot(slot_id: uuid.UUID) -> TurnInSlot:
    try:
        return TurnInSlot.objects.select_for_update(of=("self",)).select_related("dealer").get(public_id=slot_id)
    except (TurnInSlot.DoesNotExist, ValueError):
        raise BookingRefused(SLOT_GONE, code="gone") from None


def _locked_appointment(pk: int) -> Appointment:
    """The appointment, its row locked, as committed once the lock is ours.

    The lock is taken on the row alone: locked through a join, PostgreSQL re-checks a row that
    changed while it waited against the slot row it had read before, so an appointment moved
    meanwhile would drop out of the result (DoesNotExist). Read again after the lock instead.
    """
    Appointment.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).get()
    return Appointment.objects.select_related("slot__dealer", "lease__vehicle__make").get(pk=pk)


def _refuse_unless_bookable(lease: Lease, slot: TurnInSlot, now: dt.datetime) -> None:
    if not lease.is_open:
        raise BookingRefused(
            f"{lease.status_sentence()} No turn-in can be booked.",
            code="lease_closed",
        )
    dealer = slot.dealer
    if not dealer.is_active or not dealer.makes.filter(pk=lease.vehicle.make_id).exists():
        raise BookingRefused(f"{dealer.name} does not take back this make of vehicle.", code="wrong_make")
    if slot.starts_at <= now:
        raise BookingRefused(SLOT_PAST, code="past")
    if not is_ahead_of_cutoff(slot.starts_at, now):
        raise BookingRefused(SLOT_TOO_SOON, code="too_soon")
    if not in_window(lease, slot):
        first, last = booking_window(lease)
        raise BookingRefused(
            f"Turn-ins for this lease can be booked from {long_date(first)} to {long_date(last)}.",
            code="window",
        )


def _refuse_if_full(slot: TurnInSlot) -> None:
    # We hold the slot's row lock: nobody else can add to this count until we commit.
    if slot.appointments.filter(status=Appointment.Status.BOOKED).count() >= slot.capacity:
        raise SlotTaken


def _refuse_after_cutoff(appointment: Appointment, now: dt.datetime) -> None:
    if not can_change(appointment, now):
        dealer = appointment.slot.dealer
        raise BookingRefused(
            "Your appointment is less than 24 hours away, so it can no longer be moved or cancelled "
            f"online. Please call {dealer.name} at {dealer.phone}.",
            code="cutoff",
        )


def _send_invitation(appointment: Appointment) -> None:
    enqueue_on_commit(tasks.send_appointment_email, appointment.pk, appointment.sequence)
