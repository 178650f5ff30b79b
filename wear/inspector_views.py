"""Condition reports as inspectors (and operations) record them, under /inspect/."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from leases.selectors import returned_lease
from portal import clock
from wear.access import recorder_required, report_for_recorder, reports_for_recorder
from wear.areas import AREAS, by_area
from wear.forms import FindVehicleForm
from wear.models import ConditionReport
from wear.services import item_remove, report_complete, report_start
from wear.walkaround import area_or_404, area_page


@recorder_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    initial = {"inspected_on": clock.today(), "vin_or_account": request.GET.get("vin", "")}
    form = FindVehicleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        report = _start(request, form)
        if report is not None:
            return redirect("wear:inspector_report", report.public_id)
    reports = reports_for_recorder(request).order_by("completed_at", "-created_at")[:50]
    status = 400 if request.method == "POST" else 200
    return render(request, "wear/inspector/home.html", {"form": form, "reports": reports}, status=status)


def _start(request: HttpRequest, form: FindVehicleForm) -> ConditionReport | None:
    recorder = request.recorder
    found = returned_lease(form.cleaned_data["vin_or_account"].strip().upper())
    if found is None or not recorder.may_start(found[0]):
        form.add_error("vin_or_account", "No returned vehicle waiting for inspection has that VIN or account number.")
        return None
    lease, returned_on = found
    try:
        return report_start(
            lease=lease,
            role=recorder.role,
            company=recorder.company,
            dealer=recorder.dealer,
            user=request.user,
            returned_on=returned_on,
            inspected_on=form.cleaned_data["inspected_on"],
            today=clock.today(),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@recorder_required
@require_http_methods(["GET", "HEAD"])
def report(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = report_for_recorder(request, public_id)
    items = list(report.items.prefetch_related("photos"))
    context = {"report": report, "areas": by_area(items), "lease": report.lease}
    return render(request, "wear/inspector/report.html", context)


@recorder_required
@require_http_methods(["GET", "POST"])
def area(request: HttpRequest, public_id: uuid.UUID, area: str) -> HttpResponse:
    report = report_for_recorder(request, public_id)
    chosen = area_or_404(area)
    if report.completed_at is not None:
        return redirect("wear:inspector_report", report.public_id)
    page = area_page(request, report, chosen)
    if page.saved:
        messages.success(request, "Item saved.")
        return redirect("wear:inspector_area", report.public_id, chosen.value)
    status = 400 if request.method == "POST" else 200
    context = {"report": report, "page": page, "areas": AREAS, "lease": report.lease}
    return render(request, "wear/inspector/area.html", context, status=status)


@recorder_required
@require_POST
def item_delete(request: HttpRequest, public_id: uuid.UUID, item_id: uuid.UUID) -> HttpResponse:
    report = report_for_recorder(request, public_id)
    item = get_object_or_404(report.items, public_id=item_id)
    if report.completed_at is None:
        area = item.area
        item_remove(document=report, item=item)
        messages.success(request, "Item removed.")
        return redirect("wear:inspector_area", report.public_id, area)
    return redirect("wear:inspector_report", report.public_id)


@recorder_required
@require_POST
def complete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = report_for_recorder(request, public_id)
    try:
        report_complete(report=report, user=request.user, now=clock.now(), today=clock.today())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Report completed: its total is now the inspection's wear charge.")
    return redirect("wear:inspector_report", report.public_id)
