"""Emails about appointments and returns. Each task takes ids and is safe to run twice: it claims
its email (portal.once.claimed) before sending and gives the claim back if sending fails."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from portal import clock, mail, notify, once
from portal.tasks import enqueue_on_commit
from returnkit.turnin.models import Appointment, AppointmentEmail, TurnIn

# The sweep looks this far either side of "tomorrow" in the site's zone, then keeps the
# appointments that are tomorrow in their dealer's own zone.
_ZONE_MARGIN = dt.timedelta(hours=12)


def _appointment(pk: int) -> Appointment | None:
    return Appointment.objects.select_related("slot__dealer", "lease__vehicle__make").filter(pk=pk).first()


def _lease_url(appointment_or_turnin) -> str:
    return settings.SITE_URL + reverse("leases:detail", args=[appointment_or_turnin.lease.public_id])


@shared_task
def send_appointment_email(appointment_id: int, sequence: int) -> None:
    """The confirmation, change or cancellation for one version of the appointment, once."""
    from returnkit.turnin import emails
    from returnkit.turnin.ics import appointment_ics

    appointment = _appointment(appointment_id)
    if appointment is None or appointment.sequence != sequence:
        return  # changed again since: the newer version sends its own email
    if appointment.status == Appointment.Status.COMPLETED:
        return
    if appointment.status == Appointment.Status.CANCELLED:
        kind, method = "cancelled", "CANCEL"
    else:
        kind, method = ("booked" if sequence == 0 else "moved"), "REQUEST"
    # The unique (appointment, sequence) row is the claim.
    with once.claimed([AppointmentEmail(appointment=appointment, sequence=sequence, kind=kind)]) as claim:
        if not claim:
            return
        recipients = notify.email_addresses(appointment.lease, f"appointment_{kind}")
        ics = appointment_ics(appointment, stamp=clock.now(), attendee_email=recipients[0] if recipients else "")
        mail.send(
            f"turnin/{kind}",
            {
                "appointment": appointment,
                "slot": appointment.slot,
                "dealer": appointment.slot.dealer,
                "lease": appointment.lease,
                "lease_url": _lease_url(appointment),
            },
            to=recipients,
            attachments=[emails.calendar_part(ics, method=method)],
        )


@shared_task
def appointment_reminders_sweep() -> int:
    """Daily: queue the day-before reminder for tomorrow's appointments. Safe to run twice."""
    tomorrow = clock.today() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    candidates = (
        Appointment.objects.active()
        .filter(
            reminder_sent_at__isnull=True,
            slot__starts_at__gte=start - _ZONE_MARGIN,
            slot__starts_at__lt=start + dt.timedelta(days=1) + _ZONE_MARGIN,
        )
        .select_related("slot__dealer")
    )
    queued = 0
    for appointment in candidates:
        if appointment.slot.local_start.date() == tomorrow:
            enqueue_on_commit(send_appointment_reminder, appointment.pk)
            queued += 1
    return queued


@shared_task
def send_appointment_reminder(appointment_id: int) -> None:
    """The day-before reminder, once per appointment and date (a move empties ``reminder_sent_at``)."""
    booked = Appointment.objects.filter(pk=appointment_id, status=Appointment.Status.BOOKED)
    with once.claimed(booked, "reminder_sent_at") as claim:
        if not claim:
            return
        appointment = _appointment(appointment_id)
        mail.send(
            "turnin/reminder",
            {
                "appointment": appointment,
                "slot": appointment.slot,
                "dealer": appointment.slot.dealer,
                "lease": appointment.lease,
                "lease_url": _lease_url(appointment),
                "equipment": list(appointment.lease.vehicle.equipment.all()),
            },
            to=notify.email_addresses(appointment.lease, notify.Kind.APPOINTMENT_BOOKED),
        )


@shared_task
def send_return_receipt(turnin_id: int) -> None:
    """Email the Vehicle Return Receipt PDF once."""
    from returnkit.turnin.receipts import receipt_filename, receipt_pdf

    with once.claimed(TurnIn.objects.filter(pk=turnin_id), "receipt_emailed_at") as claim:
        if not claim:
            return
        turnin = TurnIn.objects.select_related("lease").get(pk=turnin_id)
        mail.send(
            "turnin/receipt",
            {
                "turnin": turnin,
                "items": list(turnin.items.all()),
                "lease_url": _lease_url(turnin),
            },
            to=turnin.lease.email_addresses(),
            attachments=[(receipt_filename(turnin), receipt_pdf(turnin), "application/pdf")],
        )


@shared_task
def turnin_emails_catch_up() -> int:
    """Queue the invitations and receipts whose task never ran (the broker was down).

    An invitation is missing when no AppointmentEmail row exists for the appointment's current
    sequence; a receipt when ``receipt_emailed_at`` is empty. Both tasks claim before sending.
    """
    sent = AppointmentEmail.objects.filter(appointment=OuterRef("pk"), sequence=OuterRef("sequence"))
    return once.catch_up(
        (
            send_appointment_email,
            Appointment.objects.filter(**once.recent("updated_at"))
            .exclude(status=Appointment.Status.COMPLETED)
            .exclude(Exists(sent))
            .values_list("pk", "sequence"),
        ),
        (
            send_return_receipt,
            TurnIn.objects.filter(receipt_emailed_at__isnull=True, **once.recent("checked_in_at")).values_list("pk"),
        ),
    )
