"""The lessee's wear pages (self pre-inspection, estimate, condition report) and photo downloads."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from leases.selectors import lease_for_user
from portal import clock
from quotes.engine import excess_wear_line
from wear import compare, disputes, estimate
from wear.access import photo_for_user, pre_inspection_for, report_for_lessee
from wear.areas import AREAS, by_area, next_area
from wear.forms import DisputeForm
from wear.models import WearDispute
from wear.services import item_remove, pre_inspection_finish, pre_inspection_mark_done, pre_inspection_start
from wear.walkaround import area_or_404, area_page


@login_required
@require_safe
def photo(request: HttpRequest, public_id: uuid.UUID, size: str = "full") -> HttpResponse:
    picture = photo_for_user(request.user, public_id)
    stored = picture.thumbnail if size == "thumb" else picture.image
    response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "no-store, private"
    return response


# --- self pre-inspection -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pre_inspection(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    today = clock.today()
    window = estimate.window(lease, today)
    document = pre_inspection_for(lease)
    if request.method == "POST":
        if not window.is_open:
            messages.error(request, window.message)
            return redirect("wear:pre_inspection", lease.public_id)
        try:
            pre_inspection_start(lease=lease, user=request.user)
        except ValidationError as error:  # no published standard: say so, start nothing
            messages.error(request, " ".join(error.messages))
            return redirect("wear:pre_inspection", lease.public_id)
        return redirect("wear:pre_area", lease.public_id, AREAS[0].value)
    context = {"lease": lease, "window": window, "document": document, "areas": estimate.progress(document)}
    return render(request, "wear/pre_inspection.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pre_area(request: HttpRequest, public_id: uuid.UUID, area: str) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    chosen = area_or_404(area)
    document = pre_inspection_for(lease)
    window = estimate.window(lease, clock.today())
    if document is None or not window.is_open:
        return redirect("wear:pre_inspection", lease.public_id)
    if request.method == "POST" and request.POST.get("done"):
        pre_inspection_mark_done(document=document, area=chosen)
        following = next_area(chosen)
        if following is None:
            return redirect("wear:pre_estimate", lease.public_id)
        return redirect("wear:pre_area", lease.public_id, following.value)
    page = area_page(request, document, chosen)
    if page.saved:
        messages.success(request, _("Saved. Add another, or tap “Done with this area”."))
        return redirect("wear:pre_area", lease.public_id, chosen.value)
    status = 400 if request.method == "POST" else 200
    context = {"lease": lease, "document": document, "page": page, "areas": estimate.progress(document)}
    return render(request, "wear/pre_area.html", context, status=status)


@login_required
@require_POST
def pre_item_delete(request: HttpRequest, public_id: uuid.UUID, item_id: uuid.UUID) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    document = pre_inspection_for(lease)
    if document is None or not estimate.window(lease, clock.today()).is_open:
        return redirect("wear:pre_inspection", lease.public_id)
    item = get_object_or_404(document.items, public_id=item_id)
    item_remove(document=document, item=item)
    messages.success(request, _("Item removed."))
    return redirect("wear:pre_area", lease.public_id, item.area)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pre_estimate(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    document = pre_inspection_for(lease)
    if document is None:
        return redirect("wear:pre_inspection", lease.public_id)
    if request.method == "POST" and estimate.window(lease, clock.today()).is_open:
        pre_inspection_finish(document=document, today=clock.today())
        messages.success(request, _("Your estimate is saved. You can print it or change it until you return the car."))
        return redirect("wear:pre_estimate", lease.public_id)
    items = list(document.items.prefetch_related("photos"))
    context = {
        "lease": lease,
        "document": document,
        "areas": [(area, found) for area, found in by_area(items) if found],
        "wear_line": excess_wear_line(lease.terms(), document.total),
        "waiver": lease.wear_waiver,
    }
    return render(request, "wear/pre_estimate.html", context)


@login_required
@require_safe
def pre_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    document = pre_inspection_for(lease)
    if document is None or document.finished_on is None:
        return redirect("wear:pre_estimate", lease.public_id)
    return estimate.PRE_INSPECTION_PDF.response(document)


# --- the condition report, as the lessee sees it -----------------------------------------------


@login_required
@require_safe
def report(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    condition = report_for_lessee(request.user, lease)
    if condition is None:
        return render(request, "wear/report_pending.html", {"lease": lease})
    context = {
        "lease": lease,
        "report": condition,
        "window": disputes.dispute_window(lease, clock.today()),
        "disputes": list(condition.disputes.all()),
        "rows": compare.side_by_side(condition, pre_inspection_for(lease)),
        "wear_line": excess_wear_line(lease.terms(), condition.total),
        "waiver": lease.wear_waiver,
        "lower_of": settings.WEAR_LOWER_OF,
    }
    return render(request, "wear/report.html", context)


# --- disputes ----------------------------------------------------------------------------------


def _disputable(report) -> list:
    return list(report.items.filter(charge__gt=0, dispute_item__isnull=True))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dispute_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    condition = report_for_lessee(request.user, lease)
    if condition is None:
        raise Http404("No report")
    window = disputes.dispute_window(lease, clock.today())
    form = DisputeForm(request.POST or None, request.FILES or None, items=_disputable(condition))
    if request.method == "POST" and window.is_open and form.is_valid():
        chosen = [
            disputes.Disputed(
                item=item,
                reason=form.cleaned_data[f"reason_{item.public_id.hex}"],
                uploads=form.cleaned_data[f"photos_{item.public_id.hex}"],
            )
            for item in form.chosen
        ]
        try:
            opened = disputes.dispute_open(report=condition, disputed=chosen, user=request.user, today=clock.today())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your dispute is in. We'll email you when we've decided each item."))
            return redirect("wear:dispute", lease.public_id, opened.public_id)
    status = 400 if request.method == "POST" else 200
    context = {"lease": lease, "report": condition, "window": window, "form": form}
    return render(request, "wear/dispute_new.html", context, status=status)


@login_required
@require_safe
def dispute_detail(request: HttpRequest, public_id: uuid.UUID, dispute_id: uuid.UUID) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    dispute = get_object_or_404(WearDispute.objects.filter(report__lease=lease), public_id=dispute_id)
    rows = list(dispute.items.select_related("item").prefetch_related("photos", "item__photos"))
    return render(request, "wear/dispute.html", {"lease": lease, "dispute": dispute, "rows": rows})
