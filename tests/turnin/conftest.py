"""Turn-in fixtures: dealers at real ZIP centroids, slots at fixed local times, dealer staff.

The clock is pinned by tests/conftest.py (PORTAL_TODAY = 2026-11-25); here PORTAL_NOW pins the
time of day as well (9:00 a.m. in New York), so the 24-hour cut-off is exact.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from leases.models import Dealer, Make
from returnkit.turnin.geo import zip_point
from returnkit.turnin.models import DealerStaff, TurnInSlot
from tests.factories import make_user

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def _pinned_now(settings):
    settings.PORTAL_NOW = NOW


@pytest.fixture(autouse=True)
def _receipts_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_dealer(code: str, zip_code: str = "10001", makes: tuple[str, ...] = ("Toyota",), **extra) -> Dealer:
    point = zip_point(zip_code)
    dealer = Dealer.objects.create(
        code=code,
        name=extra.pop("name", code.replace("-", " ").title()),
        address_line1=extra.pop("address_line1", "1 Dealer Way"),
        city=point.city,
        state=point.state,
        zip_code=zip_code,
        latitude=Decimal(f"{point.latitude:.6f}"),
        longitude=Decimal(f"{point.longitude:.6f}"),
        phone=extra.pop("phone", "555-0199"),
        hours="Mon–Fri 9 a.m.–5 p.m.",
        **extra,
    )
    dealer.makes.set([Make.objects.get_or_create(name=m)[0] for m in makes])
    return dealer


def make_slot(dealer: Dealer, day: dt.date, hour: int = 10, *, capacity: int = 2, minute: int = 0) -> TurnInSlot:
    zone = zoneinfo.ZoneInfo(zip_point(dealer.zip_code).time_zone)
    return TurnInSlot.objects.create(
        dealer=dealer, starts_at=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone), capacity=capacity
    )


def make_dealer_user(dealer: Dealer, email: str | None = None):
    user = make_user(email)
    DealerStaff.objects.create(user=user, dealer=dealer)
    return user


@pytest.fixture
def dealer(db) -> Dealer:
    return make_dealer("hudson-toyota", "10001", ("Toyota",), name="Hudson Toyota")


@pytest.fixture
def other_dealer(db) -> Dealer:
    return make_dealer("harbor-motors", "07030", ("Toyota", "Honda"), name="Harbor Motors")


@pytest.fixture
def dealer_user(dealer):
    return make_dealer_user(dealer, "service@hudson.example.com")


@pytest.fixture
def other_dealer_user(other_dealer):
    return make_dealer_user(other_dealer, "service@harbor.example.com")


@pytest.fixture
def slot(dealer) -> TurnInSlot:
    """December 1, 2026 at 10 a.m. at the dealer: inside the personas lease's window."""
    return make_slot(dealer, dt.date(2026, 12, 1), 10)
