"""Lessee pages: find a dealer, pick a time (book or move), cancel, calendar file, return receipt."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import dateformat
from django.views.decorators.http import require_GET, require_http_methods

from leases.models import Dealer, Lease
from leases.selectors import lease_for_user
from portal import clock
from returnkit.turnin.forms import DealerSearchForm, SlotForm
from returnkit.turnin.ics import appointment_ics
from returnkit.turnin.models import Appointment, TurnIn, TurnInSlot
from returnkit.turnin.panels import directions_url
from returnkit.turnin.receipts import RECEIPT_PDF
from returnkit.turnin.search import DEFAULT_RADIUS, dealers_near
from returnkit.turnin.services import (
    BookingRefused,
    Chosen,
    active_appointment,
    appointment_cancel,
    appointment_choose,
    can_change,
)
from returnkit.turnin.slots import booking_window, open_slots


def _when(slot: TurnInSlot) -> str:
    return dateformat.format(slot.wall_start, r"l, F j \a\t P")


def _back_to_lease(lease: Lease) -> HttpResponse:
    return redirect("leases:detail", public_id=lease.public_id)


def _billing_zip(lease: Lease, user) -> str:
    parties = lease.parties_primary_first()
    mine = [p.lessee for p in parties if p.lessee.user_id == user.pk]
    lessee = (mine or [p.lessee for p in parties])[0] if parties else None
    return lessee.zip5 if lessee else ""


def _closed(request: HttpRequest, lease: Lease) -> HttpResponse:
    messages.info(request, f"{lease.status_sentence()} There is no turn-in to book.")
    return _back_to_lease(lease)


@login_required
@require_GET
def find_dealer(request: HttpRequest, public_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    if not lease.is_open:
        return _closed(request, lease)
    if "zip_code" in request.GET:
        data = request.GET
    else:
        data = {"zip_code": _billing_zip(lease, request.user), "radius": DEFAULT_RADIUS}
    form = DealerSearchForm(data)
    matches = None
    if form.is_valid():
        matches = dealers_near(origin=form.origin, radius_miles=form.cleaned_data["radius"], make=lease.vehicle.make_id)
    opens, closes = booking_window(lease)
    return render(
        request,
        "turnin/find_dealer.html",
        {
            "lease": lease,
            "form": form,
            "matches": matches,
            "appointment": active_appointment(lease),
            "window_opens": opens,
            "window_closes": closes,
            "window_closed": clock.today() > closes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def choose_time(request: HttpRequest, public_id, dealer_code: str) -> HttpResponse:
    """Times at one dealer. Posting books one, or moves the existing appointment to it."""
    lease = lease_for_user(request.user, public_id)
    if not lease.is_open:
        return _closed(request, lease)
    dealer = get_object_or_404(Dealer.objects.active().franchised_for(lease.vehicle.make_id), code=dealer_code)
    now = clock.now()
    if request.method != "POST":
        return _times_page(request, lease, dealer, SlotForm(), now=now)
    form = SlotForm(request.POST)
    if not form.is_valid():
        return _times_page(request, lease, dealer, form, now=now, status=400)
    try:
        appointment, chosen = appointment_choose(
            lease=lease, slot_id=form.cleaned_data["slot"], user=request.user, now=now
        )
    except BookingRefused as refused:
        form.add_error(None, refused.message)
        return _times_page(request, lease, dealer, form, now=now, status=409)
    _say_chosen(request, appointment, chosen)
    return _back_to_lease(lease)


def _say_chosen(request: HttpRequest, appointment: Appointment, chosen: Chosen) -> None:
    where = f"{_when(appointment.slot)} at {appointment.slot.dealer.name}"
    if chosen is Chosen.BOOKED:
        messages.success(request, f"Booked: {where}. We've emailed the details.")
    elif chosen is Chosen.MOVED:
        messages.success(request, f"Moved: your turn-in is now {where}.")
    else:  # the booking form sent twice
        messages.info(request, f"You're booked for {where}.")


def _times_page(
    request: HttpRequest, lease: Lease, dealer: Dealer, form: SlotForm, *, now: dt.datetime, status: int = 200
) -> HttpResponse:
    """The open times at ``dealer``, one day shown, with the lessee's appointment if there is one."""
    appointment = active_appointment(lease)
    slots = open_slots(lease=lease, dealer=dealer, now=now)
    days = [(day, list(group)) for day, group in itertools.groupby(slots, key=lambda s: s.local_start.date())]
    wanted = request.POST.get("day") or request.GET.get("day")
    selected = next((d for d in days if d[0].isoformat() == wanted), days[0] if days else None)
    opens, closes = booking_window(lease)
    return render(
        request,
        "turnin/choose_time.html",
        {
            "lease": lease,
            "dealer": dealer,
            "directions_url": directions_url(dealer),
            "appointment": appointment,
            "can_change": appointment is None or can_change(appointment, now),
            "form": form,
            "days": days,
            "selected": selected,
            "window_opens": opens,
            "window_closes": closes,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, public_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    appointment = active_appointment(lease)
    if appointment is None:
        messages.info(request, "There is no turn-in appointment to cancel for this vehicle.")
        return _back_to_lease(lease)
    error = None
    if request.method == "POST":
        try:
            appointment_cancel(appointment=appointment, user=request.user, now=clock.now())
        except BookingRefused as refused:
            error = refused.message
        else:
            messages.success(request, "Your turn-in appointment is cancelled. We've emailed a calendar update.")
            return _back_to_lease(lease)
    return render(
        request,
        "turnin/cancel.html",
        {
            "lease": lease,
            "appointment": appointment,
            "error": error,
            "can_change": can_change(appointment, clock.now()),
        },
        status=409 if error else 200,
    )


@login_required
@require_GET
def appointment_calendar(request: HttpRequest, public_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    appointment = active_appointment(lease)
    if appointment is None:
        raise Http404("No appointment")
    appointment.lease = lease
    response = HttpResponse(
        appointment_ics(appointment, stamp=clock.now(), attendee_email=request.user.email),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="turn-in.ics"'
    return response


@login_required
@require_GET
def receipt(request: HttpRequest, public_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    turnin = get_object_or_404(TurnIn, lease=lease)
    return pdf_response(turnin)


def pdf_response(turnin: TurnIn) -> HttpResponse:
    return RECEIPT_PDF.response(turnin)
