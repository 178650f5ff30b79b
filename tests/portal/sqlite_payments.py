"""Run by tests/portal/test_faults.py in a subprocess, against a fresh SQLite file database
(DATABASE_URL set by the caller): migrate, bill the worked example, then three payment forms
posted at the same instant. Prints each answer's status code (or the exception) as JSON."""

from __future__ import annotations

import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402

from leases.models import Payment  # noqa: E402
from tests.concurrency import fire_at_once  # noqa: E402
from tests.factories import EXAMPLE_START, TODAY, issue, pay_form, return_and_sell  # noqa: E402
from tests.world import build_personas  # noqa: E402

settings.PORTAL_TODAY = TODAY
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
call_command("migrate", verbosity=0)
personas = build_personas(start=EXAMPLE_START)
return_and_sell(personas.lease)
issue(personas.lease)
url = reverse("leases:pay", args=[personas.lease.public_id])
answers = fire_at_once(url, personas.owner, [pay_form("100.00") for _ in range(3)])
print(
    json.dumps(
        {
            "answers": [getattr(a, "status_code", repr(a)) for a in answers],
            "payments": Payment.objects.count(),
            "journal_mode": __import__("django.db", fromlist=["connection"])
            .connection.cursor()
            .execute("PRAGMA journal_mode")
            .fetchone()[0],
        }
    )
)
