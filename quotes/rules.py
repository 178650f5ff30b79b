"""A quote line's words in the reader's language, from the engine's rule code and parameters.

The engine stays pure and English (its command line and tests read ``Line.label`` and
``Line.rule``); each line also carries ``rule_code`` and ``rule_params``. Here each code has its
sentence as a translatable template, and the parameters are formatted for the active language:
money always as US dollars, miles with US digit grouping, dates in words ("21 de diciembre de
2026"). In English the result is word for word the engine's own text (a test holds them to it).

A line stored before rule codes existed (an old quote, bill or kit) has only its English words:
those are shown as stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.dates import long_date, short_date  # noqa: F401  (quotes.rules speaks dates through these)
from quotes import engine

# The short title of each line, by the line's own code.
LABELS = {
    "excess_mileage": _("Excess mileage (%(excess)s mi at %(rate)s)"),
    "excess_wear": _("Excess wear"),
    "missing_equipment": _("Missing equipment"),
    "disposition_fee": _("Disposition fee"),
    "early_termination_fee": _("Early termination fee"),
    "purchase_option_fee": _("Purchase option fee"),
    "extension_fees": _("Extension fees (%(days)s at %(fee)s)"),
    "past_due": _("Past-due amounts"),
    "property_tax": _("Personal property tax"),
    "taxes": _("Tax on charges (%(tax_rate)s)"),
    "unused_mileage_refund": _("Unused purchased miles (%(unused)s mi at %(rate)s)"),
    "remaining_balance": _("Remaining balance"),
    "purchase_price": _("Purchase price"),
    "sales_tax": _("Sales tax (%(tax_rate)s)"),
    "security_deposit_applied": _("Security deposit applied"),
}

# The sentence behind each amount, by rule code.
RULES = {
    "mileage_over": _("%(excess)s miles over %(allowance_words)s × %(rate)s a mile"),
    "mileage_within": _("%(driven)s miles driven, within %(allowance_words)s"),
    "wear_none": _("No excess wear charges on this quote (an estimate leaves out any charges the inspection finds)"),
    "wear_none_found": _("The inspection found no chargeable excess wear"),
    "wear_less_waiver": _("Excess wear charges of %(charges)s less your %(waiver)s wear waiver"),
    "wear_inspection": _("Excess wear charges of %(charges)s from the inspection"),
    "missing_equipment": _("%(amount)s for equipment not returned with the vehicle, at the lessor's charge per item"),
    "disposition_fee": _("The turn-in fee in your lease: %(amount)s"),
    "early_termination_fee": _("The early termination fee in your lease: %(amount)s"),
    "purchase_option_fee": _("The purchase option fee in your lease: %(amount)s"),
    "extension_days": _(
        "%(days)s past your %(end_date)s end date × %(fee)s a day (your %(payment)s monthly payment × 12 ÷ 365)"
    ),
    "extension_none": _("No days past your %(end_date)s end date"),
    "extension_more": _(
        "%(days)s more past your %(end_date)s end date × %(fee)s a day (your %(payment)s monthly payment "
        "× 12 ÷ 365); that uses %(used)s of your %(max_days)s extension days"
    ),
    "past_due": _("%(amount)s of payments and charges already due on your account and not yet paid"),
    "past_due_none": _("Nothing is past due on your account"),
    "property_tax": _("%(amount)s of personal property tax billed on the vehicle and not yet paid"),
    "property_tax_none": _("No unpaid personal property tax on the vehicle"),
    "tax_on_charges": _("%(tax_rate)s tax on %(taxable)s of excess mileage and wear charges"),
    "tax_on_charges_equipment": _(
        "%(tax_rate)s tax on %(taxable)s of excess mileage, wear and missing-equipment charges"
    ),
    "unused_miles": _(
        "%(unused)s of the %(purchased_miles)s extra miles you bought went unused × %(rate)s a mile, credited back"
    ),
    "unused_miles_none": _("You bought no extra miles, so there is nothing to refund"),
    "balance_less_value": _(
        "Your adjusted lease balance of %(balance)s on %(on)s less the vehicle's realized value of %(realized)s"
    ),
    "value_covers_balance": _(
        "The vehicle's realized value of %(realized)s covers your adjusted lease balance of %(balance)s on %(on)s"
    ),
    "price_residual": _("The purchase option price in your lease, its residual value of %(price)s"),
    "price_balance": _("Your adjusted lease balance on %(on)s: what is left of the lease's cost then"),
    "sales_tax": _("%(tax_rate)s of the %(price)s purchase price"),
    "deposit_applied": _("Your %(deposit)s security deposit, applied to the purchase as you asked"),
    "deposit_not_applied": _("Your %(deposit)s security deposit is not applied to the purchase"),
    "deposit_none": _("No security deposit is held on this lease"),
}


def miles(count: int) -> str:
    """Whole miles with US digit grouping in both languages (the lessee's odometer reads so)."""
    return f"{count:,}"


def miles_words(count: int) -> str:
    """ "36,000 miles" in the reader's language ("36,000 millas"), US digit grouping in both."""
    return ngettext("%(count)s mile", "%(count)s miles", count) % {"count": miles(count)}


def days(count: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": f"{count:,}"}


def _date(text: str) -> str:
    return long_date(dt.date.fromisoformat(text))


def _money(text: str) -> str:
    return engine.usd(Decimal(text))


# How each parameter is shown; a parameter not named here is shown as it is.
FORMATS: dict[str, Callable[[Any], str]] = {
    **dict.fromkeys(
        ("amount", "charges", "waiver", "fee", "payment", "balance", "realized", "price", "deposit", "taxable"), _money
    ),
    **dict.fromkeys(
        ("excess", "driven", "allowance", "annual_miles", "purchased_miles", "unused", "used", "max_days"), miles
    ),
    **dict.fromkeys(("end_date", "on", "earned_on"), _date),
    "rate": lambda text: engine.per_mile(Decimal(text)),
    "tax_rate": lambda text: engine.percent(Decimal(text)),
    "days": days,
}


def _shown(params: Mapping[str, Any]) -> dict[str, str]:
    shown = {key: FORMATS.get(key, str)(value) for key, value in params.items()}
    if "allowance" in params:
        shown["allowance_words"] = _allowance_words(params, shown)
    return shown


def _allowance_words(params: Mapping[str, Any], shown: Mapping[str, str]) -> str:
    """The allowance an excess is counted from: the whole lease's, or the part earned by an early return."""
    if "earned_on" not in params:
        return _("your %(allowance)s-mile allowance") % shown
    if params.get("purchased_miles"):
        words = _(
            "the %(allowance)s-mile allowance earned by %(earned_on)s (%(days)s at %(annual_miles)s miles a year, "
            "plus %(purchased_miles)s purchased)"
        )
    else:
        words = _(
            "the %(allowance)s-mile allowance earned by %(earned_on)s (%(days)s at %(annual_miles)s miles a year)"
        )
    return words % shown


def _field(line: Any, name: str, default: Any = "") -> Any:
    return line.get(name, default) if isinstance(line, Mapping) else getattr(line, name, default)


def line_label(line: Any) -> str:
    """A line's title (an engine ``Line`` or a stored line's dict) in the active language."""
    template = LABELS.get(_field(line, "code"))
    if template is None:
        return _field(line, "label")
    try:
        return str(template) % _shown(_field(line, "rule_params", None) or {})
    except KeyError:  # a title with numbers, on a line stored without them
        return _field(line, "label")


def line_rule(line: Any) -> str:
    """The sentence behind a line's amount in the active language; an old record's stored words."""
    template = RULES.get(_field(line, "rule_code"))
    if template is None:
        return _field(line, "rule")
    return str(template) % _shown(_field(line, "rule_params", {}))


def zero_lines_sentence(lines: Any) -> str:
    """The lines checked and found to be $0.00, named in one sentence in the active language
    (English: the engine's own sentence, ``engine.lines_presented``); "" when there are none."""
    lines = list(lines or [])
    if (translation.get_language() or "en").startswith("en"):
        return engine.lines_presented(lines)[1]
    zero = [line for line in lines if Decimal(str(_field(line, "amount", 0))) == 0]
    if not zero:
        return ""
    names = [line_label(line).split(" (")[0] for line in zero]
    names = [name[:1].lower() + name[1:] for name in names]
    listed = (
        names[0]
        if len(names) == 1
        else gettext("%(first)s and %(last)s")
        % {
            "first": ", ".join(names[:-1]),
            "last": names[-1],
        }
    )
    return gettext("Also checked and found to be $0.00: %(listed)s.") % {"listed": listed}
