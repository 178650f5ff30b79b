"""Writing wear documents: starting them, adding and removing items, completing a report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from leases.billing.inspection import inspection_check, inspection_record
from leases.models import Dealer, Lease
from leases.services import lease_locked
from portal.notify import Kind, link, notify
from wear import photos as wear_photos
from wear.compare import side_by_side
from wear.estimate import PRE_INSPECTION_PDF
from wear.models import ConditionReport, InspectionCompany, PreInspection, WearBand, WearItem, WearRule
from wear.standard import item_check, item_snapshot, items_reprice, standard_current, would_charge

Document = PreInspection | ConditionReport


def _document_field(document: Document) -> str:
    return "report" if isinstance(document, ConditionReport) else "pre_inspection"


def document_reprice(document: Document) -> None:
    """Every item's charge from its snapshot, and the document's total. A finished pre-inspection
    that changes is open again: its printed estimate no longer matches it."""
    document.total = items_reprice(list(document.items.order_by("id")))
    fields = ["total"]
    if isinstance(document, PreInspection) and document.finished_on is not None:
        document.pdf.delete(save=False)
        document.finished_on = None
        fields += ["finished_on", "pdf"]
    document.save(update_fields=fields)


def item_add(
    *,
    document: Document,
    area: str,
    rule: WearRule,
    band: WearBand | None,
    user,
    quantity: int = 1,
    note: str = "",
    uploads: Sequence[UploadedFile] = (),
) -> WearItem:
    """Record one item with its photos; an item that would be charged needs a photo."""
    item_check(rule=rule, band=band, quantity=quantity, area=area)
    if isinstance(document, ConditionReport) and document.completed_at is not None:
        raise ValidationError(_("This report is completed; it can no longer change."))
    if rule.category.standard_id != document.standard_id:
        raise ValidationError(_("That rule is not part of the standard this document uses."))
    if would_charge(rule=rule, band=band, quantity=quantity) and not uploads:
        raise ValidationError(_("Add a photo: an item that may be charged needs one."), code="photo")
    images = [wear_photos.photo_prepare(upload) for upload in uploads]  # refuses before anything is saved
    with transaction.atomic():
        lease_locked(document.lease_id)
        item = WearItem.objects.create(
            **{_document_field(document): document},
            area=area,
            note=note,
            **item_snapshot(rule=rule, band=band, quantity=quantity),
        )
        for image in images:
            wear_photos.photo_store(item=item, prepared=image, user=user)
        document_reprice(document)
    item.refresh_from_db(fields=["charge"])  # repricing set it on its own copy
    return item


def item_remove(*, document: Document, item: WearItem) -> None:
    with transaction.atomic():
        lease_locked(document.lease_id)
        for photo in item.photos.all():
            wear_photos.photo_delete(photo)
        item.delete()
        document_reprice(document)


def report_start(
    *,
    lease: Lease,
    role: str,
    user,
    returned_on: dt.date,
    inspected_on: dt.date,
    today: dt.date,
    company: InspectionCompany | None = None,
    dealer: Dealer | None = None,
) -> ConditionReport:
    """A new, open condition report for a returned vehicle, under the current standard."""
    with transaction.atomic():
        lease = lease_locked(lease.pk)
        if ConditionReport.objects.filter(lease=lease).exists():
            raise ValidationError("A condition report has already been started for this vehicle.")
        inspection_check(lease=lease, returned_on=returned_on, inspected_on=inspected_on, today=today)
        return ConditionReport.objects.create(
            lease=lease,
            standard=standard_current(),
            role=role,
            company=company,
            dealer=dealer,
            recorded_by=user,
            returned_on=returned_on,
            inspected_on=inspected_on,
        )


def report_complete(*, report: ConditionReport, user, now: dt.datetime, today: dt.date) -> ConditionReport:
    """Close the report and record its total as the inspection billing bills (wear before the waiver)."""
    with transaction.atomic():
        lease_locked(report.lease_id)
        report = ConditionReport.objects.select_for_update().get(pk=report.pk)
        if report.completed_at is not None:
            return report  # a second click finds it done
        lower_of_apply(report)
        document_reprice(report)
        report.inspection = inspection_record(
            lease=report.lease,
            returned_on=report.returned_on,
            inspected_on=report.inspected_on,
            wear_total=report.total,
            user=user,
            today=today,
            notes=f"Condition report {report.reference}",
            wear_report=report.reference,
            wear_standard_version=report.standard.version,
        )
        report.completed_at = now
        report.save(update_fields=["inspection", "completed_at"])
        lease = report.lease
        notify(lease, Kind.INSPECTION_REPORT_READY, url=link("wear:report", lease.public_id), key=report.pk)
        return report


def lower_of_applies(report: ConditionReport, pre: PreInspection | None) -> bool:
    """With WEAR_LOWER_OF on: a pre-inspection saved no more than WEAR_LOWER_OF_DAYS before the return."""
    if not settings.WEAR_LOWER_OF or pre is None or pre.finished_on is None:
        return False
    return 0 <= (report.returned_on - pre.finished_on).days <= settings.WEAR_LOWER_OF_DAYS


def lower_of_apply(report: ConditionReport) -> None:
    """Each report item the lessee also recorded costs at most what their pre-inspection said."""
    pre = PreInspection.objects.filter(lease_id=report.lease_id).first()
    if not lower_of_applies(report, pre):
        return
    for row in side_by_side(report, pre):
        for mine, theirs in row.both:
            theirs.pre_inspection_charge = mine.charge
            theirs.save(update_fields=["pre_inspection_charge"])


def pre_inspection_start(*, lease: Lease, user) -> PreInspection:
    """The lease's self pre-inspection, started once and resumed from any device."""
    with transaction.atomic():
        lease = lease_locked(lease.pk)
        existing = PreInspection.objects.filter(lease=lease).first()
        if existing is not None:
            return existing
        return PreInspection.objects.create(lease=lease, standard=standard_current(), started_by=user)


def pre_inspection_mark_done(*, document: PreInspection, area: str) -> None:
    """The lessee has looked at ``area`` (with or without items: "nothing to report" is an answer)."""
    with transaction.atomic():
        lease_locked(document.lease_id)
        document.refresh_from_db(fields=["areas_done"])
        if area not in document.areas_done:
            document.areas_done = [*document.areas_done, area]
            document.save(update_fields=["areas_done"])


def pre_inspection_finish(*, document: PreInspection, today: dt.date) -> PreInspection:
    """Freeze the estimate as it stands and draw its PDF (a later change reopens it)."""
    with transaction.atomic():
        lease_locked(document.lease_id)
        document.refresh_from_db()
        if document.finished_on is None:
            document_reprice(document)
            document.finished_on = today
            document.save(update_fields=["finished_on"])
            PRE_INSPECTION_PDF.enqueue(document.pk)
    return document
