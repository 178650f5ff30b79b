"""The lessor's wear standard as data, and the documents that price wear against it.

A standard is versioned: operations copy the published version, edit the copy and publish it.
Every document (a lessee's self pre-inspection, a condition report) keeps the version it used,
and each of its items keeps a snapshot of its rule and charge, so editing or replacing the
standard never changes a document written before.

The standard's words have a Spanish column each (``name_es``, ``rule_text_es``, ``label_es``...),
read through ``InReaderLanguage``: Spanish for a Spanish reader when it is filled in, else the
English. The Spanish is a wording of the same rule, not a new rule: it is edited in place on any
version and makes no new version (the version says what is charged and how, which a translation
does not change). Items keep the words of both languages as they stood when recorded.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from leases.models import US_STATES, Dealer, Inspection, Lease, MoneyField
from portal.language import in_language
from wear import charges


class Area(models.TextChoices):
    """The walk-around, in the order a lessee or an inspector goes round the vehicle."""

    FRONT = "front", _("Front")
    LEFT = "left", _("Driver's side")
    RIGHT = "right", _("Passenger's side")
    REAR = "rear", _("Rear")
    ROOF = "roof", _("Roof")
    GLASS = "glass", _("Glass")
    WHEEL_LF = "wheel_lf", _("Front wheel and tire, driver's side")
    WHEEL_RF = "wheel_rf", _("Front wheel and tire, passenger's side")
    WHEEL_LR = "wheel_lr", _("Rear wheel and tire, driver's side")
    WHEEL_RR = "wheel_rr", _("Rear wheel and tire, passenger's side")
    INTERIOR = "interior", _("Interior")
    KEYS = "keys", _("Keys and equipment")


class InReaderLanguage:
    """The standard's words in the reader's language: ``in_reader_language("name")`` is ``name_es``
    for a Spanish reader when it is filled in, else ``name`` (the English). One rule for the pages,
    the estimate PDF, the emails and the inspection report; the ``local_*`` properties use it."""

    def in_reader_language(self, field: str) -> str:
        return in_language(getattr(self, field), getattr(self, f"{field}_es", ""))

    def spanish_together(self, *fields: str) -> None:
        """Spanish is all or nothing on one object: half of it would mix the languages."""
        spanish = [getattr(self, f"{field}_es") for field in fields]
        if any(spanish) and not all(spanish):
            names = " and ".join(str(self._meta.get_field(f"{field}_es").verbose_name) for field in fields)
            raise ValidationError(f"Fill in the {names} together, or leave them all empty.")


class WearStandardQuerySet(models.QuerySet):
    def current(self) -> WearStandard | None:
        """The published version new documents use: the highest published one."""
        return self.filter(published=True).order_by("-version").first()


class WearStandard(models.Model):
    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=120)
    published = models.BooleanField(
        default=False, help_text="New estimates and reports use the highest published version."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WearStandardQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


SPANISH_BLANK = "Empty: Spanish readers see the English."


class WearCategory(InReaderLanguage, models.Model):
    standard = models.ForeignKey(WearStandard, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=80)
    guidance = models.TextField(help_text="What counts as normal wear here, in plain words.")
    name_es = models.CharField("name (Spanish)", max_length=80, blank=True, help_text=SPANISH_BLANK)
    guidance_es = models.TextField("guidance (Spanish)", blank=True, help_text=SPANISH_BLANK)
    areas = models.JSONField(default=list, help_text="The walk-around areas where this category is checked.")
    billed_separately = models.BooleanField(
        default=False,
        help_text="Charged on the final bill from the dealer's check-in count, not as wear: shown for information.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "wear categories"
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="wear_category_code_once")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.spanish_together("name", "guidance")

    @property
    def local_name(self) -> str:
        return self.in_reader_language("name")

    @property
    def local_guidance(self) -> str:
        return self.in_reader_language("guidance")


class WearRule(InReaderLanguage, models.Model):
    class Measure(models.TextChoices):
        NONE = "none", "No measurement"
        SQUARE = "square", "Against the Wear Square"
        CIRCLE = "circle", "Against the 1/2-inch circle"
        TREAD = "tread", "Tread depth against the 4/32-inch mark"

    class ChargeKind(models.TextChoices):
        NONE = charges.NONE, "Not charged (normal wear)"
        FLAT = charges.FLAT, "A flat amount"
        BAND = charges.BAND, "By size band"
        PER_ITEM = charges.PER_ITEM, "An amount per item"

    category = models.ForeignKey(WearCategory, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(max_length=40)
    name = models.CharField("kind of damage", max_length=80)
    rule_text = models.TextField("the written rule", help_text="The sentence the lessee reads before and after.")
    name_es = models.CharField("kind of damage (Spanish)", max_length=80, blank=True, help_text=SPANISH_BLANK)
    rule_text_es = models.TextField("the written rule (Spanish)", blank=True, help_text=SPANISH_BLANK)
    measure = models.CharField(max_length=8, choices=Measure.choices, default=Measure.NONE)
    charge_kind = models.CharField(max_length=8, choices=ChargeKind.choices)
    amount = MoneyField("amount", default=0, help_text="The flat amount, or the amount for each item.")
    cap_per_panel = MoneyField(
        "cap per panel", null=True, blank=True, help_text="Most this rule charges on one area, all items together."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="wear_rule_code_once")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.spanish_together("name", "rule_text")

    @property
    def local_name(self) -> str:
        return self.in_reader_language("name")

    @property
    def local_rule_text(self) -> str:
        return self.in_reader_language("rule_text")

    @property
    def is_chargeable(self) -> bool:
        if self.charge_kind == charges.NONE:
            return False
        if self.charge_kind == charges.BAND:
            return any(band.amount > 0 for band in self.bands.all())
        return self.amount > 0


class WearBand(InReaderLanguage, models.Model):
    """One answer to a rule's size question, and what it costs (0: normal wear)."""

    rule = models.ForeignKey(WearRule, on_delete=models.CASCADE, related_name="bands")
    code = models.SlugField(max_length=30)
    label = models.CharField("answer", max_length=120)
    label_es = models.CharField("answer (Spanish)", max_length=120, blank=True, help_text=SPANISH_BLANK)
    amount = MoneyField("charge", default=0)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["rule", "code"], name="wear_band_code_once")]

    def __str__(self) -> str:
        return self.label

    @property
    def local_label(self) -> str:
        return self.in_reader_language("label")


class InspectionCompany(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        verbose_name_plural = "inspection companies"

    def __str__(self) -> str:
        return self.name


class Inspector(models.Model):
    """A user who inspects returned vehicles for one inspection company (signs in like dealer staff)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wear_inspector")
    company = models.ForeignKey(InspectionCompany, on_delete=models.CASCADE, related_name="inspectors")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} at {self.company.name}"


class ConditionReport(models.Model):
    """The condition of a returned vehicle, item by item: its total is the bill's wear before the waiver."""

    class Role(models.TextChoices):
        INSPECTOR = "inspector", "Independent inspector"
        DEALER = "dealer", "Dealer at check-in"
        OPERATIONS = "operations", "Operations"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lease = models.OneToOneField(Lease, on_delete=models.PROTECT, related_name="wear_report")
    standard = models.ForeignKey(WearStandard, on_delete=models.PROTECT, related_name="reports")
    role = models.CharField(max_length=10, choices=Role.choices)
    company = models.ForeignKey(InspectionCompany, null=True, blank=True, on_delete=models.PROTECT)
    dealer = models.ForeignKey(Dealer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    returned_on = models.DateField()
    inspected_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    total = MoneyField("wear charges before the waiver", default=0)
    inspection = models.OneToOneField(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="condition_report"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Condition report {self.reference}"

    @property
    def reference(self) -> str:
        return f"CR-{str(self.public_id)[:8].upper()}"


class PreInspection(models.Model):
    """The lessee's own walk-around before the return, saved as they go."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lease = models.OneToOneField(Lease, on_delete=models.PROTECT, related_name="wear_pre_inspection")
    standard = models.ForeignKey(WearStandard, on_delete=models.PROTECT, related_name="pre_inspections")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    areas_done = models.JSONField(default=list)
    finished_on = models.DateField(null=True, blank=True)
    total = MoneyField("estimated wear charges before the waiver", default=0)
    pdf = models.FileField(upload_to="wear/pre-inspections/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Self pre-inspection of {self.lease.account_number}"


class WearItem(InReaderLanguage, models.Model):
    """One item on a document, with its rule and charge as they stood when it was recorded."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(ConditionReport, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    pre_inspection = models.ForeignKey(
        PreInspection, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    area = models.CharField(max_length=10, choices=Area.choices)
    rule = models.ForeignKey(WearRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The snapshot: what the lessee reads and what the charge is computed from.
    standard_version = models.PositiveIntegerField()
    category_name = models.CharField(max_length=80)
    rule_code = models.CharField(max_length=40)
    rule_name = models.CharField(max_length=80)
    rule_text = models.TextField()
    charge_kind = models.CharField(max_length=8, choices=WearRule.ChargeKind.choices)
    band_label = models.CharField(max_length=120, blank=True)
    # The same words in Spanish as they stood (blank: the standard had none; the English is shown).
    category_name_es = models.CharField(max_length=80, blank=True)
    rule_name_es = models.CharField(max_length=80, blank=True)
    rule_text_es = models.TextField(blank=True)
    band_label_es = models.CharField(max_length=120, blank=True)
    unit_amount = MoneyField("amount", default=0)
    quantity = models.PositiveSmallIntegerField(default=1)
    cap_per_panel = MoneyField("cap per panel", null=True, blank=True)
    charge = MoneyField("charge", default=0)
    # With WEAR_LOWER_OF: what the lessee's pre-inspection charged for the same damage, the most
    # this report item may charge.
    pre_inspection_charge = MoneyField("charge in the lessee's pre-inspection", null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=True, pre_inspection__isnull=False)
                | Q(report__isnull=False, pre_inspection__isnull=True),
                name="wear_item_on_one_document",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="wear_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_name} ({self.get_area_display()})"

    @property
    def local_category_name(self) -> str:
        return self.in_reader_language("category_name")

    @property
    def local_rule_name(self) -> str:
        return self.in_reader_language("rule_name")

    @property
    def local_rule_text(self) -> str:
        return self.in_reader_language("rule_text")

    @property
    def local_band_label(self) -> str:
        return self.in_reader_language("band_label") if self.band_label else ""

    def priced(self) -> charges.Priced:
        return charges.Priced(
            rule_code=self.rule_code,
            area=self.area,
            charge_kind=self.charge_kind,
            unit_amount=self.unit_amount,
            quantity=self.quantity,
            cap_per_panel=self.cap_per_panel,
            ceiling=self.pre_inspection_charge,
        )


class WearPhoto(models.Model):
    """A photo of an item, checked and re-encoded on upload; served only by owner-scoped views."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A photo shows an item on a document, or backs up a lessee's dispute of one.
    item = models.ForeignKey(WearItem, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    dispute_item = models.ForeignKey(
        "WearDisputeItem", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    image = models.FileField(upload_to="wear/photos/")
    thumbnail = models.FileField(upload_to="wear/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=True, dispute_item__isnull=False)
                | Q(item__isnull=False, dispute_item__isnull=True),
                name="wear_photo_of_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"Photo {self.public_id}"

    @property
    def shows(self) -> WearItem:
        """The document item this photo is about (directly, or through the dispute of it)."""
        return self.item if self.item_id else self.dispute_item.item


class DisputeRule(models.Model):
    """A state's rules for objecting to wear charges, shown to lessees there (others: the setting)."""

    state = models.CharField(max_length=2, choices=US_STATES, unique=True)
    objection_days = models.PositiveSmallIntegerField(help_text="Days from the itemized bill to dispute.")
    counter_inspection = models.BooleanField(help_text="The lessee may ask for an independent counter-inspection.")
    summary = models.TextField(help_text="What the lessee reads about their rights in this state.")

    def __str__(self) -> str:
        return f"Wear disputes in {self.state}"


class WearDispute(models.Model):
    """The lessee's objection to one or more items of a completed condition report."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("a dispute", "Open")
        RESOLVED = "resolved", pgettext_lazy("a dispute", "Resolved")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(ConditionReport, on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_on = models.DateField()
    deadline = models.DateField(help_text="The last day the lessee could dispute (for the record).")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    resolved_on = models.DateField(null=True, blank=True)
    # The report's wear total once this dispute's outcomes apply, and the bill change it posted.
    wear_total_after = MoneyField("wear charges after the outcome", null=True, blank=True)
    credited = MoneyField("credited to the account", default=0)
    outcome_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Dispute {self.reference}"

    @property
    def reference(self) -> str:
        return f"WD-{str(self.public_id)[:8].upper()}"


class WearDisputeItem(models.Model):
    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Charge upheld")
        REDUCED = "reduced", _("Charge reduced")
        WAIVED = "waived", _("Charge waived")

    dispute = models.ForeignKey(WearDispute, on_delete=models.CASCADE, related_name="items")
    # Each report item is disputed at most once.
    item = models.OneToOneField(WearItem, on_delete=models.PROTECT, related_name="dispute_item")
    reason = models.TextField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    charge_after = MoneyField("charge after the outcome", null=True, blank=True)
    resolution = models.TextField("reason the lessee reads", blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item} in {self.dispute}"
