"""What this app adds to the lease page: called by leases.views.lease_detail."""

import datetime as dt

from leases.models import Lease


def lease_panel(lease: Lease, *, user, today: dt.date) -> dict:
    return {}
