"""Compare my options: return, buy or extend, side by side for today's figures.

Computed on the fly from the lease, its odometer readings and the account; nothing is stored
until the lessee saves one option as a quote (which goes through services.quote_create).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leases.models import Lease
from quotes import engine
from quotes.engine import usd
from quotes.rules import long_date
from quotes.services import BUYOUT_APPLY_DEPOSIT, buyout_event, buyout_last_day

EXTENSION_CHOICES = (30, 90)


@dataclass(frozen=True)
class Projection:
    """The odometer expected on a day, and how we got there, in a sentence."""

    miles: int
    on: dt.date
    basis: str


@dataclass(frozen=True)
class Option:
    key: str
    title: str
    when: dt.date  # the return or purchase date, or the day an extension runs to
    summary: str
    event: engine.Event
    quote: engine.Quote | None
    error: str = ""
    not_saveable: str = ""  # why these figures cannot be saved as a quote today, or ""

    @property
    def saveable(self) -> bool:
        return self.quote is not None and not self.not_saveable

    @property
    def is_extension(self) -> bool:
        return isinstance(self.event, engine.Extension)

    @property
    def we_owe(self) -> bool:
        return self.quote is not None and self.quote.net_after_deposit < 0


def projected_odometer(lease: Lease, on: dt.date) -> Projection:
    """The lease's odometer projection for `on` (Lease.odometer_projection), and how we got there."""
    projection = lease.odometer_projection(on)
    miles, start, latest = projection.miles, projection.start, projection.latest
    if not projection.from_readings:
        basis = _(
            "We have no odometer reading since you signed, so this assumes you drive your allowance of "
            "%(yearly)s miles a year: about %(miles)s miles on %(day)s."
        ) % dict(yearly=f"{lease.annual_miles:,}", miles=f"{miles:,}", day=long_date(on))
    elif on <= latest.day:
        basis = _("Your latest reading: %(miles)s miles on %(day)s.") % dict(
            miles=f"{latest.miles:,}", day=long_date(latest.day)
        )
    else:
        basis = _(
            "Your readings show %(driven)s miles in %(days)s days up to %(last)s; "
            "at that pace you will have about %(miles)s miles on %(day)s."
        ) % dict(
            driven=f"{latest.miles - start.miles:,}",
            days=f"{(latest.day - start.day).days:,}",
            last=long_date(latest.day),
            miles=f"{miles:,}",
            day=long_date(on),
        )
    return Projection(miles, on, basis)


@dataclass(frozen=True)
class Comparison:
    end: dt.date  # the lease's end date (with any approved extension), or today once it has passed
    projection: Projection
    options: list[Option]
    sentences: list[str]

    def option(self, key: str) -> Option | None:
        return next((option for option in self.options if option.key == key), None)


def compare(*, lease: Lease, today: dt.date, past_due: Decimal, property_tax: Decimal) -> Comparison:
    end = max(lease.end_date, today)
    projection = projected_odometer(lease, end)
    options = compare_options(
        lease=lease, today=today, end=end, past_due=past_due, property_tax=property_tax, projection=projection
    )
    return Comparison(end, projection, options, differences(options))


Candidate = tuple[str, str, dt.date, str, engine.Event]  # key, title, date, summary, the engine's event


def compare_options(
    *,
    lease: Lease,
    today: dt.date,
    end: dt.date,
    past_due: Decimal,
    property_tax: Decimal,
    projection: Projection,
) -> list[Option]:
    """Return at the end date, buy then (and today, if earlier), extend 30 and 90 days (capped)."""
    owed = {"past_due": past_due, "property_tax": property_tax}
    candidates = [
        *_return_and_buy(lease, today=today, end=end, owed=owed, projection=projection),
        *_extensions(lease),
    ]
    terms = lease.terms()
    return [_saveable_today(_priced(terms, *candidate), today) for candidate in candidates]


def _saveable_today(option: Option, today: dt.date) -> Option:
    """A buyout for a day past buyout_last_day(today) would lapse before it could be paid: its
    figures are shown to compare, but it is saved only once that day is close enough."""
    if not isinstance(option.event, engine.Buyout) or option.when <= buyout_last_day(today):
        return option
    days = settings.QUOTE_GOOD_THROUGH_DAYS
    from_day = option.when - dt.timedelta(days=days)
    note = _(
        "A buyout quote is good for %(days)s days, so you can save this one from %(day)s, "
        "when it can still be paid on the day it prices."
    ) % dict(days=days, day=long_date(from_day))
    return dataclasses.replace(option, not_saveable=note)


def _return_and_buy(
    lease: Lease, *, today: dt.date, end: dt.date, owed: dict[str, Decimal], projection: Projection
) -> list[Candidate]:
    candidates: list[Candidate] = [
        (
            "return",
            _("Return it on %(day)s") % dict(day=long_date(end)),
            end,
            _("Turn-in estimate at about %(miles)s miles, excluding potential excess wear charges.")
            % {"miles": f"{projection.miles:,}"},
            engine.TurnIn(date=end, odometer=projection.miles, **owed),
        ),
        (
            "buy_end",
            _("Buy it on %(day)s") % dict(day=long_date(end)),
            end,
            _("The purchase option price in your lease, with the purchase fee and sales tax."),
            buyout_event(lease, end, apply_deposit=BUYOUT_APPLY_DEPOSIT, **owed),
        ),
    ]
    if today < lease.maturity_date:
        summary = _("Your adjusted lease balance today, with the purchase fee and sales tax.")
        candidates.append(
            (
                "buy_today",
                _("Buy it today"),
                today,
                summary,
                buyout_event(lease, today, apply_deposit=BUYOUT_APPLY_DEPOSIT, **owed),
            )
        )
    return candidates


def _extensions(lease: Lease) -> list[Candidate]:
    """30 and 90 more days, capped at the days the lease can still be extended by."""
    left = lease.extension_days_left()
    candidates: list[Candidate] = []
    for days in sorted({min(choice, left) for choice in EXTENSION_CHOICES if left > 0}):
        until = lease.end_date + dt.timedelta(days=days)
        summary = ngettext(
            "Keep the car %(days)s more day, to %(day)s, then return or buy it.",
            "Keep the car %(days)s more days, to %(day)s, then return or buy it.",
            days,
        ) % dict(days=days, day=long_date(until))
        event = engine.Extension(days=days, days_already_granted=lease.extended_days)
        title = ngettext("Extend %(days)s day", "Extend %(days)s days", days) % {"days": days}
        candidates.append((f"extend_{days}", title, until, summary, event))
    return candidates


def _priced(terms: engine.LeaseTerms, key: str, title: str, when: dt.date, summary: str, event: engine.Event) -> Option:
    try:
        return Option(key, title, when, summary, event, engine.compute_quote(terms, event))
    except engine.QuoteError as error:
        return Option(key, title, when, summary, event, None, str(error))


def differences(options: list[Option]) -> list[str]:
    """The differences between the options, spelled out in sentences."""
    by_key = {option.key: option for option in options if option.quote is not None}
    sentences = []
    back, buy, buy_now = by_key.get("return"), by_key.get("buy_end"), by_key.get("buy_today")
    if back:
        net = back.quote.net_after_deposit
        words = dict(amount=usd(abs(net)), deposit=usd(back.quote.security_deposit))
        if net < 0:
            sentence = _(
                "Returning the car: we would owe you %(amount)s after your %(deposit)s security deposit "
                "(an estimate: any excess wear the inspection finds comes on top)."
            )
        else:
            sentence = _(
                "Returning the car: you would pay %(amount)s after your %(deposit)s security deposit "
                "(an estimate: any excess wear the inspection finds comes on top)."
            )
        sentences.append(sentence % words)
    if back and buy:
        gap = buy.quote.net_after_deposit - back.quote.net_after_deposit
        if gap >= 0:
            sentence = _("Buying costs %(amount)s more up front than returning, and you keep the car.")
        else:
            sentence = _("Buying costs %(amount)s less up front than returning, and you keep the car.")
        sentences.append(sentence % dict(amount=usd(abs(gap))))
    if buy and buy_now:
        gap = buy_now.quote.net_after_deposit - buy.quote.net_after_deposit
        when = long_date(buy.when)
        if gap < 0:
            sentences.append(
                _("Buying today costs %(amount)s less than buying on %(day)s.") % dict(amount=usd(-gap), day=when)
            )
        elif gap > 0:
            sentences.append(
                _("Buying today costs %(amount)s more than buying on %(day)s.") % dict(amount=usd(gap), day=when)
            )
        else:
            sentences.append(_("Buying today costs the same as buying on %(day)s.") % {"day": when})
    extensions = [option for option in options if option.key.startswith("extend_") and option.quote]
    for option in extensions:
        days = option.event.days
        fee = option.quote.derived["daily_extension_fee"]
        sentence = ngettext(
            "Extending %(days)s day costs %(total)s in extension fees (%(days)s × %(fee)s a day) "
            "and puts off returning or buying the car until %(day)s.",
            "Extending %(days)s days costs %(total)s in extension fees (%(days)s × %(fee)s a day) "
            "and puts off returning or buying the car until %(day)s.",
            days,
        )
        sentences.append(
            sentence % dict(days=days, total=usd(option.quote.total), fee=usd(fee), day=long_date(option.when))
        )
    return sentences
