"""What other apps call instead of filtering the leases app's tables: scoped lookups and the lease lock."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from leases.models import Lease
from leases.services import lease_locked
from tests.factories import make_lease, make_lessee

pytestmark = pytest.mark.django_db


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
