"""What this app adds to the lease page: called by portal.lease_page.lease_detail (one query)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse

from leases.models import Lease
from wear.estimate import window
from wear.models import ConditionReport, PreInspection, WearDispute


def lease_panel(lease: Lease, *, user, today: dt.date) -> dict:
    """The self pre-inspection while it is open or once started, and the condition report once completed."""
    found = (
        Lease.objects.filter(pk=lease.pk)
        .annotate(
            has_pre=Exists(PreInspection.objects.filter(lease=OuterRef("pk"))),
            has_report=Exists(ConditionReport.objects.filter(lease=OuterRef("pk"), completed_at__isnull=False)),
            has_open_dispute=Exists(
                WearDispute.objects.filter(report__lease=OuterRef("pk"), status=WearDispute.Status.OPEN)
            ),
        )
        .values("has_pre", "has_report", "has_open_dispute")
        .get()
    )
    pre_window = window(lease, today)
    return {
        "wear": {
            "pre_window": pre_window,
            "pre_offered": pre_window.is_open or found["has_pre"],
            "pre_started": found["has_pre"],
            "pre_url": reverse("wear:pre_inspection", args=[lease.public_id]),
            "report_url": reverse("wear:report", args=[lease.public_id]) if found["has_report"] else "",
            "dispute_open": found["has_open_dispute"],
        }
    }
