"""Who may see which wear document or photo: every fetch here is scoped, and an outsider gets a 404.

Inspectors sign in like dealer staff (an ``Inspector`` row ties the user to one inspection
company); operations are staff users. A lessee sees their pre-inspection, and a condition report
once it is completed; an inspector sees their company's reports; a recorder sees what they made.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse

from leases.models import Lease
from wear.models import ConditionReport, Inspector, PreInspection, WearPhoto


def inspector_for(user) -> Inspector | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Inspector.objects.select_related("company").filter(user=user).first()


def is_inspector(user) -> bool:
    """Inspectors are a staff-like role (for sign-in redirects and two-factor rules)."""
    return getattr(user, "is_authenticated", False) and Inspector.objects.filter(user=user).exists()


def recorder_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Inspectors and operations; everyone else signed in gets a 404, as for dealer pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.inspector = inspector_for(request.user)
        if request.inspector is None and not request.user.is_staff:
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def reports_for_recorder(request: HttpRequest):
    reports = ConditionReport.objects.select_related("lease__vehicle__make", "standard", "company")
    if request.user.is_staff:
        return reports
    return reports.filter(Q(company=request.inspector.company) | Q(recorded_by=request.user))


def report_for_recorder(request: HttpRequest, public_id: uuid.UUID) -> ConditionReport:
    try:
        return reports_for_recorder(request).get(public_id=public_id)
    except ConditionReport.DoesNotExist:
        raise Http404("No such report") from None


def report_for_lessee(user, lease: Lease) -> ConditionReport | None:
    """The lease's condition report once it is completed (the lease is already the user's)."""
    return (
        ConditionReport.objects.select_related("standard", "company")
        .filter(lease=lease, completed_at__isnull=False)
        .first()
    )


def pre_inspection_for(lease: Lease) -> PreInspection | None:
    return PreInspection.objects.select_related("standard").filter(lease=lease).first()


def _lessee_may_see(user, photo: WearPhoto) -> bool:
    item = photo.shows
    lease_id = item.pre_inspection.lease_id if item.pre_inspection_id else item.report.lease_id
    if item.report_id and item.report.completed_at is None:
        return False
    return Lease.objects.for_customer(user).filter(pk=lease_id).exists()


def _recorder_may_see(user, photo: WearPhoto) -> bool:
    if photo.uploaded_by_id == user.pk:
        return True
    report = photo.shows.report
    inspector = inspector_for(user)
    return report is not None and inspector is not None and report.company_id == inspector.company_id


def photo_for_user(user, public_id: uuid.UUID) -> WearPhoto:
    """The photo if ``user`` is the lessee on its lease, its recorder's company, or operations; else 404."""
    photo = WearPhoto.objects.select_related("item__pre_inspection", "item__report").filter(public_id=public_id).first()
    if photo is None or not user.is_authenticated:
        raise Http404("No such photo")
    if user.is_staff or _recorder_may_see(user, photo) or _lessee_may_see(user, photo):
        return photo
    raise Http404("No such photo")
