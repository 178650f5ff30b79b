"""The self pre-inspection: when it is open, how far the lessee has got, and its printable estimate."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from leases.models import Lease
from portal.language import lessor_words
from portal.pdf import StoredPdf
from quotes.engine import excess_wear_line
from wear.areas import AREAS, by_area
from wear.models import Area, PreInspection


@dataclass(frozen=True)
class Window:
    opens_on: dt.date
    closes_on: dt.date
    is_open: bool
    message: str


def window(lease: Lease, today: dt.date) -> Window:
    """Open from WEAR_PRE_INSPECTION_DAYS before the end date while the lessee still has the car."""
    opens_on = lease.end_date - dt.timedelta(days=settings.WEAR_PRE_INSPECTION_DAYS)
    if lease.status not in Lease.Status.open_values():
        return Window(opens_on, lease.end_date, False, _("The car is back, so the pre-inspection is closed."))
    if today < opens_on:
        return Window(opens_on, lease.end_date, False, _("Your pre-inspection opens closer to your end date."))
    return Window(opens_on, lease.end_date, True, "")


@dataclass(frozen=True)
class AreaProgress:
    area: Area
    done: bool
    items: int


def progress(document: PreInspection | None) -> list[AreaProgress]:
    if document is None:
        return [AreaProgress(area, False, 0) for area in AREAS]
    counts: dict[str, int] = {}
    for area in document.items.values_list("area", flat=True):
        counts[area] = counts.get(area, 0) + 1
    return [AreaProgress(area, area.value in document.areas_done, counts.get(area.value, 0)) for area in AREAS]


def _thumbnail_uri(photo) -> str:
    with photo.thumbnail.open("rb") as handle:
        return "data:image/jpeg;base64," + base64.b64encode(handle.read()).decode()


def pdf_context(document: PreInspection) -> dict:
    lease = document.lease
    items = list(document.items.prefetch_related("photos"))
    areas = [
        (area, [(item, [_thumbnail_uri(p) for p in item.photos.all()]) for item in found])
        for area, found in by_area(items)
        if found
    ]
    return {
        "document": document,
        "lease": lease,
        "areas": areas,
        "wear_line": excess_wear_line(lease.terms(), document.total),
        "LESSOR": lessor_words(),
    }


def pdf_reader(document: PreInspection):
    """The lessee who started the walk-around reads the estimate in their language (else the
    primary lessee; no online account: English)."""
    if document.started_by_id:
        return document.started_by
    lessee = document.lease.primary_lessee
    return lessee.user if lessee else None


PRE_INSPECTION_PDF = StoredPdf(
    name="pre_inspection",
    model="wear.PreInspection",
    field="pdf",
    template="pdf/pre_inspection.html",
    context=pdf_context,
    stored_name=lambda document: f"{document.public_id}.pdf",
    filename=lambda document: f"pre-inspection-{document.lease.account_number}.pdf",
    reader=lambda document: pdf_reader(document),
)
