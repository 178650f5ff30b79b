"""Return kit fixtures: kits stored under a temporary MEDIA_ROOT, leases ending a given number of days out."""

from __future__ import annotations

import datetime as dt

import pytest

from leases.models import Lease, OdometerReading
from tests.conftest import TODAY
from tests.factories import make_lease, make_lessee, make_user


@pytest.fixture(autouse=True)
def _kits_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def lease_ending_in(days: int, *, lessee=None, co_lessee=None, status: str = Lease.Status.ACTIVE, **terms) -> Lease:
    """A 36-month lease whose scheduled end is ``days`` after the pinned today (2026-11-25)."""
    end = TODAY + dt.timedelta(days=days)
    assert end.day <= 28, "keep the day clear of month-end clamping"
    lease = make_lease(
        lessee or make_lessee(make_user()),
        co_lessee=co_lessee,
        start=end.replace(year=end.year - 3),
        status=status,
        **terms,
    )
    assert lease.maturity_date == end
    return lease


def add_reading(lease: Lease, day: dt.date, miles: int) -> OdometerReading:
    return OdometerReading.objects.create(lease=lease, reading_date=day, miles=miles, source="lessee")
