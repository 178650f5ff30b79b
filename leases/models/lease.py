"""Lessees, leases and their terms and status, the parties to a lease, odometer readings."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leases.identifiers import validate_account_number
from leases.models.fields import US_STATES, MoneyField
from leases.models.vehicles import Vehicle
from quotes.engine import LeaseTerms, add_months, allowance_total, prorated_allowance

if TYPE_CHECKING:
    from leases.models.extensions import ExtensionRequest


def _recency(reading: OdometerReading) -> tuple:
    """``OdometerReadingQuerySet.latest_first()``'s order, for readings already in memory."""
    return (reading.source == OdometerReading.Source.DEALER, reading.reading_date, reading.miles, reading.pk or 0)


# The longest reason a voided odometer reading or an odometer discrepancy can carry.
VOID_REASON_MAX = 500


class Lessee(models.Model):
    """A lessee as the lessor knows them; ``user`` is set when they link an online account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessees"
    )
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address_line1 = models.CharField("address", max_length=120)
    address_line2 = models.CharField("address line 2", max_length=120, blank=True)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2, choices=US_STATES)
    zip_code = models.CharField("ZIP code", max_length=10)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def zip5(self) -> str:
        return self.zip_code[:5]

    @property
    def address_lines(self) -> list[str]:
        lines = [self.address_line1, self.address_line2, f"{self.city}, {self.state} {self.zip_code}"]
        return [line for line in lines if line]


@dataclass(frozen=True)
class Mileage:
    """An odometer reading's day and miles."""

    day: dt.date
    miles: int


@dataclass(frozen=True)
class OdometerProjection:
    """The odometer expected on a day (``Lease.odometer_projection``) and what it was drawn from."""

    on: dt.date
    miles: int
    start: Mileage  # the signing reading, or the lease's start date and start odometer
    latest: Mileage | None  # the latest reading other than the signing one
    from_readings: bool  # False: no reading since signing to take a pace from; the allowance is assumed


class LeaseQuerySet(models.QuerySet["Lease"]):
    def for_customer(self, user) -> LeaseQuerySet:
        """Leases the signed-in user is a lessee (primary or co-lessee) on; nothing for others."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Exists(LeaseParty.objects.filter(lease=OuterRef("pk"), lessee__user=user)))

    def with_extension_days_in_review(self) -> LeaseQuerySet:
        """Each lease with the days its extension requests waiting for review ask for, so that
        ``Lease.extension_days_left`` needs no query of its own (in the same query as the leases)."""
        ExtensionRequest = self.model._meta.get_field("extension_requests").related_model
        waiting = (
            ExtensionRequest.objects.filter(lease=OuterRef("pk"), status=ExtensionRequest.Status.IN_REVIEW)
            .values("lease")
            .annotate(days=Sum("days"))
            .values("days")
        )
        return self.annotate(loaded_extension_days_in_review=Coalesce(Subquery(waiting), 0))

    def open(self) -> LeaseQuerySet:
        """Leases whose lessee still has the vehicle (``Lease.is_open``)."""
        return self.filter(status__in=Lease.Status.open_values())

    def maturing_between(self, first: dt.date, last: dt.date) -> LeaseQuerySet:
        """Leases whose scheduled end date (``maturity_date``: before any extension, so not
        ``end_date``) falls from ``first`` to ``last``, both included; an index lookup."""
        return self.filter(maturity_date__gte=first, maturity_date__lte=last)

    def with_vehicle(self) -> LeaseQuerySet:
        """Each lease with its vehicle and the vehicle's make, in the same query as the leases."""
        return self.select_related("vehicle__make")

    def with_vehicle_equipment(self) -> LeaseQuerySet:
        """Each lease's vehicle with its equipment, in one query for all the leases."""
        return self.prefetch_related("vehicle__equipment")

    def with_parties(self) -> LeaseQuerySet:
        """Each lease with its parties, their lessees and the lessees' users, in one query for all
        the leases, so that ``parties_primary_first()`` and ``email_addresses()`` need none."""
        return self.prefetch_related(Prefetch("parties", queryset=LeaseParty.objects.select_related("lessee__user")))

    def with_odometer_readings(self) -> LeaseQuerySet:
        """Each lease with its odometer readings, in one query for all the leases, so that
        ``odometer_projection()`` needs none."""
        return self.prefetch_related("odometer_readings")


class Lease(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MATURING = "maturing", _("Nearing its end")
        EXTENDED = "extended", _("Extended")
        RETURNED = "returned", _("Vehicle returned")
        INSPECTED = "inspected", _("Inspected")
        SOLD = "sold", _("Sold at auction")
        CLOSED = "closed", _("Closed")
        PURCHASED = "purchased", _("Purchased")
        TERMINATED_EARLY = "terminated_early", _("Ended early")

        @classmethod
        def open_values(cls) -> list[str]:
            """Statuses in which the lessee still has the vehicle."""
            return [cls.ACTIVE, cls.MATURING, cls.EXTENDED]

    # The only moves a lease can make; each is a named method below.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.EXTENDED: (Status.ACTIVE, Status.MATURING, Status.EXTENDED),
        Status.RETURNED: (Status.ACTIVE, Status.MATURING, Status.EXTENDED),
        Status.TERMINATED_EARLY: (Status.ACTIVE, Status.MATURING),
        Status.INSPECTED: (Status.RETURNED, Status.TERMINATED_EARLY),
        Status.SOLD: (Status.INSPECTED,),
        Status.CLOSED: (Status.SOLD, Status.PURCHASED),
        Status.PURCHASED: (Status.ACTIVE, Status.MATURING, Status.EXTENDED),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account_number = models.CharField(max_length=10, unique=True, validators=[validate_account_number])
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="leases")
    lessees = models.ManyToManyField(Lessee, through="LeaseParty", related_name="leases")
    registration_state = models.CharField(max_length=2, choices=US_STATES)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)

    # Terms fixed at signing (shared/LEASE_MATH.md).
    start_date = models.DateField("lease date")
    term_months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(120)])
    adjusted_cap_cost = MoneyField("adjusted capitalized cost")
    residual_value = MoneyField("residual value")
    money_factor = models.DecimalField(max_digits=8, decimal_places=6, validators=[MinValueValidator(0)])
    tax_rate = models.DecimalField(max_digits=6, decimal_places=5, validators=[MinValueValidator(0)])
    start_odometer = models.PositiveIntegerField()
    annual_miles = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    purchased_miles = models.PositiveIntegerField(default=0)
    purchased_mile_rate = models.DecimalField(
        max_digits=6, decimal_places=4, default=0, validators=[MinValueValidator(0)]
    )
    excess_mile_rate = models.DecimalField(max_digits=6, decimal_places=4, validators=[MinValueValidator(0)])
    disposition_fee = MoneyField("disposition fee", default=0)
    purchase_option_fee = MoneyField("purchase option fee", default=0)
    early_termination_fee = MoneyField("early termination fee", default=0)
    security_deposit = MoneyField("security deposit", default=0)
    wear_waiver = MoneyField("excess wear waiver", default=0)
    max_extension_days = models.PositiveSmallIntegerField(default=180)

    # Derived from start_date + term_months; stored so "maturing soon" is an index lookup.
    maturity_date = models.DateField("scheduled end date", editable=False, db_index=True)
    extended_days = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LeaseQuerySet.as_manager()

    class Meta:
        ordering = ["maturity_date", "id"]
        indexes = [models.Index(fields=["status", "maturity_date"], name="lease_status_maturity")]
        constraints = [
            models.CheckConstraint(
                condition=Q(residual_value__lte=models.F("adjusted_cap_cost")), name="residual_not_above_cap_cost"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_number} · {self.vehicle}"

    # --- terms -------------------------------------------------------------------------------
    def terms(self) -> LeaseTerms:
        return LeaseTerms(
            start_date=self.start_date,
            term_months=self.term_months,
            adjusted_cap_cost=self.adjusted_cap_cost,
            residual_value=self.residual_value,
            money_factor=self.money_factor,
            tax_rate=self.tax_rate,
            start_odometer=self.start_odometer,
            annual_miles=self.annual_miles,
            purchased_miles=self.purchased_miles,
            purchased_mile_rate=self.purchased_mile_rate,
            excess_mile_rate=self.excess_mile_rate,
            disposition_fee=self.disposition_fee,
            purchase_option_fee=self.purchase_option_fee,
            early_termination_fee=self.early_termination_fee,
            security_deposit=self.security_deposit,
            wear_waiver=self.wear_waiver,
            max_extension_days=self.max_extension_days,
        )

    def schedule_end_date(self) -> None:
        """Set the stored scheduled end date from the terms (call after changing them)."""
        self.maturity_date = add_months(self.start_date, self.term_months)

    @property
    def end_date(self) -> dt.date:
        """The last day the lessee may keep the vehicle: the scheduled end (``maturity_date``) plus
        every approved extension day (``extended_days``)."""
        return self.maturity_date + dt.timedelta(days=self.extended_days)

    def days_left(self, today: dt.date) -> int:
        """Days from today to the end date (negative once it has passed)."""
        return (self.end_date - today).days

    # --- the return ---------------------------------------------------------------------------
    @property
    def turn_in_window_opens(self) -> dt.date:
        """The first day a return is a turn-in: ``TURN_IN_WINDOW_DAYS`` before the scheduled end.
        A return before it ends the lease early."""
        return self.maturity_date - dt.timedelta(days=settings.TURN_IN_WINDOW_DAYS)

    def return_is_early(self, on: dt.date) -> bool:
        """Whether a return on ``on`` is an early termination (billed with the adjusted lease
        balance against the sale price) rather than a turn-in."""
        return on < self.turn_in_window_opens

    def turn_in_billed_on(self, returned_on: dt.date) -> dt.date:
        """The date a turn-in is billed as of: a car handed back in the turn-in window, before the
        scheduled end, is billed as if returned on that end date (no early-termination charge)."""
        return max(returned_on, self.maturity_date)

    STATUS_SENTENCES: dict[str, str] = {
        Status.ACTIVE: _("This lease is active."),
        Status.MATURING: _("This lease is nearing its end."),
        Status.EXTENDED: _("This lease has been extended."),
        Status.RETURNED: _("The vehicle has been returned."),
        Status.INSPECTED: _("The vehicle has been returned and inspected."),
        Status.SOLD: _("The vehicle has been returned and sold at auction."),
        Status.CLOSED: _("This lease is closed."),
        Status.PURCHASED: _("The vehicle has been bought."),
        Status.TERMINATED_EARLY: _("This lease ended early."),
    }

    def status_sentence(self) -> str:
        """The status as a sentence of its own, for messages that go on to say what follows
        ("The vehicle has been returned. It can no longer be extended."): a status name pasted
        into a sentence reads "This lease is vehicle returned"."""
        return str(self.STATUS_SENTENCES[self.status])

    def status_phrase(self, today: dt.date) -> str:
        """The status in words as of today: an open lease whose end date has passed says so."""
        if self.is_open and self.days_left(today) < 0:
            return gettext("Past its end date")
        return self.get_status_display()

    def miles_allowed_to(self, on: dt.date) -> int:
        """The allowance earned by ``on``, never more than the whole lease's (``allowance_total``).

        Before the scheduled end it is the engine's prorated allowance, the one an early return is
        billed against (the yearly miles prorated by day, plus purchased miles); from the scheduled
        end on it is ``allowance_total``, the one a turn-in is billed against. Prorating a whole
        term by day can come to more than the total (36 months with a leap day are 1,096 days:
        36,032 of 36,000 miles), so the figure stops at the total. Before the start: the purchased
        miles only."""
        if on >= self.maturity_date:
            return self.allowance_total
        days = max(0, (on - self.start_date).days)
        earned = prorated_allowance(annual_miles=self.annual_miles, days=days, purchased_miles=self.purchased_miles)
        return min(earned, self.allowance_total)

    def miles_driven(self, odometer: int) -> int:
        """Miles driven since signing by an odometer reading, as the engine counts them."""
        return odometer - self.start_odometer

    def miles_over(self, driven: int, on: dt.date) -> int:
        """Miles driven beyond the allowance earned by ``on`` (``miles_allowed_to``), never below 0:
        from the scheduled end on, the excess miles a turn-in bill charges for ``driven`` miles."""
        return max(0, driven - self.miles_allowed_to(on))

    @property
    def allowance_total(self) -> int:
        """The whole lease's mileage allowance, by the engine's rule. Read from the lease's fields
        alone, so a page can show it even for terms the engine would refuse to quote."""
        return allowance_total(
            annual_miles=self.annual_miles, term_months=self.term_months, purchased_miles=self.purchased_miles
        )

    def odometer_projection(self, on: dt.date) -> OdometerProjection:
        """The odometer expected on ``on``: carried straight on from the signing reading through
        the latest reading since, in whole miles rounded half up (the latest reading itself on or
        before its day). With no reading since signing, the allowance is assumed driven exactly:
        the start odometer plus the allowance earned by ``on`` (``miles_allowed_to``: the whole
        allowance from the scheduled end on). Reads ``odometer_readings`` once, or not at all when
        prefetched."""
        readings = list(self.odometer_readings.all())
        signing = [r for r in readings if r.source == OdometerReading.Source.SIGNING]
        first = min(signing, key=lambda r: (r.reading_date, r.miles), default=None)
        start = Mileage(first.reading_date, first.miles) if first else Mileage(self.start_date, self.start_odometer)
        others = [r for r in readings if r.source != OdometerReading.Source.SIGNING]
        # As ``latest_first()``: the dealer's statement, once there is one, is the latest.
        last = max(others, key=_recency, default=None)
        latest = Mileage(last.reading_date, last.miles) if last else None
        if latest is None or latest.day <= start.day:
            miles = self.start_odometer + self.miles_allowed_to(on)
            return OdometerProjection(on, miles, start, latest, from_readings=False)
        ahead = (on - latest.day).days
        if ahead <= 0:
            return OdometerProjection(on, latest.miles, start, latest, from_readings=True)
        driven, elapsed = latest.miles - start.miles, (latest.day - start.day).days
        miles = latest.miles + (2 * driven * ahead + elapsed) // (2 * elapsed)
        return OdometerProjection(on, miles, start, latest, from_readings=True)

    # --- extensions --------------------------------------------------------------------------
    def extension_days_in_review(self, *, excluding: ExtensionRequest | None = None) -> int:
        """Days asked for in extension requests still waiting for a decision: they count against
        the limit. No query when the lease was loaded ``with_extension_days_in_review()``."""
        loaded = getattr(self, "loaded_extension_days_in_review", None)
        if loaded is not None and excluding is None:
            return loaded
        waiting = self.extension_requests.filter(status=self.extension_requests.model.Status.IN_REVIEW)
        if excluding is not None:
            waiting = waiting.exclude(pk=excluding.pk)
        return waiting.aggregate(days=Sum("days"))["days"] or 0

    def extension_days_left(self, *, excluding: ExtensionRequest | None = None) -> int:
        """How many more days the lease can be extended by: its limit less the days already
        granted (``extended_days``) and the days waiting for review (``excluding`` one request, the
        one being decided). The extension service enforces this; every page offers no more."""
        granted = self.extended_days + self.extension_days_in_review(excluding=excluding)
        return max(0, self.max_extension_days - granted)

    @property
    def is_open(self) -> bool:
        return self.status in Lease.Status.open_values()

    # --- lessees ------------------------------------------------------------------------------
    def parties_primary_first(self) -> list[LeaseParty]:
        """The parties to the lease with their lessees, the primary lessee first (LeaseParty's
        ordering). One query, or none when ``parties__lessee__user`` is prefetched."""
        if "parties" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.parties.all())
        return list(self.parties.select_related("lessee__user"))

    @property
    def primary_lessee(self) -> Lessee | None:
        parties = self.parties_primary_first()
        return parties[0].lessee if parties and parties[0].role == LeaseParty.Role.PRIMARY else None

    def email_addresses(self) -> list[str]:
        """Every lessee on the lease, the primary first, each once: the address we hold for them,
        else their sign-in address. One query, or none when ``parties__lessee__user`` is prefetched."""
        found: dict[str, str] = {}
        for party in self.parties_primary_first():
            lessee = party.lessee
            address = lessee.email or (lessee.user.email if lessee.user else "")
            if address:
                found.setdefault(address.lower(), address)
        return list(found.values())

    # --- status changes ----------------------------------------------------------------------
    def _move_to(self, status: str) -> None:
        allowed = self.TRANSITIONS[status]
        # A conditional UPDATE: two concurrent moves cannot both win.
        moved = Lease.objects.filter(pk=self.pk, status__in=allowed).update(status=status)
        if not moved:
            raise InvalidTransition(f"A lease that is {self.get_status_display().lower()} cannot become {status}.")
        self.status = status

    def mark_extended(self) -> None:
        self._move_to(Lease.Status.EXTENDED)

    def mark_returned(self) -> None:
        self._move_to(Lease.Status.RETURNED)

    def mark_terminated_early(self) -> None:
        self._move_to(Lease.Status.TERMINATED_EARLY)

    def mark_inspected(self) -> None:
        self._move_to(Lease.Status.INSPECTED)

    def mark_sold(self) -> None:
        self._move_to(Lease.Status.SOLD)

    def mark_purchased(self) -> None:
        self._move_to(Lease.Status.PURCHASED)

    def close(self) -> None:
        self._move_to(Lease.Status.CLOSED)


class InvalidTransition(Exception):
    pass


class LeaseParty(models.Model):
    class Role(models.TextChoices):
        PRIMARY = "primary", _("Lessee")
        CO_LESSEE = "co_lessee", _("Co-lessee")

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="parties")
    lessee = models.ForeignKey(Lessee, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PRIMARY)

    class Meta:
        # The primary lessee first, then the co-lessees in the order they were added: every list
        # of a lease's lessees (pages, kit, emails, statements) comes in this order.
        ordering = [Case(When(role="primary", then=Value(0)), default=Value(1)), "id"]
        verbose_name = "lessee on a lease"
        verbose_name_plural = "lessees on leases"
        constraints = [
            models.UniqueConstraint(fields=["lease", "lessee"], name="party_once_per_lease"),
            models.UniqueConstraint(fields=["lease"], condition=Q(role="primary"), name="one_primary_lessee"),
        ]

    def __str__(self) -> str:
        return f"{self.lessee} ({self.get_role_display()})"


class OdometerReadingQuerySet(models.QuerySet["OdometerReading"]):
    def latest_first(self) -> OdometerReadingQuerySet:
        """Newest first, the dealer's odometer statement before everything: once the vehicle is
        back it is the mileage, even when it says less than a reading the same day (a statement
        that the odometer is not the actual mileage)."""
        return self.order_by(
            Case(When(source=OdometerReading.Source.DEALER, then=Value(0)), default=Value(1)),
            "-reading_date",
            "-miles",
            "-id",
        )


class CountedReadings(models.Manager.from_queryset(OdometerReadingQuerySet)):  # type: ignore[misc]
    """The readings that count, voided ones left out. It is the default manager, so every read
    through ``lease.odometer_readings`` (the latest reading, the projection, miles driven, the
    checks against earlier and later readings, the kit, quotes, the bill) ignores a voided reading
    without having to remember to. ``OdometerReading.history`` has them all."""

    def get_queryset(self) -> OdometerReadingQuerySet:
        return super().get_queryset().filter(voided_at__isnull=True)


class OdometerReading(models.Model):
    """A reading, never edited or deleted: a wrong one is voided with the reason kept (and, when
    the lessee corrects their own, the corrected reading points at it through ``corrects``)."""

    class Source(models.TextChoices):
        SIGNING = "signing", _("At signing")
        LESSEE = "lessee", _("Reported by you")
        DEALER = "dealer", _("Dealer")
        INSPECTION = "inspection", _("Inspection")

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="odometer_readings")
    reading_date = models.DateField()
    miles = models.PositiveIntegerField()
    source = models.CharField(max_length=12, choices=Source.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    void_reason = models.CharField(max_length=VOID_REASON_MAX, blank=True, editable=False)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="correction", editable=False
    )

    objects = CountedReadings()
    history = OdometerReadingQuerySet.as_manager()  # voided readings too: the lease page's list, the admin

    class Meta:
        default_manager_name = "objects"
        ordering = ["-reading_date", "-miles", "-id"]
        get_latest_by = ["reading_date", "miles", "id"]
        indexes = [models.Index(fields=["lease", "-reading_date", "-miles"], name="odometer_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="odometer_void_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.miles:,} mi on {self.reading_date:%Y-%m-%d}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None
