"""Billing records: inspection and sale, the final bill, bank accounts, ACH files, payments,
refunds and the append-only ledger. Part of the ``leases`` app (same app label and tables)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from leases.models.fields import MoneyField, SignedMoneyField
from leases.models.lease import Lease
from quotes.engine import usd


class Inspection(models.Model):
    """The turn-in inspection as operations record it: for now the wear total, not each item."""

    lease = models.OneToOneField(Lease, on_delete=models.PROTECT, related_name="inspection")
    returned_on = models.DateField("vehicle returned on")
    inspected_on = models.DateField("inspected on")
    wear_total = MoneyField("excess wear charges", help_text="Before any wear waiver in the lease.")
    # Whether the lease was ended early (its status when inspected): the bill is then an early termination.
    ended_early = models.BooleanField(default=False, editable=False)
    notes = models.TextField(blank=True)
    # The condition report the wear total comes from (wear.ConditionReport.reference), and the wear
    # standard version it priced against; blank when operations typed the total in.
    wear_report = models.CharField("condition report", max_length=20, blank=True, editable=False)
    wear_standard_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
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


class EquipmentCharge(models.Model):
    """Equipment the vehicle was delivered with that did not come back at the return: counted at
    check-in, priced at the lessor's charge per item then (``VehicleEquipment.charge_each``), so a
    later change of that charge never changes this bill."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="equipment_charges")
    name = models.CharField(max_length=80)
    missing = models.PositiveSmallIntegerField()
    expected = models.PositiveSmallIntegerField()
    charge_each = MoneyField("charge for each")
    amount = MoneyField("amount")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["lease", "name"], name="equipment_charge_once_per_item"),
            models.CheckConstraint(
                condition=Q(missing__gt=0) & Q(missing__lte=models.F("expected")), name="equipment_charge_missing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.missing} of {self.expected} {self.name} not returned: {usd(self.amount)}"


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

    class Kind(models.TextChoices):  # the engine's event the bill is computed for
        TURN_IN = "turn_in", _("Turn-in at the end of the lease")
        EARLY_TERMINATION = "early_termination", _("Early return (ends the lease early)")

    kind = models.CharField(max_length=20, choices=Kind.choices)
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
    # The day the bill was paid in full (the last payment cleared); the statement is drawn again then.
    paid_on = models.DateField(null=True, blank=True, editable=False)
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
        CHECKING = "checking", _("Checking")
        SAVINGS = "savings", _("Savings")

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

    @property
    def account_words(self) -> str:
        """"checking account" or "savings account" as a sentence says it, in the reader's language
        (the type's label, "Checking", is the form's answer and does not fit a sentence in Spanish)."""
        return ACCOUNT_WORDS.get(self.account_type, self.get_account_type_display())  # lazy: worded when shown


ACCOUNT_WORDS = {
    BankAccount.Type.CHECKING: _("checking account"),
    BankAccount.Type.SAVINGS: _("savings account"),
}


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
        verbose_name = "ACH file"
        verbose_name_plural = "ACH files"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["file_date", "modifier"], name="ach_file_modifier_per_day")]

    def __str__(self) -> str:
        return f"ACH file {self.file_date:%Y-%m-%d} {self.modifier}"


class Payment(models.Model):
    """A one-time online bank debit (ACH, SEC code WEB). Posted to the ledger when made;
    a return from the bank posts the opposite entry."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SETTLED = "settled", _("Settled")
        RETURNED = "returned", _("Returned by the bank")
        CANCELLED = "cancelled", _("Cancelled")

    class Purpose(models.TextChoices):
        BALANCE = "balance", _("Final bill balance")
        BUYOUT = "buyout", _("Vehicle purchase (buyout)")

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
    # Cancelled by a lessee online before any bank file carried it.
    cancelled_on = models.DateField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    receipt_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    return_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "ach_file"], name="payment_status_file")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"Payment {self.reference} of {usd(self.amount)}"

    @property
    def return_reason(self) -> str:
        """The bank's reason for returning the payment, in the reader's language ("" for a code not listed)."""
        return RETURN_REASONS.get(self.return_code, "")  # lazy: worded when shown


# The bank's return reasons (nacha.RETURN_REASONS, the same English) in the reader's language.
RETURN_REASONS = {
    "R01": _("Insufficient funds"),
    "R02": _("Account closed"),
    "R03": _("No account, or the account could not be found"),
    "R04": _("Invalid account number"),
    "R05": _("Unauthorized debit to a consumer account"),
    "R07": _("Authorization revoked by the account holder"),
    "R08": _("Payment stopped"),
    "R09": _("Uncollected funds"),
    "R10": _("The account holder says the debit was not authorized"),
    "R16": _("Account frozen"),
    "R20": _("The account does not allow this kind of payment"),
    "R29": _("Corporate customer says the debit was not authorized"),
}


class Refund(models.Model):
    """Money owed back to the lessee after the final bill: to the bank account on file, or a check."""

    class Method(models.TextChoices):
        ACH = "ach", _("To the bank account on file")
        CHECK = "check", _("Check by mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        ISSUED = "issued", _("Issued")

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
        return f"Refund of {usd(self.amount)} for {self.lease.account_number}"


class BalanceHold(models.Model):
    """Part of a balance that is not to be debited for now (what a lessee's open dispute is about).

    Online payments stop short of it and pending debits wait out of the ACH file until it is
    released. Whoever places a hold names it with a reference of their own (a dispute's).
    """

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="balance_holds")
    reference = models.CharField(max_length=20, unique=True)
    amount = MoneyField("amount held")
    reason = models.CharField(max_length=200)
    placed_on = models.DateField()
    released_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Hold {self.reference} of {usd(self.amount)}"


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
        EXCESS_MILEAGE = "excess_mileage", _("Excess mileage")
        EXCESS_WEAR = "excess_wear", _("Excess wear")
        MISSING_EQUIPMENT = "missing_equipment", _("Missing equipment")
        DISPOSITION_FEE = "disposition_fee", _("Disposition fee")
        EXTENSION_FEES = "extension_fees", _("Extension fees")
        PAST_DUE = "past_due", _("Past-due amounts")
        PROPERTY_TAX = "property_tax", _("Personal property tax")
        TAXES = "taxes", _("Tax on charges")
        REMAINING_BALANCE = "remaining_balance", _("Remaining balance (early return)")
        EARLY_TERMINATION_FEE = "early_termination_fee", _("Early termination fee")
        PURCHASE_PRICE = "purchase_price", _("Purchase price")
        PURCHASE_OPTION_FEE = "purchase_option_fee", _("Purchase option fee")
        SALES_TAX = "sales_tax", _("Sales tax")
        # Credits.
        UNUSED_MILEAGE_REFUND = "unused_mileage_refund", _("Unused purchased miles")
        SECURITY_DEPOSIT_APPLIED = "security_deposit_applied", _("Security deposit applied")
        # Money moving.
        PAYMENT = "payment", _("Payment")
        PAYMENT_RETURNED = "payment_returned", _("Payment returned by the bank")
        PAYMENT_CANCELLED = "payment_cancelled", _("Payment cancelled")
        REFUND = "refund", _("Refund paid to the lessee")

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
