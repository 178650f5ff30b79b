"""The calendar invitation for an appointment (RFC 5545/5546, via icalendar).

One UID per appointment for its whole life; SEQUENCE goes up on each move and on cancel, so a
calendar replaces the earlier invitation (METHOD:REQUEST) or removes it (METHOD:CANCEL).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings

from returnkit.turnin.models import Appointment


def appointment_uid(appointment: Appointment) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"turnin-{appointment.public_id}@{host}"


def appointment_ics(appointment: Appointment, *, stamp: dt.datetime, attendee_email: str = "") -> bytes:
    slot = appointment.slot
    dealer = slot.dealer
    cancelled = appointment.status == Appointment.Status.CANCELLED
    lessor = settings.LESSOR

    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{lessor['name']}//Lease end turn-in//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")

    event = icalendar.Event()
    event.add("uid", appointment_uid(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", slot.local_start)
    event.add("dtend", slot.local_end)
    event.add("summary", f"Vehicle turn-in at {dealer.name}")
    event.add("location", ", ".join([dealer.name, *dealer.address_lines]))
    event.add(
        "description",
        f"Turn in your {appointment.lease.vehicle} (account {appointment.lease.account_number}). "
        f"Bring every key and remote, the owner's manual and the other items on your lease page. "
        f"Dealer phone: {dealer.phone}. Questions: {lessor['customer_phone']}.",
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", f"mailto:{lessor['email']}", parameters={"cn": lessor["name"]})
    if attendee_email:
        event.add(
            "attendee",
            f"mailto:{attendee_email}",
            parameters={"role": "REQ-PARTICIPANT", "partstat": "ACCEPTED", "rsvp": "FALSE"},
        )
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
