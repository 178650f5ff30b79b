"""Extension requests: keeping the vehicle past its scheduled end, within the lease's limit.

A request within the limit on an account with nothing past due is approved at once; one on an
account with a past-due amount waits for operations (approve or decline in the admin). A request
that would pass the limit is refused and nothing is stored.

Approval records the days (lease.extended_days, which also widens the turn-in booking window)
and moves the lease to "extended". It posts no charge: the final bill charges extension fees
for the days the vehicle is actually kept past its scheduled end (the engine's extension_fees
line), and a buyout quote does the same, so the fee reaches the ledger once, at the end.
Checking the quote itself (its kind and good-through date) stays on the quotes side.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from leases.billing import ledger
from leases.models import ExtensionRequest, Lease
from leases.services import lease_locked
from portal.notify import Kind, link, notify
from quotes.engine import money, usd

# What a new request tells the lessees: approved at once, or waiting for review.
EXTENSION_NOTICE = {
    ExtensionRequest.Status.APPROVED: Kind.EXTENSION_APPROVED,
    ExtensionRequest.Status.IN_REVIEW: Kind.EXTENSION_IN_REVIEW,
}


class ExtensionRefused(Exception):
    """A request that cannot be made or decided now; str() says why in plain words."""


def request_for_quote(lease: Lease, quote_reference: str) -> ExtensionRequest | None:
    """The request made on ``lease`` from the quote with this reference, or None if none was."""
    return ExtensionRequest.objects.filter(lease=lease, quote_reference=quote_reference).first()


def request_for_lease(lease: Lease, public_id) -> ExtensionRequest:
    """The request with this public id, only if it is one of ``lease``'s: ExtensionRequest.DoesNotExist
    otherwise, so a page under one customer's lease never shows another's request (the caller 404s)."""
    return ExtensionRequest.objects.get(lease=lease, public_id=public_id)


def _check_limit(lease: Lease, days: int, *, deciding: ExtensionRequest | None = None) -> None:
    left = lease.extension_days_left(excluding=deciding)
    if days <= left:
        return
    reserved = lease.extension_days_in_review(excluding=deciding)
    waiting = f", and {reserved:,} more are waiting for review" if reserved else ""
    granted = f"{lease.extended_days:,} already granted{waiting}"
    if left <= 0:
        raise ExtensionRefused(
            f"Your lease can be extended by {lease.max_extension_days:,} days at most ({granted}), "
            "so no more days can be added. Please plan to return or buy the vehicle."
        )
    raise ExtensionRefused(
        f"Your lease can be extended by {lease.max_extension_days:,} days at most ({granted}): "
        f"{days:,} more days would pass that limit. You can ask for up to {left:,} more days."
    )


def _grant(*, lease: Lease, request: ExtensionRequest, user, today: dt.date) -> None:
    """Record the days on the locked lease and mark it extended; the caller holds the row lock."""
    Lease.objects.filter(pk=lease.pk).update(extended_days=F("extended_days") + request.days)
    lease.refresh_from_db(fields=["extended_days"])
    lease.mark_extended()
    request.status = ExtensionRequest.Status.APPROVED
    request.decided_by = user
    request.decided_on = today
    request.extended_to = lease.end_date


def extension_request_create(
    *,
    lease: Lease,
    quote_reference: str,
    days: int,
    daily_fee: Decimal,
    fee: Decimal,
    user,
    today: dt.date,
) -> ExtensionRequest:
    """Ask for `days` more days as quoted; approved at once or sent for review. ExtensionRefused
    if it passes the limit or the lease is no longer open. A second request from the same quote
    (a double click, a resubmitted form) gets the first one back."""
    with transaction.atomic():
        lease = lease_locked(lease.pk)
        if existing := _request_made(lease, quote_reference):
            return existing
        _check_extendable(lease, days)
        past_due, _ = ledger.amounts_owed(lease)
        request = ExtensionRequest(
            lease=lease,
            quote_reference=quote_reference,
            days=days,
            daily_fee=money(daily_fee),
            fee=money(fee),
            requested_by=user,
            requested_on=today,
        )
        if past_due > 0:
            request.status = ExtensionRequest.Status.IN_REVIEW
            request.review_reason = f"{usd(past_due)} past due on the account when asked"
        else:
            _grant(lease=lease, request=request, user=None, today=today)
        request.save(force_insert=True)
        notify(lease, EXTENSION_NOTICE[request.status], url=link("leases:detail", lease.public_id), key=request.pk)
        return request


def _request_made(lease: Lease, quote_reference: str) -> ExtensionRequest | None:
    """The request this quote already made (a double click, a resubmitted form), if any."""
    existing = ExtensionRequest.objects.filter(quote_reference=quote_reference).first()
    if existing is not None and existing.lease_id != lease.pk:
        raise ExtensionRefused("That quote is for another lease.")
    return existing


def _check_extendable(lease: Lease, days: int) -> None:
    if not lease.is_open:
        raise ExtensionRefused(f"{lease.status_sentence()} It can no longer be extended.")
    if days < 1:
        raise ExtensionRefused("An extension is for one day or more.")
    _check_limit(lease, days)


def extension_approve(*, request: ExtensionRequest, user, today: dt.date) -> bool:
    """Operations approve a request in review. False if it was already decided; ExtensionRefused
    if the lease has moved on or the days no longer fit the limit."""
    with transaction.atomic():
        lease = lease_locked(request.lease_id)
        request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ExtensionRequest.Status.IN_REVIEW:
            return False
        if not lease.is_open:
            raise ExtensionRefused(
                f"Lease {lease.account_number}: {lease.status_sentence()} Decline the request instead."
            )
        _check_limit(lease, request.days, deciding=request)
        _grant(lease=lease, request=request, user=user, today=today)
        request.save(update_fields=["status", "decided_by", "decided_on", "extended_to"])
        notify(lease, Kind.EXTENSION_APPROVED, url=link("leases:detail", lease.public_id), key=request.pk)
        return True


def extension_decline(*, request: ExtensionRequest, user, today: dt.date, note: str = "") -> bool:
    """Operations decline a request in review. False if it was already decided."""
    fields = {"status": ExtensionRequest.Status.DECLINED, "decided_by": user, "decided_on": today}
    if note:
        fields["decision_note"] = note
    moved = ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionRequest.Status.IN_REVIEW).update(**fields)
    if moved:
        notify(
            request.lease, Kind.EXTENSION_DECLINED, url=link("leases:detail", request.lease.public_id), key=request.pk
        )
    return bool(moved)
