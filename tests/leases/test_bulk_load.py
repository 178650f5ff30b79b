"""A bulk load leaves the planner's statistics fresh, so the first sweep after it is not slow."""

from __future__ import annotations

import pytest
from django.db import connection

from leases.demo import seed_portfolio
from tests.factories import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def planner_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_seeding_leases_analyzes_the_tables_it_filled():
    seed_portfolio(60, TODAY, batch=25)
    # Never analysed, PostgreSQL keeps -1 (or 0): the planner would guess at an empty table.
    assert planner_rows("leases_lease") >= 60
    assert planner_rows("leases_leaseparty") >= 60
    assert planner_rows("leases_odometerreading") >= 60


def test_a_second_load_adds_leases_without_a_second_set_of_bench_users():
    from leases.models import Lease
    from portal.models import User

    seed_portfolio(30, TODAY, batch=25)
    seed_portfolio(30, TODAY, batch=25)  # a bigger portfolio on top of the first: no clash of emails
    assert Lease.objects.filter(vehicle__model="Demo").count() == 60
    assert User.objects.filter(email__startswith="bench-", email__endswith="@example.com").count() == 31
