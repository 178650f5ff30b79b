"""The dealer's check-in: odometer statement, equipment returned, and the lease marked returned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from leases.billing.equipment import missing_equipment_record
from leases.models import Dealer, InvalidTransition, Lease, OdometerReading
from leases.selectors import dealer_franchised_for, open_leases_for_dealer
from leases.services import lease_locked, odometer_record, void_reason_clean
from portal.notify import Kind, link, notify
from portal.tasks import enqueue_on_commit
from quotes.engine import long_date
from returnkit.turnin import tasks
from returnkit.turnin.models import Appointment, ReturnedItem, TurnIn
from returnkit.turnin.receipts import RECEIPT_PDF


class CheckInRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckIn:
    """What the dealer's form collects."""

    miles: int
    odometer_status: str
    lessee_printed_name: str
    dealer_rep_name: str
    returned: dict[int, int] = field(default_factory=dict)  # VehicleEquipment id → count brought back
    condition_notes: str = ""
    odometer_status_reason: str = ""  # required unless the reading is the actual mileage
    lessee_signature: str = ""  # the lessee's typed name, signed with ESIGN consent (the form requires it)
    lessee_signed_ip: str | None = None

    @property
    def odometer_actual(self) -> bool:
        return self.odometer_status == TurnIn.OdometerStatus.ACTUAL


def signature_matches(*, printed_name: str, signature: str) -> bool:
    """Whether a typed signature is the printed name (case and spacing aside)."""
    def same(text: str) -> str:
        return " ".join(text.split()).casefold()

    return bool(same(signature)) and same(signature) == same(printed_name)


def checkable_leases(dealer: Dealer):
    """Leases a dealer may look up for a walk-in: open, and of a make it is franchised for."""
    return open_leases_for_dealer(dealer)


def turnin_check_in(
    *, dealer: Dealer, lease: Lease, check_in: CheckIn, user, now: dt.datetime, today: dt.date
) -> TurnIn:
    """Record the return in one transaction; the receipt is emailed once it has committed.

    Raises CheckInRefused (already returned, wrong make) or the ValidationError from
    ``leases.services.check_odometer`` (for example a reading below the last one); either way
    nothing is saved.
    """
    with transaction.atomic():
        lease = lease_locked(lease.pk, with_vehicle=True)
        _refuse_unless_checkable(dealer, lease)
        reading = odometer_record(
            lease=lease,
            miles=check_in.miles,
            on=today,
            source=OdometerReading.Source.DEALER,
            today=today,
            user=user,
            actual=check_in.odometer_actual,  # "not actual" is recorded as such, whatever came before
        )
        turnin = _turnin_create(dealer, lease, check_in, reading, user=user, now=now, today=today)
        _returned_items_create(turnin, lease, check_in.returned)
        missing_equipment_record(lease=lease, returned=check_in.returned)
        _lease_mark_returned(lease, dealer, now, early=lease.return_is_early(today))
        RECEIPT_PDF.enqueue(turnin.pk)
        enqueue_on_commit(tasks.send_return_receipt, turnin.pk)
        notify(lease, Kind.VEHICLE_CHECKED_IN, url=link("turnin:receipt", lease.public_id), key=turnin.pk)
    return turnin


def _refuse_unless_checkable(dealer: Dealer, lease: Lease) -> None:
    earlier = TurnIn.objects.filter(lease=lease).first()
    if earlier is not None:
        raise CheckInRefused(
            f"This vehicle was already checked in at {earlier.dealer_name} on {long_date(earlier.returned_on)}."
        )
    if not lease.is_open:
        raise CheckInRefused(f"{lease.status_sentence()} There is nothing to check in.")
    if not dealer_franchised_for(dealer, lease.vehicle.make_id):
        raise CheckInRefused(f"{dealer.name} is not franchised for {lease.vehicle.make.name}.")


def _turnin_create(
    dealer: Dealer,
    lease: Lease,
    check_in: CheckIn,
    reading: OdometerReading,
    *,
    user,
    now: dt.datetime,
    today: dt.date,
) -> TurnIn:
    """The record of the return, with the parties' names and addresses as they stand today."""
    return TurnIn.objects.create(
        lease=lease,
        appointment=Appointment.objects.active().filter(lease=lease, slot__dealer=dealer).first(),
        dealer=dealer,
        odometer_reading=reading,
        returned_on=today,
        checked_in_at=now,
        checked_in_by=user,
        condition_notes=check_in.condition_notes.strip(),
        **_odometer_statement(check_in, now),
        **_dealer_and_lessor(dealer),
        **_vehicle_and_lessees(lease),
    )


def _returned_items_create(turnin: TurnIn, lease: Lease, returned: dict[int, int]) -> None:
    """Each piece of the vehicle's equipment: how many were expected, how many came back."""
    ReturnedItem.objects.bulk_create(
        ReturnedItem(
            turnin=turnin,
            name=item.name,
            expected=item.quantity,
            returned=min(max(returned.get(item.pk, 0), 0), item.quantity),
        )
        for item in lease.vehicle.equipment.all()
    )


def _lease_mark_returned(lease: Lease, dealer: Dealer, now: dt.datetime, *, early: bool) -> None:
    """The lease is returned (or, before the turn-in window, ended early); its booking here is
    completed, a booking elsewhere cancelled."""
    try:
        lease.mark_terminated_early() if early else lease.mark_returned()
    except InvalidTransition as error:
        raise CheckInRefused(str(error)) from None
    active = Appointment.objects.active().filter(lease=lease)
    active.filter(slot__dealer=dealer).update(status=Appointment.Status.COMPLETED)
    # Returned somewhere else than booked: that booking frees its place.
    active.update(status=Appointment.Status.CANCELLED, cancelled_at=now)


def _odometer_statement(check_in: CheckIn, now: dt.datetime) -> dict:
    """The odometer disclosure: the reading, its status (with the written reason when it is not
    the actual mileage), and who certified it and when."""
    reason = "" if check_in.odometer_actual else void_reason_clean(check_in.odometer_status_reason)
    return {
        "odometer_miles": check_in.miles,
        "odometer_status": check_in.odometer_status,
        "odometer_status_reason": reason,
        "lessee_printed_name": check_in.lessee_printed_name.strip(),
        "lessee_certified_at": now,
        "lessee_signature": check_in.lessee_signature.strip(),
        "lessee_esign_consent": bool(check_in.lessee_signature.strip()),
        "lessee_signed_ip": check_in.lessee_signed_ip,
        "dealer_rep_name": check_in.dealer_rep_name.strip(),
        "dealer_certified_at": now,
    }


def _dealer_and_lessor(dealer: Dealer) -> dict:
    return {
        "dealer_name": dealer.name,
        "dealer_address": "\n".join(dealer.address_lines),
        "lessor_name": settings.LESSOR["name"],
        "lessor_address": settings.LESSOR["mailing_address"],
    }


def _vehicle_and_lessees(lease: Lease) -> dict:
    vehicle = lease.vehicle
    parties = lease.parties_primary_first()
    primary = parties[0].lessee
    return {
        "vin": vehicle.vin,
        "year": vehicle.year,
        "make": vehicle.make.name,
        "model": vehicle.model,
        "body_type": vehicle.body_type,
        "lessee_names": " and ".join(p.lessee.full_name for p in parties),
        "lessee_address": "\n".join(primary.address_lines),
    }
