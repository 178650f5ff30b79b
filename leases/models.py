"""Lessees, vehicles, leases and their terms, odometer readings and dealers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q

from leases.identifiers import validate_account_number, validate_vin

if TYPE_CHECKING:
    from quotes.engine import LeaseTerms

US_STATES = [
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
]


def MoneyField(verbose_name: str, **kwargs) -> models.DecimalField:
    kwargs.setdefault("validators", [MinValueValidator(0)])
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class Make(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    vin = models.CharField("VIN", max_length=17, unique=True, validators=[validate_vin])
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1980), MaxValueValidator(2100)])
    make = models.ForeignKey(Make, on_delete=models.PROTECT, related_name="vehicles")
    model = models.CharField(max_length=60)
    trim = models.CharField(max_length=60, blank=True)
    body_type = models.CharField(max_length=40, help_text="e.g. 4-door sedan, SUV, pickup")
    colour = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.year} {self.make} {self.model}"

    @property
    def description(self) -> str:
        return " ".join(p for p in [str(self.year), self.make.name, self.model, self.trim] if p)

    def clean(self) -> None:
        self.vin = (self.vin or "").upper()


class VehicleEquipment(models.Model):
    """An item delivered with the vehicle that must come back with it (keys, remotes, seats)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(max_length=80)
    quantity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["vehicle", "name"], name="equipment_unique_per_vehicle")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


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


class LeaseQuerySet(models.QuerySet["Lease"]):
    def for_customer(self, user) -> LeaseQuerySet:
        """Leases the signed-in user is a lessee (primary or co-lessee) on; nothing for others."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Exists(LeaseParty.objects.filter(lease=OuterRef("pk"), lessee__user=user)))

    def maturing_within(self, days: int, today: dt.date) -> LeaseQuerySet:
        return self.filter(
            maturity_date__gte=today,
            maturity_date__lte=today + dt.timedelta(days=days),
            status__in=Lease.Status.open_values(),
        )


class Lease(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        MATURING = "maturing", "Nearing its end"
        EXTENDED = "extended", "Extended"
        RETURNED = "returned", "Vehicle returned"
        INSPECTED = "inspected", "Inspected"
        SOLD = "sold", "Sold at auction"
        CLOSED = "closed", "Closed"
        PURCHASED = "purchased", "Purchased"
        TERMINATED_EARLY = "terminated_early", "Ended early"

        @classmethod
        def open_values(cls) -> list[str]:
            """Statuses in which the lessee still has the vehicle."""
            return [cls.ACTIVE, cls.MATURING, cls.EXTENDED]

    # The only moves a lease can make; each is a named method below.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.MATURING: (Status.ACTIVE,),
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
        from quotes.engine import LeaseTerms

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
        from quotes.engine import add_months

        self.maturity_date = add_months(self.start_date, self.term_months)

    def days_left(self, today: dt.date) -> int:
        return (self.maturity_date - today).days

    def miles_allowed_to(self, on: dt.date) -> int:
        """The allowance earned so far: the yearly miles prorated by day, plus purchased miles."""
        days = max(0, min((on - self.start_date).days, (self.maturity_date - self.start_date).days))
        return self.annual_miles * days // 365 + self.purchased_miles

    @property
    def allowance_total(self) -> int:
        return self.annual_miles * self.term_months // 12 + self.purchased_miles

    @property
    def is_open(self) -> bool:
        return self.status in Lease.Status.open_values()

    @property
    def primary_lessee(self) -> Lessee | None:
        for party in self.parties.all():
            if party.role == LeaseParty.Role.PRIMARY:
                return party.lessee
        return None

    def email_addresses(self) -> list[str]:
        """Every lessee on the lease, the primary first, each once: the address we hold for them,
        else their sign-in address. One query, or none when ``parties__lessee__user`` is prefetched."""
        prefetched = "parties" in getattr(self, "_prefetched_objects_cache", {})
        parties = self.parties.all() if prefetched else self.parties.select_related("lessee__user")
        found: dict[str, str] = {}
        for party in sorted(parties, key=lambda p: (p.role != LeaseParty.Role.PRIMARY, p.pk)):
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

    def mark_maturing(self) -> None:
        self._move_to(Lease.Status.MATURING)

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
        PRIMARY = "primary", "Lessee"
        CO_LESSEE = "co_lessee", "Co-lessee"

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="parties")
    lessee = models.ForeignKey(Lessee, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PRIMARY)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lease", "lessee"], name="party_once_per_lease"),
            models.UniqueConstraint(fields=["lease"], condition=Q(role="primary"), name="one_primary_lessee"),
        ]

    def __str__(self) -> str:
        return f"{self.lessee} ({self.get_role_display()})"


class OdometerReading(models.Model):
    class Source(models.TextChoices):
        SIGNING = "signing", "At signing"
        LESSEE = "lessee", "Reported by you"
        DEALER = "dealer", "Dealer"
        INSPECTION = "inspection", "Inspection"

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="odometer_readings")
    reading_date = models.DateField()
    miles = models.PositiveIntegerField()
    source = models.CharField(max_length=12, choices=Source.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reading_date", "-miles", "-id"]
        get_latest_by = ["reading_date", "miles", "id"]
        indexes = [models.Index(fields=["lease", "-reading_date", "-miles"], name="odometer_latest")]

    def __str__(self) -> str:
        return f"{self.miles:,} mi on {self.reading_date:%Y-%m-%d}"


class Dealer(models.Model):
    code = models.SlugField(max_length=20, unique=True, help_text="The dealer's code with the lessor.")
    name = models.CharField(max_length=120)
    address_line1 = models.CharField("address", max_length=120)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2, choices=US_STATES)
    zip_code = models.CharField("ZIP code", max_length=10, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    phone = models.CharField(max_length=30)
    hours = models.TextField(help_text="Opening hours as shown to lessees, one line per day range.")
    makes = models.ManyToManyField(Make, related_name="dealers", help_text="Makes it is franchised for.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.state})"

    @property
    def address_lines(self) -> list[str]:
        return [self.address_line1, f"{self.city}, {self.state} {self.zip_code}"]


# --- Billing: inspection and sale, the final bill, the ledger, payments and refunds ----------


def SignedMoneyField(verbose_name: str, **kwargs) -> models.DecimalField:
    """Money that may be negative (a balance, a credit)."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class Inspection(models.Model):
    """The turn-in inspection as operations record it: for now the wear total, not each item."""

    lease = models.OneToOneField(Lease, on_delete=models.PROTECT, related_name="inspection")
    returned_on = models.DateField("vehicle returned on")
    inspected_on = models.DateField("inspected on")
    wear_total = MoneyField("excess wear charges", help_text="Before any wear waiver in the lease.")
    # Whether the lease was ended early (its status when inspected): the bill is then an early termination.
    ended_early = models.BooleanField(default=False, editable=False)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(inspected_on__gte=models.F("returned_on")), name="inspection_not_before_return"
            ),
        ]

    def __str__(self) -> str:
        return f"Inspection of {self.lease.account_number} on {self.inspected_on}"


class AuctionSale(models.Model):
    """The vehicle's sale after the return; its price is the realized value."""

    lease = models.OneToOneField(Lease, on_delete=models.PROTECT, related_name="auction_sale")
    sold_on = models.DateField("sold on")
    price = MoneyField("sale price (realized value)")
    auction = models.CharField("auction or buyer", max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Sale of {self.lease.account_number} on {self.sold_on}"


class FinalBill(models.Model):
    """The final bill, frozen when issued: the engine's inputs and lines, totals and due date.

    ``inputs`` is the quote engine's own request (`python -m quotes.engine` recomputes it), and
    the statement PDF is rendered from this record, never from the lease as it is later.
    One per lease: the one-to-one makes a second bill impossible.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lease = models.OneToOneField(Lease, on_delete=models.PROTECT, related_name="final_bill")
    kind = models.CharField(max_length=20)  # the engine's event: turn_in or early_termination
    inputs = models.JSONField()
    lines = models.JSONField()  # [{code, label, amount, rule, posted}], amounts as strings
    facts = models.JSONField()  # what the bill rests on: return, odometer, inspection, sale, vehicle
    bill_to = models.TextField()  # the primary lessee's name and mailing address at issue
    total = SignedMoneyField("total of the lines")
    security_deposit = MoneyField("security deposit applied")
    net_after_deposit = SignedMoneyField("total less the deposit")
    prior_balance = SignedMoneyField(
        "earlier payments and credits", default=0, help_text="Account credit from before the bill (zero or less)."
    )
    balance_due = SignedMoneyField("balance at issue", help_text="Negative: money owed to the lessee.")
    issued_on = models.DateField()
    due_on = models.DateField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    statement = models.FileField(upload_to="private/statements/%Y/%m/", blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"Final bill for {self.lease.account_number}"

    @property
    def is_early_termination(self) -> bool:
        return self.kind == "early_termination"


class BankAccount(models.Model):
    """A bank account a lessee debited online. The account number is kept encrypted, for the ACH
    file and a refund back to the same account; pages only ever show its last four digits."""

    class Type(models.TextChoices):
        CHECKING = "checking", "Checking"
        SAVINGS = "savings", "Savings"

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="bank_accounts")
    holder_name = models.CharField(max_length=80)
    routing_number = models.CharField(max_length=9)
    account_type = models.CharField(max_length=10, choices=Type.choices)
    account_last4 = models.CharField(max_length=4)
    account_number_encrypted = models.TextField(editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_account_type_display()} ····{self.account_last4}"


class AchFile(models.Model):
    """One NACHA file as written for the bank; kept in storage for operations to download."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_date = models.DateField()
    modifier = models.CharField("file ID modifier", max_length=1)
    effective_on = models.DateField("effective entry date")
    file = models.FileField(upload_to="private/ach/%Y/%m/")
    debit_count = models.PositiveIntegerField(default=0)
    credit_count = models.PositiveIntegerField(default=0)
    total_debit = MoneyField("total debits", default=0)
    total_credit = MoneyField("total credits", default=0)
    entry_hash = models.CharField(max_length=10)
    # Trace numbers are the ODFI's 8 digits plus a 7-digit sequence that runs on across files.
    first_trace_seq = models.PositiveIntegerField(unique=True)
    last_trace_seq = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["file_date", "modifier"], name="ach_file_modifier_per_day")]

    def __str__(self) -> str:
        return f"ACH file {self.file_date:%Y-%m-%d} {self.modifier}"


class Payment(models.Model):
    """A one-time online bank debit (ACH, SEC code WEB). Posted to the ledger when made;
    a return from the bank posts the opposite entry."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SETTLED = "settled", "Settled"
        RETURNED = "returned", "Returned by the bank"

    class Purpose(models.TextChoices):
        BALANCE = "balance", "Final bill balance"
        BUYOUT = "buyout", "Vehicle purchase (buyout)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField("confirmation number", max_length=12, unique=True, editable=False)
    # One per rendered pay form: a double click, a resubmit or a replay finds the first payment.
    idempotency_key = models.UUIDField(unique=True, editable=False)
    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="payments")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField("amount")
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.BALANCE)
    quote_reference = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    authorization_text = models.TextField()
    authorized_at = models.DateTimeField()
    authorized_ip = models.GenericIPAddressField(null=True, blank=True)
    authorized_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_on = models.DateField()
    ach_file = models.ForeignKey(AchFile, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    trace_number = models.CharField(max_length=15, unique=True, null=True, blank=True)
    settled_on = models.DateField(null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    return_code = models.CharField(max_length=3, blank=True)
    receipt_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    return_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "ach_file"], name="payment_status_file")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"Payment {self.reference} of ${self.amount:,.2f}"


class Refund(models.Model):
    """Money owed back to the lessee after the final bill: to the bank account on file, or a check."""

    class Method(models.TextChoices):
        ACH = "ach", "To the bank account on file"
        CHECK = "check", "Check by mail"

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        ISSUED = "issued", "Issued"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    final_bill = models.OneToOneField(FinalBill, on_delete=models.PROTECT, related_name="refund")
    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="refunds")
    amount = MoneyField("amount")
    method = models.CharField(max_length=5, choices=Method.choices)
    bank_account = models.ForeignKey(BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mail_to = models.TextField("mailing address", blank=True)
    check_number = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    issued_on = models.DateField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    ach_file = models.ForeignKey(AchFile, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds")
    trace_number = models.CharField(max_length=15, unique=True, null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(method="check") | Q(bank_account__isnull=False), name="ach_refund_has_bank_account"
            ),
        ]

    def __str__(self) -> str:
        return f"Refund of ${self.amount:,.2f} for {self.lease.account_number}"


class LedgerEntry(models.Model):
    """One line on a lease's account. Append-only: nothing updates or deletes an entry.

    Sign convention: a positive amount adds to what the lessee owes (a charge, a payment the bank
    returned, a refund paid out to them); a negative amount reduces it (a payment, a credit such
    as the security deposit applied or unused purchased miles). The balance is the plain sum:
    above zero the lessee owes us, below zero we owe the lessee. A correction is a new entry of
    the same kind with the opposite amount, pointing at the entry it corrects.
    """

    class Kind(models.TextChoices):
        # Charges (the codes are the quote engine's line codes).
        EXCESS_MILEAGE = "excess_mileage", "Excess mileage"
        EXCESS_WEAR = "excess_wear", "Excess wear"
        DISPOSITION_FEE = "disposition_fee", "Disposition fee"
        EXTENSION_FEES = "extension_fees", "Extension fees"
        PAST_DUE = "past_due", "Past-due amounts"
        PROPERTY_TAX = "property_tax", "Personal property tax"
        TAXES = "taxes", "Tax on charges"
        REMAINING_BALANCE = "remaining_balance", "Remaining balance (early return)"
        EARLY_TERMINATION_FEE = "early_termination_fee", "Early termination fee"
        PURCHASE_PRICE = "purchase_price", "Purchase price"
        PURCHASE_OPTION_FEE = "purchase_option_fee", "Purchase option fee"
        SALES_TAX = "sales_tax", "Sales tax"
        # Credits.
        UNUSED_MILEAGE_REFUND = "unused_mileage_refund", "Unused purchased miles"
        SECURITY_DEPOSIT_APPLIED = "security_deposit_applied", "Security deposit applied"
        # Money moving.
        PAYMENT = "payment", "Payment"
        PAYMENT_RETURNED = "payment_returned", "Payment returned by the bank"
        REFUND = "refund", "Refund paid to the lessee"

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    amount = SignedMoneyField("amount", help_text="Positive: owed by the lessee. Negative: paid or credited.")
    memo = models.CharField(max_length=200, blank=True)
    posted_on = models.DateField()
    final_bill = models.ForeignKey(
        FinalBill, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries")
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries")
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["posted_on", "id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["lease", "posted_on"], name="ledger_lease_posted")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            # Each bill line, payment, return and refund reaches the ledger once.
            models.UniqueConstraint(
                fields=["final_bill", "kind"],
                condition=Q(final_bill__isnull=False, corrects__isnull=True),
                name="ledger_bill_line_once",
            ),
            models.UniqueConstraint(
                fields=["payment", "kind"],
                condition=Q(payment__isnull=False, corrects__isnull=True),
                name="ledger_payment_kind_once",
            ),
            models.UniqueConstraint(
                fields=["refund", "kind"],
                condition=Q(refund__isnull=False, corrects__isnull=True),
                name="ledger_refund_kind_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.get_kind_display()} {self.amount}"


# --- Extensions: a lessee's request to keep the vehicle past its scheduled end ------------------


class ExtensionRequest(models.Model):
    """An extension asked for from an extension quote: approved at once when it fits the limit
    and the account is in good standing, otherwise left for operations to approve or decline.

    Nothing is charged when it is approved: the final bill (or a later buyout quote) charges the
    extension fee for the days the vehicle is actually kept past its scheduled end, at the rate
    recorded here, so a fee is never billed twice. One request per quote.
    """

    class Status(models.TextChoices):
        APPROVED = "approved", "Approved"
        IN_REVIEW = "in_review", "Sent for review"
        DECLINED = "declined", "Declined"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="extension_requests")
    quote_reference = models.CharField(max_length=16, unique=True, editable=False)
    days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    daily_fee = MoneyField("extension fee a day")
    fee = MoneyField("fee for all the days", help_text="As quoted; billed for the days actually kept.")
    status = models.CharField(max_length=10, choices=Status.choices)
    review_reason = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    extended_to = models.DateField("keep the vehicle until", null=True, blank=True)
    decision_note = models.TextField("note for the lessee", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gt=0), name="extension_days_positive"),
            models.CheckConstraint(
                condition=Q(status="approved", extended_to__isnull=False) | ~Q(status="approved"),
                name="approved_extension_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days}-day extension for {self.lease.account_number} ({self.get_status_display().lower()})"
