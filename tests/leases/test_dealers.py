"""Dealer.objects: the questions the turn-in app asks about dealers, answered by the leases app."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leases.models import Dealer, Make
from tests.factories import make_dealer

pytestmark = pytest.mark.django_db


@pytest.fixture
def dealers() -> dict[str, Dealer]:
    return {
        "toyota": make_dealer("hudson-toyota", "10001", ("Toyota",)),  # Manhattan
        "both": make_dealer("harbor-motors", "07030", ("Toyota", "Honda")),  # Hoboken
        "honda": make_dealer("valley-honda", "19103", ("Honda",)),  # Philadelphia
        "closed": make_dealer("old-toyota", "10001", ("Toyota",), is_active=False),
    }


def codes(dealers) -> set[str]:
    return {dealer.code for dealer in dealers}


def test_active_leaves_out_dealers_switched_off(dealers):
    assert codes(Dealer.objects.active()) == {"hudson-toyota", "harbor-motors", "valley-honda"}


def test_franchised_for_takes_a_make_or_its_id(dealers):
    toyota, honda = Make.objects.get(name="Toyota"), Make.objects.get(name="Honda")
    assert codes(Dealer.objects.franchised_for(toyota)) == {"hudson-toyota", "harbor-motors", "old-toyota"}
    assert codes(Dealer.objects.franchised_for(honda.pk)) == {"harbor-motors", "valley-honda"}
    assert codes(Dealer.objects.active().franchised_for(toyota)) == {"hudson-toyota", "harbor-motors"}


def test_within_box_includes_its_edges(dealers):
    hudson = dealers["toyota"]
    exact = Dealer.objects.within_box(
        latitudes=(hudson.latitude, hudson.latitude), longitudes=(hudson.longitude, hudson.longitude)
    )
    assert codes(exact) == {"hudson-toyota", "old-toyota"}
    # New York and Hoboken, not Philadelphia.
    around = Dealer.objects.within_box(
        latitudes=(Decimal("40.5"), Decimal("41")), longitudes=(Decimal("-74.3"), Decimal("-73.7"))
    )
    assert codes(around) == {"hudson-toyota", "harbor-motors", "old-toyota"}


def test_with_codes(dealers):
    assert codes(Dealer.objects.with_codes(["valley-honda", "old-toyota", "nobody"])) == {"valley-honda", "old-toyota"}
    assert not Dealer.objects.with_codes([]).exists()
