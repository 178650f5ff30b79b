"""Turn-in slots at dealers, lessees' appointments, dealer staff, and the check-in record."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from leases.models import VOID_REASON_MAX, Dealer, Lease, OdometerReading
from returnkit.turnin.geo import zone_for_zip


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class TurnInSchedule(models.Model):
    """How a dealer takes turn-ins: how many at once (bays) and how long each one takes."""

    dealer = models.OneToOneField(Dealer, on_delete=models.CASCADE, related_name="turnin_schedule")
    bays = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Turn-ins the dealer can take at the same time: each slot's capacity.",
    )
    slot_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(240)]
    )

    class Meta:
        verbose_name = "turn-in schedule"

    def __str__(self) -> str:
        return f"Turn-in schedule for {self.dealer.name}"


class OpeningHours(models.Model):
    """The hours in which a dealer takes turn-ins on one day of the week (dealer's local time)."""

    schedule = models.ForeignKey(TurnInSchedule, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.UniqueConstraint(fields=["schedule", "weekday"], name="turnin_hours_once_per_day"),
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="turnin_hours_close_after_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class SlotQuerySet(models.QuerySet["TurnInSlot"]):
    def with_booked(self) -> SlotQuerySet:
        """Annotate ``booked``: active appointments, counted in the same query."""
        return self.annotate(booked=Count("appointments", filter=Q(appointments__status=Appointment.Status.BOOKED)))

    def with_room(self) -> SlotQuerySet:
        return self.with_booked().filter(booked__lt=F("capacity"))


class TurnInSlot(models.Model):
    """A time at a dealer when ``capacity`` vehicles can be turned in."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="turnin_slots")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=60, validators=[MinValueValidator(15)])
    capacity = models.PositiveSmallIntegerField(default=2, help_text="0 closes the slot without removing bookings.")

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "dealer"]
        verbose_name = "turn-in slot"
        constraints = [models.UniqueConstraint(fields=["dealer", "starts_at"], name="turnin_slot_unique_time")]
        indexes = [models.Index(fields=["starts_at"], name="turnin_slot_starts")]

    def __str__(self) -> str:
        return f"{self.dealer.name}, {self.local_start:%a %b %-d %Y %-I:%M %p}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zone_for_zip(self.dealer.zip_code)

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> dt.datetime:
        return self.local_start + dt.timedelta(minutes=self.minutes)

    # Naive local wall-clock times for templates, so the date filter does not shift them into
    # the site's time zone: a dealer's 10 a.m. is shown as 10 a.m. wherever the dealer is.
    @property
    def wall_start(self) -> dt.datetime:
        return self.local_start.replace(tzinfo=None)

    @property
    def wall_end(self) -> dt.datetime:
        return self.local_end.replace(tzinfo=None)

    @property
    def zone_abbreviation(self) -> str:
        return self.local_start.tzname() or ""

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def active(self) -> AppointmentQuerySet:
        return self.filter(status=Appointment.Status.BOOKED)


class Appointment(models.Model):
    """A lessee's turn-in appointment. Moving it keeps the row (and the calendar UID)."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Vehicle checked in"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="turnin_appointments")
    slot = models.ForeignKey(TurnInSlot, on_delete=models.PROTECT, related_name="appointments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    # The iCalendar SEQUENCE: goes up with every change, so calendars replace the old invitation.
    sequence = models.PositiveIntegerField(default=0)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The day-before reminder's claim (portal.once.claimed), so it goes out once; cleared on a move.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            # Whatever the concurrency, a lease holds at most one active appointment.
            models.UniqueConstraint(
                fields=["lease"], condition=Q(status="booked"), name="turnin_one_active_appointment_per_lease"
            ),
        ]
        indexes = [models.Index(fields=["slot", "status"], name="turnin_appt_slot_status")]

    def __str__(self) -> str:
        return f"{self.lease.account_number} at {self.slot}"

    @property
    def is_active(self) -> bool:
        return self.status == Appointment.Status.BOOKED


class AppointmentEmail(models.Model):
    """One row per invitation sent: the unique (appointment, sequence) row is its claim
    (portal.once.claimed), inserted and committed before the email goes, deleted if sending fails."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="emails")
    sequence = models.PositiveIntegerField()
    class Kind(models.TextChoices):
        BOOKED = "booked", "Booked"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    claim_token = models.UUIDField(db_index=True, editable=False, help_text="The task run that claimed it.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "sequence"], name="turnin_email_once_per_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.sequence} for {self.appointment_id}"


class DealerStaff(models.Model):
    """A user who works at one dealership and may check vehicles in there."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dealer_staff")
    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="staff")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "dealer staff member"
        verbose_name_plural = "dealer staff"

    def __str__(self) -> str:
        return f"{self.user} at {self.dealer.name}"


class TurnIn(models.Model):
    """The vehicle's return at a dealer, with the odometer disclosure statement as signed.

    Everything the statement shows (49 CFR 580.7) is copied here at check-in, so the record and
    the receipt rendered from it never change if the lease, lessee or dealer rows are edited later.
    """

    class OdometerStatus(models.TextChoices):
        # The statement's own words (49 CFR 580.5), in the reader's language on the receipt.
        ACTUAL = "actual", _("The reading is the actual mileage of the vehicle")
        EXCEEDS = "exceeds", _("The mileage is beyond the odometer's mechanical limits")
        NOT_ACTUAL = "not_actual", _("The reading is NOT the actual mileage (odometer discrepancy)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # One per lease: a second check-in is refused by the database as well as by the service.
    lease = models.OneToOneField(Lease, on_delete=models.PROTECT, related_name="turnin")
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="turnin"
    )
    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="turnins")
    odometer_reading = models.OneToOneField(OdometerReading, on_delete=models.PROTECT, related_name="turnin")
    returned_on = models.DateField()
    checked_in_at = models.DateTimeField()
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    # The odometer disclosure statement.
    odometer_miles = models.PositiveIntegerField("odometer reading (no tenths)")
    odometer_status = models.CharField(max_length=10, choices=OdometerStatus.choices)
    # Required when the reading is not the actual mileage or is past the odometer's limits.
    odometer_status_reason = models.CharField(
        "why the reading is not the actual mileage", max_length=VOID_REASON_MAX, blank=True
    )
    vin = models.CharField("VIN", max_length=17)
    year = models.PositiveSmallIntegerField()
    make = models.CharField(max_length=40)
    model = models.CharField(max_length=60)
    body_type = models.CharField(max_length=40)
    lessee_names = models.CharField(max_length=255)
    lessee_address = models.TextField()
    lessor_name = models.CharField(max_length=120)
    lessor_address = models.TextField()
    dealer_name = models.CharField(max_length=120)
    dealer_address = models.TextField()
    lessee_printed_name = models.CharField(max_length=120)
    lessee_certified_at = models.DateTimeField()
    # The lessee's electronic signature (ESIGN Act): their typed name, given with their consent to
    # sign electronically, at lessee_certified_at, from this IP address (the dealer's screen).
    lessee_signature = models.CharField("lessee's typed signature", max_length=120, blank=True)
    lessee_esign_consent = models.BooleanField("lessee consented to sign electronically", default=False)
    lessee_signed_ip = models.GenericIPAddressField("signed from IP address", null=True, blank=True)
    dealer_rep_name = models.CharField("dealer representative", max_length=120)
    dealer_certified_at = models.DateTimeField()

    condition_notes = models.TextField(blank=True)
    receipt = models.FileField(
        "receipt PDF", upload_to="private/receipts/%Y/%m/", max_length=200, blank=True, editable=False
    )
    receipt_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_in_at"]
        verbose_name = "turn-in"

    def __str__(self) -> str:
        return f"{self.vin} returned at {self.dealer_name} on {self.returned_on:%Y-%m-%d}"

    @property
    def dealer_address_line(self) -> str:
        return ", ".join(self.dealer_address.splitlines())

    @property
    def missing_items(self) -> list[ReturnedItem]:
        return [item for item in self.items.all() if item.missing]


class ReturnedItem(models.Model):
    """One line of the equipment checklist: what the vehicle came with and what came back."""

    turnin = models.ForeignKey(TurnIn, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(max_length=80)
    expected = models.PositiveSmallIntegerField()
    returned = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(returned__lte=F("expected")), name="turnin_item_not_over_expected")
        ]

    def __str__(self) -> str:
        return f"{self.returned}/{self.expected} × {self.name}"

    @property
    def missing(self) -> int:
        return self.expected - self.returned


class WalkInLookup(models.Model):
    """One walk-in look-up by dealer staff: who asked, at which dealer, what they typed (masked),
    and whether it found a lease. Operations read these in the admin; nobody edits them."""

    class Outcome(models.TextChoices):
        FOUND = "found", "Found"
        NOT_FOUND = "not_found", "Not found"
        THROTTLED = "throttled", "Refused: too many look-ups"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="walk_in_lookups")
    identifier_typed = models.CharField("VIN or account number (masked)", max_length=40)
    last_name_typed = models.CharField("last name (masked)", max_length=40)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    lease = models.ForeignKey(Lease, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "walk-in look-up"

    def __str__(self) -> str:
        return f"{self.identifier_typed} / {self.last_name_typed}: {self.get_outcome_display()}"
