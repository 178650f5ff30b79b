"""The demo portfolio, seeded app by app: leases and people first, then billing's final bill,
the help centre's reading figures and the dealers' turn-in schedules. Safe to run again."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from helpcentre import demo as help_demo
from leases import demo as leases_demo
from leases.billing import demo as billing_demo
from messaging import demo as messaging_demo
from returnkit.turnin import demo as turnin_demo
from wear import demo as wear_demo


@transaction.atomic
def seed_demo(today: dt.date) -> list[tuple[str, str]]:
    """Create the demo once; returns (sign-in, what it shows) pairs to print."""
    sign_ins = leases_demo.seed_people(today)
    billing_demo.seed_final_bill(today)
    messaging_demo.seed_messages(staff_email=leases_demo.STAFF_EMAIL, lessee_email="jordan@example.com")
    help_demo.seed_reading()
    return [*sign_ins, *turnin_demo.seed_turnins(today), *wear_demo.seed_wear(today)]
