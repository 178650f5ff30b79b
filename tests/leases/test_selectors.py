"""What other apps call instead of filtering the leases app's tables: scoped lookups and the lease lock."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from leases.models import Lease
from leases.selectors import (
    dealer_franchised_for,
    lease_by_account_number,
    open_lease_for_dealer,
    open_leases_for_dealer,
)
from leases.services import lease_locked
from tests.factories import make_dealer, make_lease, make_lessee

pytestmark = pytest.mark.django_db


@pytest.fixture
def toyota_dealer():
    return make_dealer("hudson-toyota", "10001", ("Toyota",))


class TestLeaseByAccountNumber:
    def test_finds_the_lease_with_its_vehicle_and_make(self, django_assert_num_queries):
        lease = make_lease(make_lessee())
        make_lease(make_lessee())
        with django_assert_num_queries(1):
            found = lease_by_account_number(lease.account_number)
            assert found == lease
            assert found.vehicle.make.name == "Toyota"

    def test_none_for_a_number_no_lease_has(self):
        lease = make_lease(make_lessee())
        assert lease_by_account_number("1234567897") is None
        assert lease_by_account_number(lease.account_number[:-1]) is None


class TestDealersLeases:
    def test_open_leases_of_the_makes_the_dealer_is_franchised_for(self, toyota_dealer):
        active = make_lease(make_lessee())
        maturing = make_lease(make_lessee(), status=Lease.Status.MATURING)
        extended = make_lease(make_lessee(), status=Lease.Status.EXTENDED)
        make_lease(make_lessee(), status=Lease.Status.RETURNED)
        make_lease(make_lessee(), make="Honda")
        assert set(open_leases_for_dealer(toyota_dealer)) == {active, maturing, extended}
        both = make_dealer("harbor-motors", "07030", ("Toyota", "Honda"))
        assert open_leases_for_dealer(both).count() == 4

    def test_one_of_them_by_vin_or_account_number_and_a_lessee_s_last_name(self, toyota_dealer):
        lease = make_lease(make_lessee(last_name="Okafor"), co_lessee=make_lessee(last_name="Lindqvist"))
        assert open_lease_for_dealer(toyota_dealer, lease.vehicle.vin, last_name="okafor") == lease
        assert open_lease_for_dealer(toyota_dealer, lease.account_number, last_name=" LINDQVIST ") == lease
        assert open_lease_for_dealer(toyota_dealer, lease.vehicle.vin[-6:], last_name="Okafor") is None
        assert open_lease_for_dealer(toyota_dealer, lease.account_number, last_name="Smith") is None
        assert open_lease_for_dealer(toyota_dealer, lease.account_number, last_name="") is None

    def test_none_for_a_closed_lease_or_a_make_the_dealer_does_not_take(self, toyota_dealer):
        returned = make_lease(make_lessee(last_name="Ng"), status=Lease.Status.RETURNED)
        honda = make_lease(make_lessee(last_name="Ng"), make="Honda")
        assert open_lease_for_dealer(toyota_dealer, returned.account_number, last_name="Ng") is None
        assert open_lease_for_dealer(toyota_dealer, honda.vehicle.vin, last_name="Ng") is None

    def test_dealer_franchised_for(self, toyota_dealer):
        toyota = make_lease(make_lessee()).vehicle.make_id
        honda = make_lease(make_lessee(), make="Honda").vehicle.make_id
        assert dealer_franchised_for(toyota_dealer, toyota)
        assert not dealer_franchised_for(toyota_dealer, honda)
        closed = make_dealer("old-honda", "10001", ("Honda",), is_active=False)
        assert dealer_franchised_for(closed, honda)


class TestLeaseLocked:
    def test_reads_the_lease_afresh(self):
        lease = make_lease(make_lessee())
        Lease.objects.filter(pk=lease.pk).update(status=Lease.Status.RETURNED)
        with transaction.atomic():
            assert lease_locked(lease.pk).status == Lease.Status.RETURNED
        with pytest.raises(Lease.DoesNotExist), transaction.atomic():
            lease_locked(0)

    def test_with_vehicle_reads_the_vehicle_and_make_in_the_same_query(self, django_assert_num_queries):
        lease = make_lease(make_lessee())
        with transaction.atomic(), django_assert_num_queries(1):
            locked = lease_locked(lease.pk, with_vehicle=True)
            assert locked.vehicle.make.name == "Toyota"

    @pytest.mark.postgres
    def test_locks_the_lease_row_only(self):
        lease = make_lease(make_lessee())
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            lease_locked(lease.pk)
            lease_locked(lease.pk, with_vehicle=True)
        plain, joined = (query["sql"] for query in queries.captured_queries)
        assert plain.endswith("FOR UPDATE")
        assert joined.endswith('FOR UPDATE OF "leases_lease"')
