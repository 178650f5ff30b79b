"""What turn-in adds to the lease page: called by portal.lease_page.lease_detail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from leases.models import Dealer, Lease
from portal import clock
from returnkit.turnin.models import Appointment, TurnIn
from returnkit.turnin.services import active_appointment, appointment_day_from, can_change
from returnkit.turnin.slots import booking_window

MAPS_DIRECTIONS_URL = "https://www.google.com/maps/dir/"
ALWAYS_BRING = (_("Your lease agreement"), _("The owner's manual and maintenance guide"), _("Your driver's license"))


def directions_url(dealer: Dealer) -> str:
    """A maps link built from the street address text alone (no coordinates), for any phone."""
    return MAPS_DIRECTIONS_URL + "?" + urlencode({"api": "1", "destination": ", ".join(dealer.address_lines)})


@dataclass(frozen=True)
class TurnInPanel:
    appointment: Appointment | None
    turnin: TurnIn | None
    window_opens: dt.date
    window_closes: dt.date
    can_book: bool
    can_change: bool
    directions_url: str
    bring: list[str]
    appointment_day: dt.date | None  # for billing's timeline


def lease_panel(lease: Lease, *, user, today: dt.date) -> dict:
    turnin = TurnIn.objects.filter(lease=lease).select_related("appointment__slot").first()
    appointment = None if turnin else active_appointment(lease)
    opens, closes = booking_window(lease)
    bring: list[str] = []
    if appointment is not None:
        bring = [*map(str, ALWAYS_BRING), *(f"{item.quantity} × {item.name}" for item in lease.vehicle.equipment.all())]
    return {
        "turnin_panel": TurnInPanel(
            appointment=appointment,
            turnin=turnin,
            window_opens=opens,
            window_closes=closes,
            can_book=lease.is_open and appointment is None and today <= closes,
            can_change=appointment is not None and can_change(appointment, clock.now()),
            directions_url=directions_url(appointment.slot.dealer) if appointment else "",
            bring=bring,
            appointment_day=appointment_day_from(lease, turnin=turnin, appointment=appointment),
        )
    }
