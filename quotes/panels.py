"""What this app adds to the lease page: called by portal.lease_page.lease_detail."""

import datetime as dt

from leases.models import Lease
from quotes.models import Quote

# What the list on the lease page shows; the snapshot's JSON stays in the database.
LIST_FIELDS = ("public_id", "reference", "kind", "total", "net_after_deposit", "quoted_on", "good_through", "lease")
SHOWN_FIRST = 5


def lease_panel(lease: Lease, *, user, today: dt.date) -> dict:
    """The lease's quotes, newest first, in one query however many there are."""
    quotes = list(Quote.objects.filter(lease=lease).only(*LIST_FIELDS).order_by("-created_at", "-id"))
    for quote in quotes:  # a lease no longer open has no live quotes: each shows as past
        quote.expired = quote.is_expired(today) or not lease.is_open
    return {
        "lease_quotes": quotes[:SHOWN_FIRST],
        "older_lease_quotes": quotes[SHOWN_FIRST:],
        "can_quote": lease.is_open,
    }
