"""Finding a walk-in's lease: two identifiers, a per-user limit, and a record of every look-up.

A VIN or an account number alone is printed on too much paper to be a key to a lessee's name
and home address, so the dealer also types a lessee's last name. Each staff user may look up
WALK_IN_LOOKUPS_PER_HOUR leases an hour, and every look-up, found or not, is kept as a
WalkInLookup (what was typed masked) for operations to read in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from leases.models import Dealer, Lease
from leases.selectors import open_lease_for_dealer
from portal import ratelimit
from returnkit.turnin.models import WalkInLookup

WALK_IN_LOOKUPS_PER_HOUR = 30


@dataclass(frozen=True)
class WalkInFound:
    lease: Lease | None
    throttled: bool = False


def mask(typed: str, *, keep: int) -> str:
    """What was typed, with all but the last ``keep`` characters hidden (at least half hidden)."""
    keep = min(keep, len(typed) // 2)
    return "•" * (len(typed) - keep) + typed[len(typed) - keep :]


def find_walk_in(*, dealer: Dealer, user, identifier: str, last_name: str, ip: str | None) -> WalkInFound:
    """The open lease of a make ``dealer`` takes back whose VIN or account number is
    ``identifier`` and one of whose lessees is called ``last_name``; recorded, and refused
    (throttled) past the hourly limit."""
    identifier, last_name = identifier.strip().upper(), last_name.strip()
    allowed = ratelimit.hit(f"walk-in:{user.pk}", limit=WALK_IN_LOOKUPS_PER_HOUR, window_seconds=3600)
    lease = open_lease_for_dealer(dealer, identifier, last_name=last_name) if allowed else None
    outcome = (
        WalkInLookup.Outcome.THROTTLED
        if not allowed
        else (WalkInLookup.Outcome.FOUND if lease else WalkInLookup.Outcome.NOT_FOUND)
    )
    WalkInLookup.objects.create(
        user=user,
        dealer=dealer,
        identifier_typed=mask(identifier, keep=4),
        last_name_typed=mask(last_name[::-1], keep=1)[::-1],  # the first letter only
        outcome=outcome,
        lease=lease,
        ip=ip or None,
    )
    return WalkInFound(lease=lease, throttled=not allowed)
