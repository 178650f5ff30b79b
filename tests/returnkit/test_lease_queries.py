"""The leases app's QuerySet methods returnkit reads leases through (it asks them, not the tables).

They live in leases/models/lease.py; their tests are here because returnkit is what calls them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from leases.models import Lease
from tests.factories import TODAY, add_reading, lease_ending_in, make_lessee, make_user

pytestmark = pytest.mark.django_db


def three_leases() -> list[int]:
    return [lease_ending_in(45, co_lessee=make_lessee(make_user())).pk for _ in range(3)]


def test_open_is_the_leases_whose_lessee_still_has_the_vehicle():
    leases = {status: lease_ending_in(45, status=status) for status in Lease.Status.values}
    assert set(Lease.objects.open()) == {leases[status] for status in Lease.Status.open_values()}


def test_maturing_between_takes_both_ends_of_the_scheduled_end_date():
    first, last = lease_ending_in(10), lease_ending_in(20)
    lease_ending_in(9), lease_ending_in(21)  # a day either side
    window = Lease.objects.maturing_between(TODAY + dt.timedelta(days=10), TODAY + dt.timedelta(days=20))
    assert set(window) == {first, last}


def test_maturing_between_goes_by_the_scheduled_end_not_the_extended_one():
    extended = lease_ending_in(10, status=Lease.Status.EXTENDED)
    Lease.objects.filter(pk=extended.pk).update(extended_days=30)  # ends 40 days out, matures in 10
    assert list(Lease.objects.maturing_between(TODAY, TODAY + dt.timedelta(days=10))) == [extended]
    assert not Lease.objects.maturing_between(TODAY + dt.timedelta(days=11), TODAY + dt.timedelta(days=60)).exists()


def test_with_vehicle_reads_the_vehicle_and_its_make_in_the_leases_query(django_assert_num_queries):
    ids = three_leases()
    with django_assert_num_queries(1):
        leases = list(Lease.objects.with_vehicle().filter(pk__in=ids))
        assert {lease.vehicle.make.name for lease in leases} == {"Toyota"}


def test_with_vehicle_equipment_reads_all_the_equipment_in_one_query(django_assert_num_queries):
    ids = three_leases()
    with django_assert_num_queries(2):
        leases = list(Lease.objects.with_vehicle().with_vehicle_equipment().filter(pk__in=ids))
        assert [[e.name for e in lease.vehicle.equipment.all()] for lease in leases] == [["Smart key"]] * 3


def test_with_parties_reads_every_lessee_and_user_in_one_query(django_assert_num_queries):
    owner, co = make_user("owner@example.com"), make_user("co@example.com")
    lease = lease_ending_in(45, lessee=make_lessee(co), co_lessee=make_lessee(owner))
    lease.parties.update(role="co_lessee")  # the order they were added is not the primary-first order
    lease.parties.filter(lessee__user=owner).update(role="primary")
    ids = [*three_leases(), lease.pk]
    with django_assert_num_queries(2):
        leases = {lease.pk: lease for lease in Lease.objects.with_parties().filter(pk__in=ids)}
        assert all(len(lease.email_addresses()) == 2 for lease in leases.values())
        assert [p.lessee.user.email for p in leases[lease.pk].parties_primary_first()] == [
            "owner@example.com",
            "co@example.com",
        ]


def test_with_odometer_readings_reads_them_all_in_one_query(django_assert_num_queries):
    ids = three_leases()
    add_reading(Lease.objects.get(pk=ids[0]), TODAY - dt.timedelta(days=30), 40_000)
    with django_assert_num_queries(2):
        leases = list(Lease.objects.with_odometer_readings().filter(pk__in=ids).order_by("pk"))
        projections = [lease.odometer_projection(TODAY) for lease in leases]
    assert [p.from_readings for p in projections] == [True, False, False]
