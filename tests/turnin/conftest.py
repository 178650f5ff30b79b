"""Turn-in fixtures: dealers at real ZIP centroids, slots at fixed local times, dealer staff.

The clock is pinned by tests/conftest.py (PORTAL_TODAY = 2026-11-25); here PORTAL_NOW pins the
time of day as well (9:00 a.m. in New York), so the 24-hour cut-off is exact. The makers
(make_dealer, make_slot, make_dealer_user) are in tests/factories.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from leases.models import Dealer
from returnkit.turnin.models import TurnInSlot
from tests.factories import NOW, make_dealer, make_dealer_user, make_slot


@pytest.fixture(autouse=True)
def _pinned_now(settings):
    settings.PORTAL_NOW = NOW


@pytest.fixture(autouse=True)
def _receipts_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
