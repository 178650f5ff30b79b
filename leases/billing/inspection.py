"""The turn-in inspection and the auction sale, as operations record them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from leases.models import (
    AuctionSale,
    Inspection,
    Lease,
)
from quotes.engine import long_date, money


def inspection_check(*, lease: Lease, returned_on: dt.date, inspected_on: dt.date, today: dt.date) -> None:
    if lease.status not in (Lease.Status.RETURNED, Lease.Status.TERMINATED_EARLY):
        raise ValidationError(
            f"Only a returned vehicle can be inspected. {lease.status_sentence()}"
        )
    if Inspection.objects.filter(lease=lease).exists():
        raise ValidationError("An inspection is already recorded for this lease.")
    if returned_on < lease.start_date:
        raise ValidationError("The return date is before the lease began.")
    if inspected_on < returned_on:
        raise ValidationError("The inspection date is before the vehicle was returned.")
    if inspected_on > today:
        raise ValidationError("The inspection date is in the future.")
    early = lease.return_is_early(returned_on)
    if lease.status == Lease.Status.TERMINATED_EARLY and not early:
        raise ValidationError(
            "This lease ended early, so its return date must be before the turn-in window opened on "
            f"{long_date(lease.turn_in_window_opens)}."
        )
    if lease.status == Lease.Status.RETURNED and early:
        raise ValidationError(
            f"A return before {long_date(lease.turn_in_window_opens)} ends the lease early: mark the lease "
            "terminated early first, or check the return date."
        )


def inspection_record(
    *,
    lease: Lease,
    returned_on: dt.date,
    inspected_on: dt.date,
    wear_total: Decimal,
    user,
    today: dt.date,
    notes: str = "",
    wear_report: str = "",
    wear_standard_version: int | None = None,
) -> Inspection:
    """Record the inspection; ``wear_report`` names the condition report the wear total comes from."""
    with transaction.atomic():
        lease = Lease.objects.select_for_update().get(pk=lease.pk)
        inspection_check(lease=lease, returned_on=returned_on, inspected_on=inspected_on, today=today)
        inspection = Inspection.objects.create(
            lease=lease,
            returned_on=returned_on,
            inspected_on=inspected_on,
            wear_total=money(wear_total),
            ended_early=lease.status == Lease.Status.TERMINATED_EARLY,
            notes=notes,
            wear_report=wear_report,
            wear_standard_version=wear_standard_version,
            recorded_by=user,
        )
        lease.mark_inspected()
        return inspection


def auction_sale_check(*, lease: Lease, sold_on: dt.date, price: Decimal, today: dt.date) -> None:
    if lease.status != Lease.Status.INSPECTED:
        raise ValidationError(
            f"A sale can be recorded once the vehicle is inspected. {lease.status_sentence()}"
        )
    inspection = Inspection.objects.filter(lease=lease).first()
    if inspection and sold_on < inspection.returned_on:
        raise ValidationError("The sale date is before the vehicle was returned.")
    if sold_on > today:
        raise ValidationError("The sale date is in the future.")
    if price <= 0:
        raise ValidationError("The sale price must be more than zero.")


def auction_sale_record(
    *, lease: Lease, sold_on: dt.date, price: Decimal, user, today: dt.date, auction: str = ""
) -> AuctionSale:
    with transaction.atomic():
        lease = Lease.objects.select_for_update().get(pk=lease.pk)
        auction_sale_check(lease=lease, sold_on=sold_on, price=price, today=today)
        sale = AuctionSale.objects.create(
            lease=lease, sold_on=sold_on, price=money(price), auction=auction, recorded_by=user
        )
        lease.mark_sold()
        return sale
