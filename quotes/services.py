"""Giving a quote: compute it with the engine and store the snapshot, in one transaction (its PDF is
drawn from the snapshot once that has committed)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from leases import extensions
from leases.billing import payments
from leases.models import ExtensionRequest, Lease, Payment
from leases.services import lease_locked
from portal.notify import Kind, link, notify
from quotes import engine
from quotes.models import Quote, new_reference, sum_of_lines
from quotes.pdf import QUOTE_PDF

REFERENCE_ATTEMPTS = 5


class LeaseNotOpen(Exception):
    """The lessee no longer has the vehicle (returned, bought, closed): there is nothing to quote."""


class QuoteRefused(Exception):
    """A quote that cannot be acted on now; ``reason`` names why for the page, str() says it."""

    reason = "refused"


class QuoteLapsed(QuoteRefused):
    """A quote past its good-through date: its figures no longer hold, and a new quote is needed."""

    reason = "lapsed"


class BuyoutNotDue(QuoteRefused):
    """A buyout quote priced for a later purchase date: paying it now would buy at that day's price."""

    reason = "not_due"


class BuyoutLeaseClosed(QuoteRefused):
    """The lease is no longer open (returned, bought, closed): the vehicle cannot be bought."""

    reason = "closed"


def buyout_not_due(quote: Quote, today: dt.date) -> str:
    """Why this buyout quote cannot be paid today because of its purchase date, or "" if it can."""
    day = quote.event_date
    if day is None or day <= today:
        return ""
    return f"This quote prices a purchase on {engine.long_date(day)}, and the price depends on the day you buy."


BUYOUT_APPLY_DEPOSIT = True
"""The deposit choice a buyout is priced with unless the lessee says otherwise: the buyout form's
default and the one Compare my options shows."""


def buyout_event(
    lease: Lease, day: dt.date, *, apply_deposit: bool, past_due: Decimal, property_tax: Decimal
) -> engine.Buyout:
    """The engine's Buyout for buying the lease's vehicle on `day`: the one builder behind the buyout
    form and Compare my options, so the same day and choice price the same everywhere. `past_due`
    and `property_tax` are what the account owes (leases.billing.ledger.amounts_owed); a lease with
    no security deposit has none to apply."""
    return engine.Buyout(
        date=day,
        apply_security_deposit=bool(apply_deposit and lease.security_deposit),
        past_due=past_due,
        property_tax=property_tax,
    )


def buyout_last_day(today: dt.date) -> dt.date:
    """The latest purchase date a buyout quote given today can be paid on: it is paid on or after
    the day it prices (buyout_not_due) and no later than its good-through date."""
    return good_through(today)


def buyout_refusal(quote: Quote, today: dt.date) -> QuoteRefused | None:
    """Why this buyout quote cannot be paid today, or None if it can: the one check behind the
    quote page's pay button, the pay page and paying itself."""
    if not quote.lease.is_open:
        return BuyoutLeaseClosed(quote.lease.status_sentence())
    try:
        _check_current(quote, kind=Quote.Kind.BUYOUT, today=today)
    except QuoteLapsed as lapsed:
        return lapsed
    if reason := buyout_not_due(quote, today):
        return BuyoutNotDue(reason)
    return None


def quote_create(
    *, lease: Lease, user, event: engine.Event, today: dt.date, idempotency_key: uuid.UUID | None = None
) -> Quote:
    """Quote `event` on the lease's terms today and store it. QuoteError if the engine refuses it.

    ``idempotency_key`` is the submitted form's: the same form sent again the same day (a double
    click, a retry) gets the quote it already made instead of a second one. Submits for one lease
    are serialised on its row; the unique (lease, key) is the last word.
    """
    try:
        with transaction.atomic():
            # Read the status under a lock: a lease closed a moment ago gets no new quote, and the
            # terms cannot change between the quote's computation and its storing.
            current = lease_locked(lease.pk)
            earlier = _quote_for_key(current, idempotency_key)
            if earlier is not None and earlier.quoted_on == today:
                return earlier
            if not current.is_open:
                raise LeaseNotOpen(f"{current.status_sentence()} It can no longer be quoted.")
            quote = _quote_computed(current, user=user, event=event, today=today)
            # A key from an older day (a stale page sent again) gets a new quote, without the key.
            quote.idempotency_key = idempotency_key if earlier is None else None
            quote.clean()
            _insert_with_reference(quote, year=today.year)
            QUOTE_PDF.enqueue(quote.pk)
            notify(
                current, Kind.QUOTE_SAVED, url=link("quotes:detail", current.public_id, quote.public_id), key=quote.pk
            )
        return quote
    except IntegrityError:
        if (earlier := _quote_for_key(lease, idempotency_key)) is not None:
            return earlier
        raise


def _quote_for_key(lease: Lease, key: uuid.UUID | None) -> Quote | None:
    """The quote the form with this key already made, if any."""
    return None if key is None else Quote.objects.filter(lease=lease, idempotency_key=key).first()


def _quote_computed(current: Lease, *, user, event: engine.Event, today: dt.date) -> Quote:
    terms = current.terms()
    result = engine.compute_quote(terms, event)
    lines = [
        {
            "code": line.code,
            "label": line.label,
            "rule": line.rule,
            "amount": _text(line.amount),
            # The words again as a code and numbers, shown in the reader's language (quotes.rules).
            "rule_code": line.rule_code,
            "rule_params": line.rule_params,
        }
        for line in result.lines
    ]
    # The engine refuses such a quote too; this guards the stored snapshot, which must never disagree.
    if sum_of_lines(lines) != result.total:
        raise ValueError(f"quote total {result.total} is not the sum of its lines")
    return Quote(
        lease=current,
        kind=result.kind,
        terms=terms_snapshot(terms),
        inputs=inputs_snapshot(event),
        lines=lines,
        total=result.total,
        security_deposit=result.security_deposit,
        net_after_deposit=result.net_after_deposit,
        derived=dict(result.derived),
        quoted_on=today,
        good_through=good_through(today),
        created_by=user,
    )


def good_through(today: dt.date) -> dt.date:
    """The last day a quote given today holds."""
    return today + dt.timedelta(days=settings.QUOTE_GOOD_THROUGH_DAYS)


def _check_current(quote: Quote, *, kind: str, today: dt.date) -> None:
    if quote.kind != kind:
        raise ValueError(f"quote {quote.reference} is a {quote.kind} quote, not {kind}")
    if quote.is_expired(today):
        day = quote.good_through
        raise QuoteLapsed(
            f"This quote was good through {engine.long_date(day)} and has lapsed: "
            f"its figures may have changed since. Please get a new {quote.get_kind_display().lower()} quote."
        )


def buyout_quote_pay(
    *,
    quote: Quote,
    debit: payments.Debit,
    today: dt.date,
) -> Payment:
    """Buy the vehicle by paying a buyout quote within its good-through date: the quote's lines go
    to the ledger, its net after the deposit is debited and the lease becomes purchased, once.
    QuoteLapsed past the good-through date; BuyoutNotDue before the purchase date it prices (the
    price falls as the lease runs on, so a later day's price is not paid early);
    errors.PaymentRefused when billing refuses it. The same form sent again gets its payment back,
    even once the first has closed the lease (a retry must not read as a refusal)."""
    if earlier := payments.payment_for_key(lease=quote.lease, user=debit.user, idempotency_key=debit.idempotency_key):
        return earlier
    if refused := buyout_refusal(quote, today):
        raise refused
    return payments.buyout_payment_create(
        lease=quote.lease,
        quote_reference=quote.reference,
        lines=quote.lines,
        amount=quote.net_after_deposit,
        debit=debit,
        today=today,
    )


def extension_quote_request(*, quote: Quote, user, today: dt.date) -> ExtensionRequest:
    """Ask for the extension an extension quote prices: approved at once or sent for review
    (leases.extensions). QuoteLapsed past the good-through date; ExtensionRefused past the limit."""
    _check_current(quote, kind=Quote.Kind.EXTENSION, today=today)
    fee = next(Decimal(line["amount"]) for line in quote.lines if line["code"] == "extension_fees")
    return extensions.extension_request_create(
        lease=quote.lease,
        quote_reference=quote.reference,
        days=int(quote.inputs["days"]),
        daily_fee=Decimal(quote.derived["daily_extension_fee"]),
        fee=fee,
        user=user,
        today=today,
    )


def _insert_with_reference(quote: Quote, *, year: int) -> None:
    for _ in range(REFERENCE_ATTEMPTS):
        quote.reference = new_reference(year)
        try:
            with transaction.atomic():  # a savepoint: a clashing reference undoes only this insert
                quote.save(force_insert=True)
        except IntegrityError:
            if not Quote.objects.filter(reference=quote.reference).exists():
                raise
        else:
            return
    raise RuntimeError(f"no free quote reference after {REFERENCE_ATTEMPTS} attempts")


def terms_snapshot(terms: engine.LeaseTerms) -> dict[str, str]:
    """Every field of the terms as text, in the engine's request form."""
    return {spec.name: _text(getattr(terms, spec.name)) for spec in dataclasses.fields(terms)}


def inputs_snapshot(event: engine.Event) -> dict[str, Any]:
    """The event in the engine's request form: `parse_request({"terms": ..., "event": ...})` rebuilds it."""
    snapshot: dict[str, Any] = {"kind": event.kind}
    for spec in dataclasses.fields(event):
        value = getattr(event, spec.name)
        if value is not None:
            snapshot[spec.name] = value if isinstance(value, bool) else _text(value)
    return snapshot


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)
