"""What this app adds to the lease page: called by portal.lease_page.lease_detail."""

import datetime as dt

from django.urls import reverse

from leases.models import Lease
from returnkit.reminders import kit_sent_on


def lease_panel(lease: Lease, *, user, today: dt.date) -> dict:
    """The kit link, and the day the kit email went (one small query)."""
    return {
        "return_kit": {
            "url": reverse("returnkit:kit_pdf", args=[lease.public_id]),
            "offered": lease.is_open,
            "sent_on": kit_sent_on(lease),
        }
    }
