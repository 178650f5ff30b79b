"""The online payment form: one bank debit, authorized by the lessee."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leases.billing.payments import (
    BankDetails,
    Debit,
    account_number_check,
    payment_limits,
    routing_number_check,
)
from leases.models import BankAccount
from quotes.engine import usd


def submitted_key(data) -> uuid.UUID | None:
    """The idempotency key a posted pay form carries, before the form is validated: a repeat of
    an earlier submission is answered with the payment it made, whatever else it says."""
    try:
        return uuid.UUID(data.get("idempotency_key", ""))
    except ValueError:
        return None


class PaymentForm(forms.Form):
    # A fresh key for every rendered form: submitting the same form twice makes one payment.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label=_("Amount to pay ($)"),
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"max_decimal_places": _("Enter dollars and cents, like 125.50.")},
    )
    holder_name = forms.CharField(
        label=_("Name on the bank account"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    account_type = forms.ChoiceField(
        label=_("Account type"),
        choices=BankAccount.Type.choices,
        initial=BankAccount.Type.CHECKING,
        widget=forms.RadioSelect,
    )
    routing_number = forms.CharField(
        label=_("Routing number"),
        max_length=12,
        help_text=_("9 digits, at the bottom left of a check."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=20,
        help_text=_("4 to 17 digits. We show only its last four digits after today."),
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}, render_value=True),
    )
    account_number_again = forms.CharField(
        label=_("Account number again"),
        max_length=20,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}, render_value=True),
    )
    authorize = forms.BooleanField(
        label=_("I authorize this one-time debit, as described above."),
        error_messages={
            "required": _("Please tick the box to authorize the debit: we cannot take the payment without it.")
        },
    )

    def __init__(self, *args, balance: Decimal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.balance = balance
        self.fields["idempotency_key"].initial = uuid.uuid4()
        low, high = payment_limits(balance)
        self.fields["amount"].help_text = gettext("Any amount from %(low)s to your balance of %(high)s.") % dict(
            low=usd(low), high=usd(high)
        )
        self.fields["amount"].initial = balance

    def clean_routing_number(self) -> str:
        return routing_number_check(self.cleaned_data["routing_number"])

    def clean_account_number(self) -> str:
        return account_number_check(self.cleaned_data["account_number"])

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        low, high = payment_limits(self.balance)
        if amount > high:
            raise ValidationError(
                gettext("That is more than your balance of %(high)s. Enter %(high)s or less.") % dict(high=usd(high))
            )
        if amount < low:
            raise ValidationError(gettext("The smallest online payment is %(low)s.") % dict(low=usd(low)))
        return amount

    def clean(self) -> dict:
        data = super().clean()
        again = (data.get("account_number_again") or "").strip().replace(" ", "")
        if "account_number" in data and again != data["account_number"]:
            self.add_error("account_number_again", gettext("The two account numbers do not match."))
        return data

    def bank_details(self) -> BankDetails:
        data = self.cleaned_data
        return BankDetails(
            holder_name=data["holder_name"],
            routing_number=data["routing_number"],
            account_number=data["account_number"],
            account_type=data["account_type"],
        )

    def debit(self, *, user, ip: str | None, authorization: str) -> Debit:
        return Debit(
            user=user,
            bank=self.bank_details(),
            idempotency_key=self.cleaned_data["idempotency_key"],
            authorization=authorization,
            ip=ip,
        )


class BuyoutPaymentForm(PaymentForm):
    """The pay form for a buyout quote: a purchase is paid in full, so the amount is the quote's
    and is not asked for."""

    def __init__(self, *args, amount: Decimal, **kwargs) -> None:
        super().__init__(*args, balance=amount, **kwargs)
        del self.fields["amount"]
        self.amount = amount
