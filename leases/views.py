from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from leases.forms import LinkLeaseForm, OdometerCorrectionForm, OdometerForm
from leases.models import OdometerReading
from leases.selectors import customer_leases, lease_for_user
from leases.services import (
    LinkFailed,
    correctable_reading,
    lease_link,
    link_limits,
    odometer_correct,
    odometer_record,
    reading_at_return,
)
from portal import clock, ratelimit
from portal.cache import page_data_keyed

LINK_FAILED = (
    "We couldn't match those details to a lease. Check the account number, the VIN's last six "
    "characters and the billing ZIP code on your statement, then try again."
)
LINK_LOCKED = "Too many attempts. For your security, please wait an hour or call us."


@login_required
@require_safe
def lease_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    leases, key = page_data_keyed(
        "vehicles", user_id=request.user.pk, part="", compute=lambda: _vehicles(request.user, today)
    )
    return render(request, "leases/lease_list.html", {"leases": leases, "today": today, "page_key": key})


def _vehicles(user, today) -> tuple[list[dict], set[str]]:
    """What each card on My Vehicles shows, as plain values (kept per user by ``page_data``)."""
    cards = []
    for lease in customer_leases(user):
        driven = lease.miles_driven(lease.latest_miles) if lease.latest_miles is not None else None
        days_to_end = lease.days_left(today)
        cards.append(
            {
                "pk": lease.pk,
                "public_id": lease.public_id,
                "account_number": lease.account_number,
                "vehicle": {"description": lease.vehicle.description, "vin": lease.vehicle.vin},
                "status_words": str(lease.status_phrase(today)),
                "maturity_date": lease.maturity_date,
                "extended_days": lease.extended_days,
                "end_date": lease.end_date,
                "is_open": lease.is_open,
                "days_to_end": days_to_end,
                "days_past": -days_to_end,
                "allowed_to_date": lease.miles_allowed_to(today),
                "driven": driven,
                "latest_reading_date": lease.latest_reading_date,
                "over_by": lease.miles_over(driven, today) if driven is not None else 0,
            }
        )
    return cards, {f"lease:{card['pk']}" for card in cards}


@login_required
@require_http_methods(["GET", "POST"])
def lease_link_view(request: HttpRequest) -> HttpResponse:
    form = LinkLeaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = form.cleaned_data["account_number"].strip()
        limits = link_limits(user=request.user, ip=ratelimit.client_ip(request))
        if not ratelimit.attempt(limits, ip=ratelimit.client_ip(request), user=request.user, target=account):
            form.add_error(None, LINK_LOCKED)
            return render(request, "leases/link.html", {"form": form}, status=429)
        try:
            lease = lease_link(
                user=request.user,
                account_number=account,
                vin_last6=form.cleaned_data["vin_last6"],
                zip_code=form.cleaned_data["zip_code"],
            )
        except LinkFailed:
            form.add_error(None, LINK_FAILED)
        else:
            ratelimit.give_back(limits)
            messages.success(request, f"Your {lease.vehicle} is now in My Vehicles.")
            return redirect("leases:detail", public_id=lease.public_id)
    return render(request, "leases/link.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def odometer_new(request: HttpRequest, public_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    today = clock.today()
    if not lease.is_open:  # returned: the odometer statement is the last reading
        context = {"lease": lease, "statement": reading_at_return(lease)}
        return render(request, "leases/odometer_closed.html", context, status=400 if request.method == "POST" else 200)
    form = OdometerForm(request.POST or None, lease=lease, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            odometer_record(
                lease=lease,
                miles=form.cleaned_data["miles"],
                on=form.cleaned_data["reading_date"],
                source=OdometerReading.Source.LESSEE,
                today=today,
                user=request.user,
            )
        except ValidationError as error:  # a concurrent reading got in first
            form.add_error("miles", error)
        else:
            messages.success(request, f"Thanks: {form.cleaned_data['miles']:,} miles recorded.")
            return redirect("leases:detail", public_id=lease.public_id)
    return render(request, "leases/odometer_form.html", {"lease": lease, "form": form})


# What a refused correction's message is about: the new number, or the reading as a whole.
_MILES_ERRORS = {"below_previous", "above_later", "impossible_jump", "unchanged", "future", "before_start"}


@login_required
@require_http_methods(["GET", "POST"])
def odometer_correct_view(request: HttpRequest, public_id) -> HttpResponse:
    """Correct the lessee's own latest reading (a typo): the wrong one stays, struck through."""
    lease = lease_for_user(request.user, public_id)
    status = 400 if request.method == "POST" else 200
    try:
        wrong = correctable_reading(lease)
    except ValidationError as refused:
        context = {"lease": lease, "refused": refused.messages[0]}
        return render(request, "leases/odometer_correct.html", context, status=status)
    form = OdometerCorrectionForm(request.POST or None, initial={"wrong_miles": wrong.miles})
    if request.method == "POST" and form.is_valid():
        try:
            corrected = odometer_correct(
                lease=lease,
                wrong_miles=form.cleaned_data["wrong_miles"],
                miles=form.cleaned_data["miles"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                today=clock.today(),
                now=clock.now(),
            )
        except ValidationError as error:
            form.add_error("miles" if error.code in _MILES_ERRORS else None, error)
        else:
            messages.success(
                request, _("Thanks: the reading is corrected to %(miles)s miles.") % {"miles": f"{corrected.miles:,}"}
            )
            return redirect("leases:detail", public_id=lease.public_id)
    context = {"lease": lease, "wrong": wrong, "form": form}
    return render(request, "leases/odometer_correct.html", context, status=status)
