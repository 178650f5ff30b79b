"""What billing (final bill, payments, refunds, the lease-end timeline) adds to the lease page."""

import datetime as dt

from leases.models import Lease


def lease_panel(lease: Lease, *, user, today: dt.date) -> dict:
    return {}
