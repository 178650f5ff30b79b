"""Dealer staff pages: today's turn-ins, walk-in look-up, check-in, and the record afterwards.

A dealer user sees only their own dealership's appointments and turn-ins; anything else is a
404. Signed-in users without a DealerStaff row get a 404 too (no hint that the pages exist).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods

from leases.models import Dealer, Lease
from leases.services import latest_reading
from portal import clock, twofactor
from portal.cache import page_data_keyed
from portal.ratelimit import client_ip
from returnkit.turnin.checkin import CheckInRefused, checkable_leases, turnin_check_in
from returnkit.turnin.forms import CheckInForm, WalkInForm, statement_error
from returnkit.turnin.geo import zone_for_zip
from returnkit.turnin.models import Appointment, DealerStaff, TurnIn
from returnkit.turnin.views import pdf_response
from returnkit.turnin.walk_in import find_walk_in


class DealerRequest(HttpRequest):
    dealer: Dealer


def dealer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        (dealer, enrolled), _key = page_data_keyed(
            "dealer-staff", user_id=request.user.pk, part="", compute=lambda: _staff_of(request.user.pk)
        )
        if dealer is None:
            raise Http404("No such page")
        if enrol := twofactor.enrolment_redirect(request, enrolled=enrolled):
            return enrol
        request.dealer = Dealer.from_db(DEFAULT_DB_ALIAS, list(dealer), list(dealer.values()))
        return view(request, *args, **kwargs)

    return wrapped


def _staff_of(user_id: int) -> tuple[tuple[dict | None, bool], set[str]]:
    """The dealership a user works for (its columns) and whether they have an authenticator app, as
    ``page_data`` keeps it: until their staff row, their authenticators or the dealer change."""
    staff = twofactor.with_enrolled(DealerStaff.objects.select_related("dealer")).filter(user_id=user_id).first()
    if staff is None:
        return (None, False), {f"user:{user_id}"}
    columns = {field.attname: getattr(staff.dealer, field.attname) for field in Dealer._meta.concrete_fields}
    return (columns, staff.enrolled), {f"user:{user_id}", f"dealer:{staff.dealer_id}"}


# The days the day view shows: a turn-in record is never older than this, nor a slot further out.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def _day_param(value: str | None, today: dt.date) -> dt.date:
    """The day asked for (today when none is); ValidationError for anything else, said plainly."""
    if not value:
        return today
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        example = today.isoformat()
        raise ValidationError(f"“{value[:20]}” is not a date. Use the form YYYY-MM-DD, like {example}.") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(f"Pick a day between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}.")
    return day


@dealer_required
@require_GET
def day_view(request: DealerRequest) -> HttpResponse:
    today = clock.today()
    try:
        day = _day_param(request.GET.get("day"), today)
    except ValidationError as error:
        # Today's page, with the reason, answered as a bad request.
        messages.error(request, error.messages[0])
        return _day_page(request, today, today, status=400)
    return _day_page(request, day, today)


def _day_page(request: DealerRequest, day: dt.date, today: dt.date, *, status: int = 200) -> HttpResponse:
    dealer = request.dealer
    (appointments, walk_ins), key = page_data_keyed(
        "dealer-day", user_id=request.user.pk, part=f"{dealer.pk}:{day}", compute=lambda: _day(dealer, day)
    )
    return render(
        request,
        "turnin/dealer/day.html",
        {
            "dealer": dealer,
            "day": day,
            "today": today,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "appointments": appointments,
            "walk_ins": walk_ins,
            "walk_in_form": SimpleLazyObject(WalkInForm),  # made only when the day's HTML is drawn, not kept
            "page_key": key and f"{key}:{dealer.pk}:{dealer.name}",
        },
        status=status,
    )


def _day(dealer: Dealer, day: dt.date) -> tuple[tuple[list[dict], list[dict]], set[str]]:
    """The day's appointments (with their leases, vehicles and lessees) and walk-ins at ``dealer``,
    as the plain values the page shows: kept by ``page_data`` until the dealer's slots, appointments
    or turn-ins, or one of those leases, change."""
    zone = zone_for_zip(dealer.zip_code)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    appointments = list(
        Appointment.objects.filter(
            slot__dealer=dealer, slot__starts_at__gte=start, slot__starts_at__lt=start + dt.timedelta(days=1)
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("slot", "lease__vehicle__make", "turnin")
        .prefetch_related("lease__parties__lessee")
        .order_by("slot__starts_at", "id")
    )
    rows = []
    for appointment in appointments:
        appointment.slot.dealer = dealer
        lease = appointment.lease
        turnin = getattr(appointment, "turnin", None)
        rows.append(
            {
                "public_id": appointment.public_id,
                "status": appointment.status,
                "get_status_display": str(appointment.get_status_display()),
                "slot": {"wall_start": appointment.slot.wall_start},
                "turnin": {"public_id": turnin.public_id} if turnin else None,
                # The row's one action, its address worked out once: the record once checked in, else check in.
                "record_url": reverse("turnin:dealer_turnin", args=[turnin.public_id])
                if turnin and appointment.status == Appointment.Status.COMPLETED
                else "",
                "check_in_url": reverse("turnin:dealer_check_in", args=[appointment.public_id]),
                "lease": {
                    "account_number": lease.account_number,
                    "vehicle": {"description": lease.vehicle.description, "vin": lease.vehicle.vin},
                    "parties": {"all": [{"lessee": {"full_name": p.lessee.full_name}} for p in lease.parties.all()]},
                },
            }
        )
    walk_ins = list(TurnIn.objects.filter(dealer=dealer, returned_on=day, appointment__isnull=True))
    leases = {appointment.lease_id for appointment in appointments} | {turnin.lease_id for turnin in walk_ins}
    walk_ins = [
        {
            "public_id": turnin.public_id,
            "year": turnin.year,
            "make": turnin.make,
            "model": turnin.model,
            "vin": turnin.vin,
            "odometer_miles": turnin.odometer_miles,
            "url": reverse("turnin:dealer_turnin", args=[turnin.public_id]),
        }
        for turnin in walk_ins
    ]
    return (rows, walk_ins), {f"dealer:{dealer.pk}", *(f"lease:{pk}" for pk in leases)}


@dealer_required
@require_GET
def walk_in(request: DealerRequest) -> HttpResponse:
    form = WalkInForm(request.GET or None)
    not_found = throttled = False
    if form.is_valid():
        found = find_walk_in(
            dealer=request.dealer,
            user=request.user,
            identifier=form.cleaned_data["query"],
            last_name=form.cleaned_data["last_name"],
            ip=client_ip(request),
        )
        if found.lease is not None:
            return redirect("turnin:dealer_walk_in_check_in", public_id=found.lease.public_id)
        not_found, throttled = not found.throttled, found.throttled
    context = {"dealer": request.dealer, "form": form, "not_found": not_found, "throttled": throttled}
    return render(request, "turnin/dealer/walk_in.html", context, status=429 if throttled else 200)


@dealer_required
@require_http_methods(["GET", "POST"])
def walk_in_check_in(request: DealerRequest, public_id) -> HttpResponse:
    dealer = request.dealer
    earlier = TurnIn.objects.filter(lease__public_id=public_id, dealer=dealer).first()
    if earlier is not None:
        messages.info(request, "This vehicle has already been checked in.")
        return redirect("turnin:dealer_turnin", public_id=earlier.public_id)
    lease = get_object_or_404(checkable_leases(dealer), public_id=public_id)
    booked_here = Appointment.objects.active().filter(lease=lease, slot__dealer=dealer).first()
    if booked_here is not None:
        return redirect("turnin:dealer_check_in", public_id=booked_here.public_id)
    return _check_in(request, lease=lease, appointment=None)


@dealer_required
@require_http_methods(["GET", "POST"])
def appointment_check_in(request: DealerRequest, public_id) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related("slot", "lease__vehicle__make"),
        public_id=public_id,
        slot__dealer=request.dealer,
    )
    appointment.slot.dealer = request.dealer
    done = TurnIn.objects.filter(lease=appointment.lease, dealer=request.dealer).first()
    if done is not None:
        messages.info(request, "This vehicle has already been checked in.")
        return redirect("turnin:dealer_turnin", public_id=done.public_id)
    if appointment.status == Appointment.Status.CANCELLED:
        messages.info(request, "The lessee cancelled this appointment. Check the vehicle in as a walk-in instead.")
        return redirect("turnin:dealer_walk_in_check_in", public_id=appointment.lease.public_id)
    return _check_in(request, lease=appointment.lease, appointment=appointment)


def _check_in(request: DealerRequest, *, lease: Lease, appointment: Appointment | None) -> HttpResponse:
    today = clock.today()
    equipment = list(lease.vehicle.equipment.all())
    form = CheckInForm(request.POST or None, lease=lease, today=today, equipment=equipment)
    if request.method != "POST":
        return _check_in_page(request, lease, appointment, form, today)
    if not form.is_valid():
        return _check_in_page(request, lease, appointment, form, today, status=400)
    try:
        turnin = turnin_check_in(
            dealer=request.dealer,
            lease=lease,
            check_in=form.check_in(ip=client_ip(request)),
            user=request.user,
            now=clock.now(),
            today=today,
        )
    except ValidationError as error:  # e.g. a reading recorded meanwhile
        field = "odometer_status_reason" if error.code in ("reason_required", "reason_long") else "miles"
        form.add_error(field, statement_error(error))
        return _check_in_page(request, lease, appointment, form, today, status=400)
    except CheckInRefused as refused:
        form.add_error(None, refused.message)
        return _check_in_page(request, lease, appointment, form, today, status=409)
    messages.success(request, f"{lease.vehicle} checked in. The receipt is on its way to the lessee.")
    return redirect("turnin:dealer_turnin", public_id=turnin.public_id)


def _check_in_page(
    request: DealerRequest,
    lease: Lease,
    appointment: Appointment | None,
    form: CheckInForm,
    today: dt.date,
    *,
    status: int = 200,
) -> HttpResponse:
    parties = lease.parties_primary_first()
    return render(
        request,
        "turnin/dealer/check_in.html",
        {
            "dealer": request.dealer,
            "lease": lease,
            "appointment": appointment,
            "parties": parties,
            "primary": parties[0].lessee if parties else None,
            "last_reading": latest_reading(lease),
            "form": form,
            "today": today,
        },
        status=status,
    )


def _own_turnin(request: DealerRequest, public_id) -> TurnIn:
    return get_object_or_404(TurnIn.objects.select_related("lease"), public_id=public_id, dealer=request.dealer)


@dealer_required
@require_GET
def turnin_detail(request: DealerRequest, public_id) -> HttpResponse:
    turnin = _own_turnin(request, public_id)
    return render(
        request,
        "turnin/dealer/turnin.html",
        {"dealer": request.dealer, "turnin": turnin, "items": list(turnin.items.all())},
    )


@dealer_required
@require_GET
def turnin_receipt(request: DealerRequest, public_id) -> HttpResponse:
    return pdf_response(_own_turnin(request, public_id))
