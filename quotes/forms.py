"""One form per kind of quote. Each checks its own ranges in words a lessee can act on, then
builds the engine's event; the engine's own refusal (QuoteError) is a last line of defence."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from leases.models import Lease, OdometerReading
from quotes import engine, services
from quotes.engine import usd
from quotes.models import Quote
from quotes.rules import long_date

MAX_ODOMETER = 2_000_000
PAST_DATE = _("The date can't be in the past: choose today or a later date.")


class MilesField(forms.IntegerField):
    """Whole miles; "41,012" is read as 41012."""

    default_error_messages = {"invalid": _("Enter the miles as a whole number, like 41012.")}

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "")
        return super().to_python(value)


class DollarsField(forms.DecimalField):
    """Dollars and cents; "$18,500" is read as 18500."""

    default_error_messages = {"invalid": _("Enter an amount in dollars, like 18500.00.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.replace("$", "").replace(",", "").replace(" ", "")
        return super().to_python(value)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        error_messages={"invalid": _("Enter a date like 2026-12-15.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _miles_field(label: str) -> MilesField:
    return MilesField(
        label=label,
        max_value=MAX_ODOMETER,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class QuoteForm(forms.Form):
    """What every quote form knows: the lease, today, and what the account owes."""

    kind: ClassVar[str]
    title: ClassVar[str]
    cta: ClassVar[str]  # the link that leads to the form
    intro_template: ClassVar[str]

    # A fresh key for every rendered form: the same form sent twice makes one quote.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        lease: Lease,
        today: dt.date,
        past_due: Decimal,
        property_tax: Decimal,
        latest: OdometerReading | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = uuid.uuid4()
        self.lease, self.today = lease, today
        self.past_due, self.property_tax = past_due, property_tax
        self.latest = latest
        self.terms = lease.terms()
        self.last_day = lease.maturity_date + dt.timedelta(days=lease.max_extension_days)

    @classmethod
    def unavailable(cls, lease: Lease, today: dt.date) -> str:
        """Why this kind cannot be quoted on this lease today, or "" when it can."""
        return ""

    def event(self) -> engine.Event:
        raise NotImplementedError

    @property
    def latest_miles(self) -> int:
        return self.latest.miles if self.latest else self.lease.start_odometer

    def _set_date_range(self, name: str, first: dt.date, last: dt.date, initial: dt.date) -> None:
        field = self.fields[name]
        field.initial = initial
        field.widget.attrs.update({"min": first.isoformat(), "max": last.isoformat()})

    def _set_odometer(self, name: str) -> None:
        field = self.fields[name]
        field.initial = self.latest_miles
        words = {"miles": f"{self.latest_miles:,}"}
        if self.latest:
            help_text = gettext(
                "We've filled in your latest reading, %(miles)s miles on %(day)s. "
                "Change it to the miles you expect when you hand the car back."
            )
            words["day"] = long_date(self.latest.reading_date)
        else:
            help_text = gettext(
                "We've filled in your latest reading, %(miles)s miles at signing. "
                "Change it to the miles you expect when you hand the car back."
            )
        field.help_text = help_text % words

    def _check_odometer(self, miles: int) -> int:
        if miles < self.latest_miles:
            words = {"miles": f"{miles:,}", "latest": f"{self.latest_miles:,}"}
            if self.latest:
                message = gettext(
                    "%(miles)s miles is below your last reading of %(latest)s miles on %(day)s. "
                    "Odometers don't go backwards: please check the number."
                )
                words["day"] = long_date(self.latest.reading_date)
            else:
                message = gettext(
                    "%(miles)s miles is below your last reading of %(latest)s miles at signing. "
                    "Odometers don't go backwards: please check the number."
                )
            raise forms.ValidationError(message % words, code="below_latest")
        return miles

    def _past_limit(self) -> str:
        return gettext(
            "That is more than %(limit)s days past your end date, the most your lease allows. "
            "Choose %(day)s or earlier."
        ) % dict(limit=self.lease.max_extension_days, day=long_date(self.last_day))

    def _check_not_past(self, day: dt.date) -> None:
        if day < self.today:
            raise forms.ValidationError(PAST_DATE, code="past")

    def _owed(self) -> dict[str, Decimal]:
        return {"past_due": self.past_due, "property_tax": self.property_tax}


class TurnInForm(QuoteForm):
    kind = Quote.Kind.TURN_IN
    title = _("Turn-in estimate")
    cta = _("Get a turn-in estimate")
    intro_template = "quotes/intro/turn_in.html"

    return_date = _date_field(_("Planned return date"))
    odometer = _miles_field(_("Odometer when you return the car (miles)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        end = self.lease.maturity_date
        self.first_day = max(self.lease.turn_in_window_opens, self.today)
        self._set_date_range("return_date", self.first_day, self.last_day, max(end, self.today))
        self.fields["return_date"].help_text = gettext(
            "From %(first)s to %(last)s (%(limit)s days after your scheduled end date, %(end)s: your lease's "
            "extension limit). A return before the end date is priced as if on it, with no early-return charge; "
            "each day past it adds %(fee)s in extension fees."
        ) % dict(
            first=long_date(self.first_day),
            last=long_date(self.last_day),
            limit=self.lease.max_extension_days,
            end=long_date(end),
            fee=usd(self.terms.daily_extension_fee),
        )
        self._set_odometer("odometer")

    def clean_return_date(self) -> dt.date:
        day = self.cleaned_data["return_date"]
        self._check_not_past(day)
        if self.lease.return_is_early(day):
            raise forms.ValidationError(
                gettext(
                    "A return before %(day)s ends your lease early. "
                    "Ask for an early return quote for that date instead."
                )
                % dict(day=long_date(self.lease.turn_in_window_opens)),
                code="before_end",
            )
        if day > self.last_day:
            raise forms.ValidationError(self._past_limit(), code="past_limit")
        return day

    def clean_odometer(self) -> int:
        return self._check_odometer(self.cleaned_data["odometer"])

    def event(self) -> engine.TurnIn:
        data = self.cleaned_data
        day = self.lease.turn_in_billed_on(data["return_date"])
        return engine.TurnIn(date=day, odometer=data["odometer"], **self._owed())


class BuyoutForm(QuoteForm):
    kind = Quote.Kind.BUYOUT
    title = _("Buyout quote")
    cta = _("Get a buyout quote")
    intro_template = "quotes/intro/buyout.html"

    purchase_date = _date_field(_("Purchase date"))
    # No question about the security deposit: applying it or not came to the same amount to pay,
    # so the deposit is always applied to the price (services.BUYOUT_APPLY_DEPOSIT), as a line.

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        end = self.lease.maturity_date
        # A quote is paid on or after the day it prices and by its good-through date, so the latest
        # day offered is the earlier of that and the lease's extension limit.
        self.payable_by = services.buyout_last_day(self.today)
        self.latest_day = min(self.last_day, self.payable_by)
        self._set_date_range("purchase_date", self.today, self.latest_day, self.today)
        self.fields["purchase_date"].help_text = gettext(
            "From today to %(latest)s. A buyout quote is good for %(good_for)s days and is paid on the purchase "
            "date it prices, so it can price a day up to %(payable_by)s; your lease runs to %(last)s at most "
            "(%(limit)s days after your scheduled end date, %(end)s)."
        ) % dict(
            latest=long_date(self.latest_day),
            good_for=settings.QUOTE_GOOD_THROUGH_DAYS,
            payable_by=long_date(self.payable_by),
            last=long_date(self.last_day),
            limit=self.lease.max_extension_days,
            end=long_date(end),
        )

    def clean_purchase_date(self) -> dt.date:
        day = self.cleaned_data["purchase_date"]
        self._check_not_past(day)
        if day > self.last_day and self.last_day <= self.payable_by:
            raise forms.ValidationError(self._past_limit(), code="past_limit")
        if day > self.payable_by:
            raise forms.ValidationError(
                gettext(
                    "A buyout quote is good for %(good_for)s days, so choose a date by %(day)s: a quote for a "
                    "later day would lapse before you could pay it. Closer to that day, come back for a new quote."
                )
                % dict(good_for=settings.QUOTE_GOOD_THROUGH_DAYS, day=long_date(self.payable_by)),
                code="not_payable",
            )
        return day

    def event(self) -> engine.Buyout:
        data = self.cleaned_data
        return services.buyout_event(
            self.lease,
            data["purchase_date"],
            apply_deposit=services.BUYOUT_APPLY_DEPOSIT,
            **self._owed(),
        )


class EarlyReturnForm(QuoteForm):
    kind = Quote.Kind.EARLY_TERMINATION
    title = _("Early return quote")
    cta = _("Get an early return quote")
    intro_template = "quotes/intro/early_return.html"

    return_date = _date_field(_("Planned return date"))
    realized_value = DollarsField(label=_("Estimated vehicle value"))
    odometer = _miles_field(_("Odometer when you return the car (miles)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_early_day = self.lease.turn_in_window_opens - dt.timedelta(days=1)
        self._set_date_range("return_date", self.today, self.last_early_day, self.today)
        self.fields["return_date"].help_text = gettext(
            "From today to %(last)s. From %(opens)s a return is a regular turn-in, priced as if on your "
            "scheduled end date, %(end)s."
        ) % dict(
            last=long_date(self.last_early_day),
            opens=long_date(self.lease.turn_in_window_opens),
            end=long_date(self.lease.maturity_date),
        )
        residual = self.terms.residual_value
        value = self.fields["realized_value"]
        value.initial = f"{residual:.2f}"
        value.help_text = gettext(
            "What the car would sell for at wholesale when you return it. It is set against what you still owe "
            "on the lease, and you pay the difference if it is lower. We've filled in your lease's residual "
            "value, %(residual)s, the value the car was expected to have at the end of the lease. For a "
            "better figure, look up its wholesale (trade-in) value in a used-car value guide or ask a dealer "
            "for an appraisal."
        ) % dict(residual=usd(residual))
        self._set_odometer("odometer")

    @classmethod
    def unavailable(cls, lease: Lease, today: dt.date) -> str:
        if not lease.return_is_early(today):
            return gettext(
                "Your turn-in window opened on %(day)s, so a return now is a "
                "turn-in rather than an early return: ask for a turn-in estimate."
            ) % dict(day=long_date(lease.turn_in_window_opens))
        return ""

    def clean_return_date(self) -> dt.date:
        day = self.cleaned_data["return_date"]
        self._check_not_past(day)
        if not self.lease.return_is_early(day):
            raise forms.ValidationError(
                gettext(
                    "From %(opens)s a return is a turn-in, not an early return: "
                    "choose %(last)s or earlier, or ask for a turn-in estimate instead."
                )
                % dict(opens=long_date(self.lease.turn_in_window_opens), last=long_date(self.last_early_day)),
                code="not_early",
            )
        return day

    def clean_odometer(self) -> int:
        return self._check_odometer(self.cleaned_data["odometer"])

    def event(self) -> engine.EarlyTermination:
        data = self.cleaned_data
        return engine.EarlyTermination(
            date=data["return_date"],
            odometer=data["odometer"],
            realized_value=data["realized_value"],
            **self._owed(),
        )


class ExtensionForm(QuoteForm):
    kind = Quote.Kind.EXTENSION
    title = _("Extension quote")
    cta = _("Get an extension quote")
    intro_template = "quotes/intro/extension.html"

    days = forms.IntegerField(
        label=_("How many more days would you like?"),
        min_value=1,
        error_messages={"invalid": _("Enter a whole number of days, like 30.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.days_in_review = self.lease.extension_days_in_review()
        self.days_left = self.lease.extension_days_left()
        self.fields["days"].help_text = gettext("From 1 to %(days)s days.") % {"days": self.days_left}

    @classmethod
    def unavailable(cls, lease: Lease, today: dt.date) -> str:
        if lease.extension_days_left() > 0:
            return ""
        if lease.extended_days >= lease.max_extension_days:
            return gettext("Your lease has used all %(limit)s of its extension days.") % {
                "limit": lease.max_extension_days
            }
        return gettext(
            "The rest of your lease's %(limit)s extension days are in a request waiting for "
            "review: the answer will show on your vehicle's page."
        ) % {"limit": lease.max_extension_days}

    def clean_days(self) -> int:
        days = self.cleaned_data["days"]
        if days > self.days_left:
            raise forms.ValidationError(
                ngettext(
                    "Your lease can be extended by %(days)s more day at most.",
                    "Your lease can be extended by %(days)s more days at most.",
                    self.days_left,
                )
                % {"days": self.days_left},
                code="past_limit",
            )
        return days

    def event(self) -> engine.Extension:
        return engine.Extension(days=self.cleaned_data["days"], days_already_granted=self.lease.extended_days)


FORMS: dict[str, type[QuoteForm]] = {
    form.kind: form for form in (TurnInForm, BuyoutForm, EarlyReturnForm, ExtensionForm)
}
