"""Demo wear data: an inspection company with one inspector, so `make run` can record a condition
report (/inspect/) for any returned vehicle. The standard itself comes from the seed migration.
Called by portal.demo; safe to run again."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from leases.demo import DEMO_PASSWORD
from wear.models import InspectionCompany, Inspector

INSPECTOR_EMAIL = "inspector@example.com"


def seed_wear(today: dt.date) -> list[tuple[str, str]]:
    company, _ = InspectionCompany.objects.get_or_create(
        code="demo-inspections", defaults={"name": "Demo Vehicle Inspections"}
    )
    user, made = get_user_model().objects.get_or_create(
        email=INSPECTOR_EMAIL,
        defaults={"first_name": "Ines", "last_name": "Inspector", "password": make_password(DEMO_PASSWORD)},
    )
    if made:
        EmailAddress.objects.create(user=user, email=INSPECTOR_EMAIL, verified=True, primary=True)
    Inspector.objects.get_or_create(user=user, defaults={"company": company})
    return [(INSPECTOR_EMAIL, f"inspector at {company.name} (/inspect/)")]
