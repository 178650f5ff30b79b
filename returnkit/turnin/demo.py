"""Demo turn-in data: schedules and 45 days of slots at the demo dealers, and one staff user each.

Called by portal.demo after the leases app's demo data; safe to run again.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from leases.demo import DEALERS, DEMO_PASSWORD
from leases.models import Dealer
from returnkit.turnin.models import DealerStaff, OpeningHours, TurnInSchedule
from returnkit.turnin.slots import slots_generate

DAYS = 45
WEEKDAY_HOURS = (dt.time(9), dt.time(17))
SATURDAY_HOURS = (dt.time(9), dt.time(13))


def staff_email(dealer: Dealer) -> str:
    return f"service@{dealer.code}.example.com"


@transaction.atomic
def seed_turnins(today: dt.date) -> list[tuple[str, str]]:
    """Returns (sign-in, what it shows) pairs, like leases.demo.seed_people."""
    password_hash = make_password(DEMO_PASSWORD)
    sign_ins = []
    for dealer in Dealer.objects.filter(code__in=[code for code, *_ in DEALERS]).order_by("code"):
        schedule, created = TurnInSchedule.objects.get_or_create(dealer=dealer, defaults={"bays": 2})
        if created:
            hours = [(day, *WEEKDAY_HOURS) for day in range(5)] + [(5, *SATURDAY_HOURS)]
            OpeningHours.objects.bulk_create(
                OpeningHours(schedule=schedule, weekday=day, opens=opens, closes=closes) for day, opens, closes in hours
            )
        slots_generate(dealer=dealer, start=today, days=DAYS)
        email = staff_email(dealer)
        user, made = get_user_model().objects.get_or_create(
            email=email, defaults={"first_name": "Service", "last_name": dealer.name, "password": password_hash}
        )
        if made:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        DealerStaff.objects.get_or_create(user=user, defaults={"dealer": dealer})
        sign_ins.append((email, f"dealer staff at {dealer.name} (/dealer/)"))
    return sign_ins
