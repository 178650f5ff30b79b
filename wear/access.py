"""Who may see which wear document or photo: every fetch here is scoped, and an outsider gets a 404.

Condition reports are recorded by inspectors (an ``Inspector`` row ties the user to one
inspection company; they sign in like dealer staff), by dealer staff at check-in, and by
operations (staff users). Dealer staff belong to ``returnkit.turnin``, which wear may not import,
so that app adds its role here at start-up (``RECORDER_ROLES``). A lessee sees their
pre-inspection, and a condition report once it is completed; a recorder sees their company's or
dealership's reports and what they made.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse

from leases.models import Dealer, Lease
from portal import twofactor
from wear.models import ConditionReport, InspectionCompany, Inspector, PreInspection, WearPhoto


@dataclass(frozen=True)
class Recorder:
    """Who is recording a condition report, and for whom."""

    role: str  # a ConditionReport.Role
    company: InspectionCompany | None = None
    dealer: Dealer | None = None
    may_start: Callable[[Lease], bool] = lambda lease: True  # which returned vehicles they may inspect


# Other apps' recorder roles: each takes a user and gives a Recorder or None (dealer staff: turnin).
RECORDER_ROLES: list[Callable[[object], Recorder | None]] = []


def inspector_for(user) -> Inspector | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Inspector.objects.select_related("company").filter(user=user).first()


def is_inspector(user) -> bool:
    """Inspectors are a staff-like role (for sign-in redirects and two-factor rules)."""
    return getattr(user, "is_authenticated", False) and Inspector.objects.filter(user=user).exists()


def recorder_for(user) -> Recorder | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if inspector := inspector_for(user):
        return Recorder(ConditionReport.Role.INSPECTOR, company=inspector.company)
    for role in RECORDER_ROLES:
        if found := role(user):
            return found
    if user.is_staff:
        return Recorder(ConditionReport.Role.OPERATIONS)
    return None


def recorder_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Inspectors, dealer staff and operations, each with an authenticator app (``portal.twofactor``);
    everyone else signed in gets a 404, as for dealer pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.recorder = recorder_for(request.user)
        if request.recorder is None:
            raise Http404("No such page")
        # Inspectors, like dealer and operations staff, work only with two-factor.
        if (enrol := twofactor.enrolment_redirect(request)) is not None:
            return enrol
        return view(request, *args, **kwargs)

    return wrapped


def reports_for_recorder(request: HttpRequest):
    reports = ConditionReport.objects.select_related("lease__vehicle__make", "standard", "company")
    recorder = request.recorder
    if recorder.role == ConditionReport.Role.OPERATIONS:
        return reports
    if recorder.role == ConditionReport.Role.DEALER:
        return reports.filter(Q(dealer=recorder.dealer) | Q(recorded_by=request.user))
    return reports.filter(Q(company=recorder.company) | Q(recorded_by=request.user))


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
    recorder = recorder_for(user) if report is not None else None
    if recorder is None:
        return False
    if recorder.role == ConditionReport.Role.DEALER:
        return report.dealer_id == recorder.dealer.pk
    return recorder.company is not None and report.company_id == recorder.company.pk


def photo_for_user(user, public_id: uuid.UUID) -> WearPhoto:
    """The photo if ``user`` is the lessee on its lease, its recorder's company, or operations; else 404."""
    photo = WearPhoto.objects.select_related("item__pre_inspection", "item__report").filter(public_id=public_id).first()
    if photo is None or not user.is_authenticated:
        raise Http404("No such photo")
    if user.is_staff or _recorder_may_see(user, photo) or _lessee_may_see(user, photo):
        return photo
    raise Http404("No such photo")
