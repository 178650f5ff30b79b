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

from leases.models import Lease
from quotes import engine
from quotes.engine import long_date, usd
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
        basis = (
            f"We have no odometer reading since you signed, so this assumes you drive your allowance of "
            f"{lease.annual_miles:,} miles a year: about {miles:,} miles on {long_date(on)}."
        )
    elif on <= latest.day:
        basis = f"Your latest reading: {latest.miles:,} miles on {long_date(latest.day)}."
    else:
        basis = (
            f"Your readings show {latest.miles - start.miles:,} miles in {(latest.day - start.day).days:,} days "
            f"up to {long_date(latest.day)}; at that pace you will have about {miles:,} miles on {long_date(on)}."
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
    note = (
        f"A buyout quote is good for {days} days, so you can save this one from {long_date(from_day)}, "
        "when it can still be paid on the day it prices."
    )
    return dataclasses.replace(option, not_saveable=note)


def _return_and_buy(
    lease: Lease, *, today: dt.date, end: dt.date, owed: dict[str, Decimal], projection: Projection
) -> list[Candidate]:
    candidates: list[Candidate] = [
        (
            "return",
            f"Return it on {long_date(end)}",
            end,
            f"Turn-in estimate at about {projection.miles:,} miles, excluding potential excess wear charges.",
            engine.TurnIn(date=end, odometer=projection.miles, **owed),
        ),
        (
            "buy_end",
            f"Buy it on {long_date(end)}",
            end,
            "The purchase option price in your lease, with the purchase fee and sales tax.",
            buyout_event(lease, end, apply_deposit=BUYOUT_APPLY_DEPOSIT, **owed),
        ),
    ]
    if today < lease.maturity_date:
        summary = "Your adjusted lease balance today, with the purchase fee and sales tax."
        candidates.append(
            (
                "buy_today",
                "Buy it today",
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
        summary = f"Keep the car {days} more days, to {long_date(until)}, then return or buy it."
        event = engine.Extension(days=days, days_already_granted=lease.extended_days)
        candidates.append((f"extend_{days}", f"Extend {days} days", until, summary, event))
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
        owes = f"we would owe you {usd(-net)}" if net < 0 else f"you would pay {usd(net)}"
        sentences.append(
            f"Returning the car: {owes} after your {usd(back.quote.security_deposit)} security deposit "
            "(an estimate: any excess wear the inspection finds comes on top)."
        )
    if back and buy:
        gap = buy.quote.net_after_deposit - back.quote.net_after_deposit
        more_or_less = "more" if gap >= 0 else "less"
        sentences.append(f"Buying costs {usd(abs(gap))} {more_or_less} up front than returning, and you keep the car.")
    if buy and buy_now:
        gap = buy_now.quote.net_after_deposit - buy.quote.net_after_deposit
        when = long_date(buy.when)
        if gap < 0:
            sentences.append(f"Buying today costs {usd(-gap)} less than buying on {when}.")
        elif gap > 0:
            sentences.append(f"Buying today costs {usd(gap)} more than buying on {when}.")
        else:
            sentences.append(f"Buying today costs the same as buying on {when}.")
    extensions = [option for option in options if option.key.startswith("extend_") and option.quote]
    for option in extensions:
        days = option.event.days
        fee = option.quote.derived["daily_extension_fee"]
        sentences.append(
            f"Extending {days} days costs {usd(option.quote.total)} in extension fees ({days} × {usd(fee)} a day) "
            f"and puts off returning or buying the car until {long_date(option.when)}."
        )
    return sentences
