"""Giving a quote: compute it with the engine and store the snapshot, in one transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from leases.models import Lease
from quotes import engine
from quotes.models import Quote, new_reference, sum_of_lines

REFERENCE_ATTEMPTS = 5


class LeaseNotOpen(Exception):
    """The lessee no longer has the vehicle (returned, bought, closed): there is nothing to quote."""


def quote_create(*, lease: Lease, user, event: engine.Event, today: dt.date) -> Quote:
    """Quote `event` on the lease's terms today and store it. QuoteError if the engine refuses it."""
    with transaction.atomic():
        # Read the status under a lock: a lease closed a moment ago gets no new quote, and the
        # terms cannot change between the quote's computation and its storing.
        current = Lease.objects.select_for_update().get(pk=lease.pk)
        if not current.is_open:
            raise LeaseNotOpen(f"This lease is {current.get_status_display().lower()}: it cannot be quoted.")
        terms = current.terms()
        result = engine.compute_quote(terms, event)
        lines = [
            {"code": line.code, "label": line.label, "rule": line.rule, "amount": _text(line.amount)}
            for line in result.lines
        ]
        if sum_of_lines(lines) != result.total:  # the engine refuses this too; a stored quote must never
            raise ValueError(f"quote total {result.total} is not the sum of its lines")
        quote = Quote(
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
            good_through=today + dt.timedelta(days=settings.QUOTE_GOOD_THROUGH_DAYS),
            created_by=user,
        )
        quote.clean()
        _insert_with_reference(quote, year=today.year)
    return quote


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
