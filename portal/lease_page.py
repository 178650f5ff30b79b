"""The lease page: the lease's own facts, then each app's part of the page (its panel).

This is where the apps meet, so it lives in the project package: no app imports another's views.
"""

import dataclasses
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from leases.billing import panel as billing_panel
from leases.selectors import lease_for_user, odometer_history
from leases.services import correction_refusal
from portal import clock
from portal.cache import page_data_keyed
from quotes import panels as quote_panels
from returnkit import panels as kit_panels
from returnkit.turnin import panels as turnin_panels
from returnkit.turnin.services import can_change
from wear import panels as wear_panels


@login_required
@require_safe
def lease_detail(request: HttpRequest, public_id) -> HttpResponse:
    today = clock.today()
    context, key = page_data_keyed(
        "lease", user_id=request.user.pk, part=public_id, compute=lambda: _page(request.user, public_id, today)
    )
    panel = context["turnin_panel"]
    if panel.appointment is not None:  # "until 24 hours before": the time of day, not only the day
        changeable = can_change(panel.appointment, clock.now())
        context = {**context, "turnin_panel": dataclasses.replace(panel, can_change=changeable)}
        key = key and f"{key}:{changeable}"
    return render(request, "portal/lease_page.html", {**context, "page_key": key})


def _page(user, public_id, today: dt.date) -> tuple[dict, set[str]]:
    """The lease page's data for ``user`` (a 404 unless it is their lease), and the lease it came from.
    Kept per user by ``page_data``: everything in it is read here, so the template loads nothing."""
    lease = lease_for_user(user, public_id)
    prefetch_related_objects([lease], "vehicle__equipment")  # read here and by turn-in's panel
    readings, latest = odometer_history(lease)
    driven = lease.miles_driven(latest.miles) if latest else None  # the latest reading, as My Vehicles
    context = {
        "lease": lease,
        "today": today,
        "readings": readings,
        "latest_reading": latest,
        "can_correct": correction_refusal(lease, latest) is None,
        "driven": driven,
        "days_left": lease.days_left(today),
        "days_past": -lease.days_left(today),
        "status_words": lease.status_phrase(today),
        "parties": lease.parties_primary_first(),
        "equipment": list(lease.vehicle.equipment.all()),
    }
    # Each app adds its own part of the page; billing's timeline shows the kit and turn-in dates.
    for panel in (quote_panels, kit_panels, turnin_panels, wear_panels):
        context.update(panel.lease_panel(lease, user=user, today=today))
    turnin = context["turnin_panel"].turnin
    # Once the car is back, the allowance stops at the day it came back.
    at_return = turnin is not None and not lease.is_open
    mileage_on = turnin.returned_on if at_return else today
    context.update(
        allowed_to_date=lease.miles_allowed_to(mileage_on),
        allowed_at_return=at_return,
        over_by=lease.miles_over(driven, mileage_on) if driven is not None else 0,
    )
    context.update(
        billing_panel.lease_panel(
            lease,
            user=user,
            today=today,
            kit_sent=context["return_kit"]["sent_on"],
            appointment_day=context["turnin_panel"].appointment_day,
            returned_on=turnin.returned_on if turnin else None,
        )
    )
    return context, {f"lease:{lease.pk}"}
