"""Writes that touch several rows: linking an online account to a lease, and odometer readings;
and the lease row lock that every app's writes on a lease take first."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leases.models import VOID_REASON_MAX, Lease, LeaseParty, Lessee, OdometerReading
from portal import ratelimit
from quotes.engine import long_date

# Faster than any car is driven for long: a reading implying more is a typo or a roll-forward.
MAX_MILES_PER_DAY = 1_000
# A lessee may correct their latest reading this often in 24 hours; more is for operations.
MAX_CORRECTIONS_PER_DAY = 3


def lease_locked(pk: int, *, with_vehicle: bool = False) -> Lease:
    """The lease read afresh with its row locked (``select_for_update``) until the transaction
    ends: call it inside ``transaction.atomic``, before checking what a concurrent change could
    alter. ``with_vehicle`` reads the vehicle and its make in the same query, locking only the
    lease's row. Lease.DoesNotExist if there is no such lease."""
    if with_vehicle:
        return Lease.objects.select_for_update(of=("self",)).select_related("vehicle__make").get(pk=pk)
    return Lease.objects.select_for_update().get(pk=pk)


class LinkFailed(Exception):
    """The details did not match a lease that can be linked. One message for every cause."""


LINK_WINDOW = dt.timedelta(hours=1)


def link_limits(*, user, ip: str) -> list[ratelimit.Limit]:
    """Failed links allowed an hour: five for a signed-in person, twenty from one IP address. Never
    per account number, so a stranger's guesses cannot lock the real lessee out."""
    return [
        ratelimit.Limit("link", f"user:{user.pk}", 5, LINK_WINDOW),
        ratelimit.Limit("link", f"ip:{ip}", 20, LINK_WINDOW),
    ]


def lease_link(*, user, account_number: str, vin_last6: str, zip_code: str) -> Lease:
    """Link ``user`` to the lessee on the lease matching all three details."""
    account_number = account_number.strip()
    vin_last6 = vin_last6.strip().upper()
    zip5 = zip_code.strip()[:5]
    with transaction.atomic():
        lease = (
            Lease.objects.select_related("vehicle")
            .filter(account_number=account_number, vehicle__vin__endswith=vin_last6)
            .first()
        )
        if lease is None or len(vin_last6) != 6:
            raise LinkFailed
        candidates = [
            p.lessee
            for p in LeaseParty.objects.select_for_update(of=("lessee",))
            .select_related("lessee")
            .filter(lease=lease, lessee__zip_code__startswith=zip5)
            if len(zip5) == 5
        ]
        if any(lessee.user_id == user.pk for lessee in candidates):
            return lease
        free = [lessee for lessee in candidates if lessee.user_id is None]
        if not free:
            raise LinkFailed
        # Where both lessees share a ZIP code, the one with this email is the one signing up.
        free.sort(key=lambda lessee: lessee.email.lower() != user.email.lower())
        Lessee.objects.filter(pk=free[0].pk, user__isnull=True).update(user=user)
        return lease


def _neighbours(lease: Lease, on: dt.date) -> tuple[OdometerReading | None, OdometerReading | None]:
    readings = lease.odometer_readings  # counted readings only: a voided one contradicts nothing
    before = readings.filter(reading_date__lte=on).order_by("-reading_date", "-miles").first()
    after = readings.filter(reading_date__gt=on).order_by("reading_date", "miles").first()
    return before, after


def days_in_words(days: int) -> str:
    """ "1 day", "15 days"."""
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": f"{days:,}"}


def check_odometer(*, lease: Lease, miles: int, on: dt.date, today: dt.date, actual: bool = True) -> None:
    """Refuse readings that cannot be true, with a message a lessee can act on.

    ``actual=False`` is a dealer's statement that the odometer does not show the vehicle's actual
    mileage, or has gone past its mechanical limits (49 CFR 580): it is recorded as such whatever
    earlier readings say, so only its date is checked."""
    if on > today:
        raise ValidationError(_("The reading date cannot be in the future."), code="future")
    if on < lease.start_date:
        raise ValidationError(_("The reading date is before your lease began."), code="before_start")
    if not actual:
        return
    before, after = _neighbours(lease, on)
    floor_miles, floor_date = (
        (before.miles, before.reading_date) if before else (lease.start_odometer, lease.start_date)
    )
    if miles < floor_miles:
        raise ValidationError(
            _(
                "%(miles)s miles is below the last reading of %(last)s miles on %(date)s. "
                "Odometers don't go backwards: please check the number."
            ),
            params={"miles": f"{miles:,}", "last": f"{floor_miles:,}", "date": long_date(floor_date)},
            code="below_previous",
        )
    if after and miles > after.miles:
        raise ValidationError(
            _("%(miles)s miles is above a later reading of %(later)s miles on %(date)s."),
            params={"miles": f"{miles:,}", "later": f"{after.miles:,}", "date": long_date(after.reading_date)},
            code="above_later",
        )
    days = max(1, (on - floor_date).days)
    if miles - floor_miles > days * MAX_MILES_PER_DAY:
        raise ValidationError(
            _(
                "That is %(jump)s miles in %(days)s since the last reading, which looks like a typo. "
                "Please check the number on your odometer."
            ),
            params={"jump": f"{miles - floor_miles:,}", "days": days_in_words(days)},
            code="impossible_jump",
        )


def lessee_reading_check(lease: Lease) -> None:
    """A lessee records readings while they have the vehicle. Once it is back, the odometer
    statement signed at the return is the final reading: the bill is computed from it."""
    if not lease.is_open:
        raise ValidationError(
            _(
                "Your vehicle has been returned, so its mileage is the one on the odometer statement signed "
                "at the return. No more readings can be added."
            ),
            code="returned",
        )


def odometer_record(
    *, lease: Lease, miles: int, on: dt.date, source: str, today: dt.date, user=None, actual: bool = True
) -> OdometerReading:
    """A new reading, checked against the counted readings around it (``actual=False``: a dealer's
    statement that the odometer is not the actual mileage, see ``check_odometer``)."""
    with transaction.atomic():
        # Serialise readings per lease so two submissions cannot both pass the checks.
        current = Lease.objects.select_for_update().filter(pk=lease.pk).first()
        if source == OdometerReading.Source.LESSEE and current is not None:
            lessee_reading_check(current)
        check_odometer(lease=lease, miles=miles, on=on, today=today, actual=actual)
        return OdometerReading.objects.create(
            lease=lease, miles=miles, reading_date=on, source=source, recorded_by=user
        )


def latest_reading(lease: Lease) -> OdometerReading | None:
    """The lease's latest counted reading (the dealer's statement once there is one)."""
    return lease.odometer_readings.latest_first().first()


def reading_at_return(lease: Lease, *, returned_on: dt.date | None = None) -> OdometerReading | None:
    """The reading a return is billed at: the dealer's odometer statement when one was signed,
    otherwise the latest reading on or before the return (a later one is not the return's).
    Voided readings never count."""
    readings = lease.odometer_readings.latest_first()
    statement = readings.filter(source=OdometerReading.Source.DEALER).first()
    if statement is not None:
        return statement
    if returned_on is not None:
        readings = readings.filter(reading_date__lte=returned_on)
    return readings.first()


# --- correcting and voiding readings -------------------------------------------------------------


def void_reason_clean(reason: str) -> str:
    """A reason for voiding a reading or for an odometer discrepancy: written, and not too long."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Please say why."), code="reason_required")
    if len(reason) > VOID_REASON_MAX:
        raise ValidationError(
            _("Please keep the reason under %(max)s characters."), params={"max": VOID_REASON_MAX}, code="reason_long"
        )
    return reason


def correction_refusal(lease: Lease, latest: OdometerReading | None) -> ValidationError | None:
    """Why the lessee cannot correct ``latest`` (the lease's latest counted reading) online, or
    None if they can: only their own latest reading, while they have the car and before a dealer
    has signed an odometer statement. Anything else is for operations."""
    if not lease.is_open:
        return ValidationError(
            _(
                "Your vehicle has been returned: its mileage is the one on the odometer statement signed at the "
                "return. If a reading is wrong, please call us at %(phone)s."
            ),
            params={"phone": settings.LESSOR["customer_phone"]},
            code="returned",
        )
    if latest is not None and latest.source == OdometerReading.Source.DEALER:
        return ValidationError(
            _(
                "The dealer's odometer statement is now the vehicle's mileage, so earlier readings can no "
                "longer be corrected online. Please call us at %(phone)s."
            ),
            params={"phone": settings.LESSOR["customer_phone"]},
            code="statement_signed",
        )
    if latest is None or latest.source != OdometerReading.Source.LESSEE:
        return ValidationError(
            _("Only the latest reading you reported yourself can be corrected online."), code="not_correctable"
        )
    return None


def correctable_reading(lease: Lease) -> OdometerReading:
    """The reading the lessee may correct, or the ValidationError saying why there is none."""
    latest = latest_reading(lease)  # the dealer's statement first, once there is one
    refusal = correction_refusal(lease, latest)
    if refusal is not None:
        raise refusal
    assert latest is not None  # correction_refusal refuses None
    return latest


def _corrections_today_check(lease: Lease, now: dt.datetime) -> None:
    since = now - dt.timedelta(days=1)
    done = OdometerReading.history.filter(lease=lease, correction__isnull=False, voided_at__gte=since).count()
    if done >= MAX_CORRECTIONS_PER_DAY:
        raise ValidationError(
            _("This reading has been corrected %(count)s times in the last day. Please call us at %(phone)s."),
            params={"count": done, "phone": settings.LESSOR["customer_phone"]},
            code="too_many_corrections",
        )


def _reading_void(reading: OdometerReading, *, reason: str, user, now: dt.datetime) -> bool:
    """Mark the reading voided, once: False if it already was (a second click, a race)."""
    voided = OdometerReading.objects.filter(pk=reading.pk).update(voided_at=now, voided_by=user, void_reason=reason)
    reading.voided_at, reading.voided_by, reading.void_reason = now, user, reason
    return voided == 1


def odometer_correct(
    *, lease: Lease, wrong_miles: int, miles: int, reason: str, user, today: dt.date, now: dt.datetime
) -> OdometerReading:
    """Replace the lessee's latest reading (``wrong_miles``, as their page showed it) by ``miles``
    on the same day: the wrong one is kept, voided with the reason, and the new one points at it.

    Raises ValidationError when the reading cannot be corrected online (``correctable_reading``),
    has changed since the page was shown, was corrected too often today, or ``miles`` fails the
    checks against the other readings; then nothing is saved. Submitting the same correction
    twice returns the first one's reading."""
    with transaction.atomic():
        locked = lease_locked(lease.pk)
        wrong = correctable_reading(locked)
        if wrong.miles != wrong_miles:
            if wrong.corrects is not None and (wrong.corrects.miles, wrong.miles) == (wrong_miles, miles):
                return wrong  # this very correction, already made (a double click)
            raise ValidationError(
                _("Your latest reading is now %(latest)s miles: please check it and try again."),
                params={"latest": f"{wrong.miles:,}"},
                code="changed",
            )
        if miles == wrong.miles:
            raise ValidationError(_("That is the reading already recorded."), code="unchanged")
        _corrections_today_check(locked, now)
        _reading_void(wrong, reason=void_reason_clean(reason), user=user, now=now)
        check_odometer(lease=locked, miles=miles, on=wrong.reading_date, today=today)
        return OdometerReading.objects.create(
            lease=locked,
            miles=miles,
            reading_date=wrong.reading_date,
            source=OdometerReading.Source.LESSEE,
            recorded_by=user,
            corrects=wrong,
        )


def odometer_void(*, reading: OdometerReading, reason: str, user, now: dt.datetime) -> bool:
    """Operations void a reading with a reason; it then counts nowhere. False if it was already
    voided. A bill already issued keeps the reading it was issued with. The dealer's odometer
    statement is the signed record of the return and the bill's authority: it is never voided."""
    if reading.source == OdometerReading.Source.DEALER:
        raise ValidationError(
            _(
                "This is the odometer statement signed at the return: it is the record the final bill uses and "
                "cannot be voided. If it is wrong, record the correction in the turn-in's notes and the bill's review."
            ),
            code="statement",
        )
    with transaction.atomic():
        lease_locked(reading.lease_id)
        return _reading_void(reading, reason=void_reason_clean(reason), user=user, now=now)
