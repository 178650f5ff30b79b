"""Disputes of condition-report items: opening one, resolving each item, and what the outcome posts.

A lessee may dispute items of the completed report from the day the itemized final bill is issued
until the objection period ends (the state's, from ``DisputeRule``, else WEAR_DISPUTE_DAYS). While
a dispute is open, what waiving its items would take off the bill is on hold: it is not asked for
online and pending debits wait. Operations uphold, reduce or waive each item with a reason the
lessee reads; when the last item is decided, the bill's change (excess wear and its tax, from the
engine) is posted to the ledger as new entries, the hold is released, a credit becomes a refund
through billing's refund path, and the lessee is emailed once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from leases.billing.final_bill import bill_lines_for_wear, bill_wear_adjust
from leases.billing.holds import hold_place, hold_release
from leases.billing.refunds import refund_for_credit
from leases.models import FinalBill, Lease
from leases.services import lease_locked
from portal.notify import Kind, link, notify
from portal.tasks import enqueue_on_commit
from quotes.engine import ZERO, money
from wear import photos as wear_photos
from wear.models import ConditionReport, DisputeRule, WearDispute, WearDisputeItem, WearItem
from wear.tasks import dispute_outcome_send


@dataclass(frozen=True)
class DisputeWindow:
    bill: FinalBill | None
    deadline: dt.date | None
    rule: DisputeRule | None
    is_open: bool
    days: int


def final_bill(lease: Lease) -> FinalBill | None:
    try:
        return lease.final_bill
    except ObjectDoesNotExist:
        return None


def dispute_window(lease: Lease, today: dt.date) -> DisputeWindow:
    """From the itemized bill's issue date through the objection period of the lessee's state."""
    primary = lease.primary_lessee
    rule = DisputeRule.objects.filter(state=primary.state).first() if primary else None
    days = rule.objection_days if rule else settings.WEAR_DISPUTE_DAYS
    bill = final_bill(lease)
    if bill is None:
        return DisputeWindow(None, None, rule, False, days)
    deadline = bill.issued_on + dt.timedelta(days=days)
    return DisputeWindow(bill, deadline, rule, bill.issued_on <= today <= deadline, days)


def wear_total_now(report: ConditionReport) -> Decimal:
    """The report's wear charges after every dispute already decided."""
    decided = report.disputes.filter(status=WearDispute.Status.RESOLVED).order_by("-resolved_on", "-id").first()
    return decided.wear_total_after if decided is not None else report.total


def _held_for(bill: FinalBill, report: ConditionReport, disputed: Decimal) -> Decimal:
    """What waiving ``disputed`` of wear would take off the bill (excess wear and its tax)."""
    now = wear_total_now(report)
    before, after = bill_lines_for_wear(bill, now), bill_lines_for_wear(bill, max(ZERO, now - disputed))
    return money(sum((before[code] - after[code] for code in before), ZERO))


@dataclass(frozen=True)
class Disputed:
    item: WearItem
    reason: str
    uploads: Sequence[UploadedFile] = ()


def dispute_open(*, report: ConditionReport, disputed: Sequence[Disputed], user, today: dt.date) -> WearDispute:
    if not disputed:
        raise ValidationError(_("Choose at least one item to dispute."))
    prepared = [[wear_photos.photo_prepare(upload) for upload in d.uploads] for d in disputed]
    with transaction.atomic():
        lease = lease_locked(report.lease_id)
        window = dispute_window(lease, today)
        if not window.is_open:
            raise ValidationError(_("The time to dispute wear charges on this bill has passed."))
        _check_items(report, disputed)
        dispute = WearDispute.objects.create(report=report, opened_by=user, opened_on=today, deadline=window.deadline)
        for choice, images in zip(disputed, prepared, strict=True):
            row = WearDisputeItem.objects.create(dispute=dispute, item=choice.item, reason=choice.reason.strip())
            for image in images:
                wear_photos.photo_store(dispute_item=row, prepared=image, user=user)
        amount = _held_for(window.bill, report, sum((d.item.charge for d in disputed), ZERO))
        if amount:
            hold_place(lease=lease, reference=dispute.reference, amount=amount, reason="Wear dispute", today=today)
        return dispute


def _check_items(report: ConditionReport, disputed: Sequence[Disputed]) -> None:
    if report.completed_at is None:
        raise ValidationError(_("The condition report is not complete yet."))
    for choice in disputed:
        if choice.item.report_id != report.pk or choice.item.charge <= 0:
            raise ValidationError(_("Only charged items of this report can be disputed."))
        if WearDisputeItem.objects.filter(item=choice.item).exists():
            raise ValidationError(_("“%(rule)s” has already been disputed.") % {"rule": choice.item.local_rule_name})
        if not choice.reason.strip():
            raise ValidationError(_("Tell us why you dispute “%(rule)s”.") % {"rule": choice.item.local_rule_name})


def charge_after(row: WearDisputeItem, outcome: str, amount: Decimal | None) -> Decimal:
    """The item's charge after the outcome; ValidationError for a reduction that is not one."""
    charge = row.item.charge
    if outcome == WearDisputeItem.Outcome.UPHELD:
        return charge
    if outcome == WearDisputeItem.Outcome.WAIVED:
        return ZERO
    if outcome == WearDisputeItem.Outcome.REDUCED and amount is not None and ZERO < money(amount) < charge:
        return money(amount)
    raise ValidationError(f"A reduced charge must be more than $0.00 and less than the {charge} charged.")


def dispute_item_resolve(
    *, row: WearDisputeItem, outcome: str, resolution: str, user, now: dt.datetime, today: dt.date,
    amount: Decimal | None = None,
) -> WearDispute:  # fmt: skip
    """Decide one disputed item; deciding the last one settles the dispute."""
    if not resolution.strip():
        raise ValidationError("Write the reason the lessee will read.")
    with transaction.atomic():
        lease_locked(row.dispute.report.lease_id)
        row = WearDisputeItem.objects.select_related("item", "dispute__report").get(pk=row.pk)
        if row.outcome:
            raise ValidationError("This item has already been decided.")
        row.charge_after = charge_after(row, outcome, amount)
        row.outcome, row.resolution, row.resolved_by, row.resolved_at = outcome, resolution.strip(), user, now
        row.save(update_fields=["charge_after", "outcome", "resolution", "resolved_by", "resolved_at"])
        dispute = row.dispute
        if not dispute.items.filter(outcome="").exists():
            dispute_settle(dispute=dispute, user=user, today=today)
        return dispute


def dispute_settle(*, dispute: WearDispute, user, today: dt.date) -> None:
    """Post the decided change to the bill, release the hold, refund a credit, tell the lessee."""
    if not WearDispute.objects.filter(pk=dispute.pk, status=WearDispute.Status.OPEN).exists():
        return
    report = dispute.report
    bill = final_bill(report.lease)
    before = wear_total_now(report)
    taken_off = sum((row.item.charge - row.charge_after for row in dispute.items.select_related("item")), ZERO)
    after = money(max(ZERO, before - taken_off))
    change = ZERO
    if after != before:
        memo = f"Wear dispute {dispute.reference}"
        change = bill_wear_adjust(bill=bill, wear_from=before, wear_to=after, memo=memo, user=user, today=today)
    WearDispute.objects.filter(pk=dispute.pk).update(
        status=WearDispute.Status.RESOLVED, resolved_on=today, wear_total_after=after, credited=-change
    )
    hold_release(reference=dispute.reference, today=today)
    refund_for_credit(lease=report.lease, bill=bill)
    enqueue_on_commit(dispute_outcome_send, dispute.pk)
    lease = report.lease
    notify(lease, Kind.DISPUTE_OUTCOME, url=link("wear:dispute", lease.public_id, dispute.public_id), key=dispute.pk)


def open_disputes():
    """Operations' queue: open disputes, oldest first."""
    return (
        WearDispute.objects.filter(status=WearDispute.Status.OPEN)
        .select_related("report__lease")
        .order_by("opened_on", "id")
    )
