"""Quote snapshots: what a lessee was told, exactly as it was computed, for good.

A quote keeps the terms and the inputs it was computed from, its lines and totals, as text and
Decimals. Nothing on the page or in the PDF reads the lease's terms again, so editing the lease
later cannot change a quote that was given.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum import luhn

from leases.models import Lease
from quotes import rules

# Crockford's base 32: no I, L, O or U, so a reference read out on the phone is not misheard.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_BODY_LENGTH = 6
_REFERENCE = re.compile(rf"Q-(\d{{4}})-([{REFERENCE_ALPHABET}]{{{REFERENCE_BODY_LENGTH + 1}}})")


def new_reference(year: int) -> str:
    """A reference like Q-2026-7K3M9QX: six random characters and a Luhn mod 32 check character."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_BODY_LENGTH))
    code = f"{year:04d}{body}"
    return f"Q-{year:04d}-{body}{luhn.calc_check_digit(code, alphabet=REFERENCE_ALPHABET)}"


def is_valid_reference(value: str) -> bool:
    match = _REFERENCE.fullmatch(value or "")
    if not match:
        return False
    year, rest = match.groups()
    return luhn.is_valid(year + rest, alphabet=REFERENCE_ALPHABET)


def validate_reference(value: str) -> None:
    if not is_valid_reference(value):
        raise ValidationError("%(value)s is not a quote reference like Q-2026-7K3M9QX.", params={"value": value})


def sum_of_lines(lines: list[dict[str, Any]]) -> Decimal:
    """The sum of stored line amounts; ValueError if a line has no usable amount."""
    try:
        return sum((Decimal(line["amount"]) for line in lines), Decimal("0.00"))
    except (KeyError, TypeError, InvalidOperation) as error:
        raise ValueError(f"a quote line has no usable amount ({error!r})") from None


@dataclass(frozen=True)
class Fact:
    """One line of what a quote was about. Templates show a date with |long_date, an amount with |usd."""

    label: str
    value: dt.date | Decimal | str
    kind: str = "text"  # "date", "money" or "text" (shown as it is)


class QuoteQuerySet(models.QuerySet["Quote"]):
    def for_customer(self, user) -> QuoteQuerySet:
        """Quotes on the user's own leases (as lessee or co-lessee); nothing for anyone else."""
        return self.filter(lease__in=Lease.objects.for_customer(user))


class Quote(models.Model):
    class Kind(models.TextChoices):
        TURN_IN = "turn_in", _("Turn-in estimate")
        BUYOUT = "buyout", _("Buyout")
        EARLY_TERMINATION = "early_termination", _("Early return")
        EXTENSION = "extension", _("Extension")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=16, unique=True, editable=False, validators=[validate_reference])
    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="quotes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    terms = models.JSONField(help_text="The lease terms the quote was computed from, every value as text.")
    inputs = models.JSONField(help_text="The event as the engine took it (kind, date, odometer, ...), as text.")
    lines = models.JSONField(help_text="The engine's lines in order: code, label, rule and amount as text.")
    total = models.DecimalField(max_digits=12, decimal_places=2)
    security_deposit = models.DecimalField(max_digits=12, decimal_places=2)
    net_after_deposit = models.DecimalField(max_digits=12, decimal_places=2)
    derived = models.JSONField(default=dict, help_text="The engine's derived figures, as text.")
    quoted_on = models.DateField(help_text="The portal's date when the quote was given.")
    good_through = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.FileField(
        upload_to="quotes/", max_length=200, blank=True, editable=False, help_text="Drawn once from this snapshot."
    )

    # The key of the form that asked for it: the same form sent again gets this quote back.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["lease", "-created_at", "-id"], name="quote_lease_newest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(good_through__gte=models.F("quoted_on")), name="quote_good_through_after_date"
            ),
            models.UniqueConstraint(fields=["lease", "idempotency_key"], name="quote_one_per_form_submission"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("quotes:detail", args=[self.lease.public_id, self.public_id])

    def clean(self) -> None:
        try:
            lines_total = sum_of_lines(self.lines or [])
        except ValueError as error:
            raise ValidationError({"lines": str(error)}) from None
        if self.total is not None and self.total != lines_total:
            raise ValidationError(
                {"total": f"The total {self.total} is not the sum of the quote's lines ({lines_total})."}
            )

    def is_expired(self, today: dt.date) -> bool:
        return today > self.good_through

    @property
    def we_owe(self) -> bool:
        return self.net_after_deposit < 0

    @property
    def refund(self) -> Decimal:
        return -self.net_after_deposit

    @property
    def event_date(self) -> dt.date | None:
        raw = self.inputs.get("date")
        return dt.date.fromisoformat(raw) if raw else None

    @property
    def deposit_applied(self) -> bool:
        return bool(self.inputs.get("apply_security_deposit"))

    def input_facts(self) -> list[Fact]:
        """What the lessee asked about, from the stored inputs."""
        facts = []
        inputs = self.inputs
        date_label = {
            self.Kind.TURN_IN: gettext("Return date"),
            self.Kind.BUYOUT: gettext("Purchase date"),
            self.Kind.EARLY_TERMINATION: gettext("Return date"),
        }.get(self.kind)
        if date_label and inputs.get("date"):
            facts.append(Fact(date_label, dt.date.fromisoformat(inputs["date"]), "date"))
        if "odometer" in inputs:
            facts.append(Fact(gettext("Odometer"), rules.miles_words(int(inputs["odometer"]))))
        if "realized_value" in inputs:
            facts.append(Fact(gettext("Estimated vehicle value"), Decimal(inputs["realized_value"]), "money"))
        if "apply_security_deposit" in inputs:
            facts.append(
                Fact(
                    gettext("Security deposit applied"),
                    gettext("Yes") if inputs["apply_security_deposit"] else gettext("No"),
                )
            )
        if "days" in inputs:
            facts.append(Fact(gettext("Extension asked for"), rules.days(int(inputs["days"]))))
        return facts

    def derived_facts(self) -> list[Fact]:
        """The lease figures behind the quote, from the stored derived figures."""
        derived = self.derived
        facts = []
        if "maturity_date" in derived:
            facts.append(Fact(gettext("Scheduled end date"), dt.date.fromisoformat(derived["maturity_date"]), "date"))
        if "total_payment" in derived:
            facts.append(Fact(gettext("Monthly payment with tax"), Decimal(derived["total_payment"]), "money"))
        if "allowance_total" in derived:
            facts.append(Fact(gettext("Mileage allowance"), rules.miles_words(int(derived["allowance_total"]))))
        if "miles_driven" in derived:
            facts.append(Fact(gettext("Miles driven"), f"{int(derived['miles_driven']):,}"))
        if "adjusted_lease_balance" in derived:
            facts.append(Fact(gettext("Adjusted lease balance"), Decimal(derived["adjusted_lease_balance"]), "money"))
        if "daily_extension_fee" in derived:
            facts.append(Fact(gettext("Extension fee a day"), Decimal(derived["daily_extension_fee"]), "money"))
        if "extension_days_left" in derived:
            facts.append(Fact(gettext("Extension days left after this"), f"{int(derived['extension_days_left']):,}"))
        return facts


# URL slugs for each kind of quote, as the lessee reads them in the address bar.
KIND_SLUGS: dict[str, str] = {
    Quote.Kind.TURN_IN: "turn-in",
    Quote.Kind.BUYOUT: "buyout",
    Quote.Kind.EARLY_TERMINATION: "early-return",
    Quote.Kind.EXTENSION: "extension",
}
