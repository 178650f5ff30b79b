from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from leases.billing import ledger
from leases.models import LedgerEntry
from tests.factories import TODAY, make_lease

pytestmark = pytest.mark.django_db
K = LedgerEntry.Kind


def post(lease, kind, amount: str) -> LedgerEntry:
    return ledger.entry_post(lease=lease, kind=kind, amount=Decimal(amount), posted_on=TODAY)


@pytest.mark.postgres
def test_balance_is_the_exact_decimal_sum_of_the_entries():
    lease = make_lease()
    for _ in range(10):
        post(lease, K.PAST_DUE, "0.10")
    post(lease, K.PROPERTY_TAX, "1234567.89")
    post(lease, K.PAYMENT, "-0.30")
    post(lease, K.PAYMENT, "-1234567.01")
    total = ledger.balance(lease)
    assert total == Decimal("1.58")
    assert str(total) == "1.58"


def test_each_lease_has_its_own_balance_and_an_empty_ledger_owes_nothing():
    lease, other = make_lease(), make_lease()
    post(other, K.PAST_DUE, "99.99")
    assert ledger.balance(lease) == Decimal("0.00")
    assert ledger.balance(other) == Decimal("99.99")


def test_the_database_refuses_an_entry_of_zero():
    lease = make_lease()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(lease=lease, kind=K.PAST_DUE, amount=Decimal("0.00"), posted_on=TODAY)
    with pytest.raises(ValueError):
        post(lease, K.PAST_DUE, "0.004")  # rounds to zero cents


def test_a_correction_is_an_opposite_entry_and_happens_once(staff):
    lease = make_lease()
    wrong = post(lease, K.PROPERTY_TAX, "212.40")
    fix = ledger.entry_correct(entry=wrong, user=staff, today=TODAY)
    assert (fix.kind, fix.amount, fix.corrects) == (K.PROPERTY_TAX, Decimal("-212.40"), wrong)
    assert ledger.balance(lease) == Decimal("0.00")
    with pytest.raises(ledger.AlreadyCorrected):
        ledger.entry_correct(entry=wrong, user=staff, today=TODAY)
    with pytest.raises(ledger.AlreadyCorrected):
        ledger.entry_correct(entry=fix, user=staff, today=TODAY)
    wrong.refresh_from_db()
    assert wrong.amount == Decimal("212.40")  # the original is untouched
    assert LedgerEntry.objects.filter(lease=lease).count() == 2


def test_amounts_owed_splits_past_due_from_property_tax_and_payments_clear_past_due_first():
    lease = make_lease()
    assert ledger.amounts_owed(lease) == (Decimal("0.00"), Decimal("0.00"))
    post(lease, K.PAST_DUE, "452.74")
    post(lease, K.PROPERTY_TAX, "310.00")
    assert ledger.amounts_owed(lease) == (Decimal("452.74"), Decimal("310.00"))
    post(lease, K.PAYMENT, "-500.00")
    assert ledger.amounts_owed(lease) == (Decimal("0.00"), Decimal("262.74"))
    post(lease, K.PAYMENT, "-300.00")  # more than owed: a credit, nothing owed
    assert ledger.amounts_owed(lease) == (Decimal("0.00"), Decimal("0.00"))
    assert ledger.balance(lease) == Decimal("-37.26")


def test_operations_can_read_the_ledger_but_not_add_change_or_delete(client, staff):
    entry = post(make_lease(), K.PAST_DUE, "10.00")
    client.force_login(staff)
    assert client.get(reverse("admin:leases_ledgerentry_changelist")).status_code == 200
    page = client.get(reverse("admin:leases_ledgerentry_change", args=[entry.pk]))
    assert page.status_code == 200 and b'name="amount"' not in page.content  # a read-only view
    assert client.get(reverse("admin:leases_ledgerentry_add")).status_code == 403
    assert client.post(reverse("admin:leases_ledgerentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:leases_ledgerentry_change", args=[entry.pk]), {"amount": "1.00"})
    entry.refresh_from_db()
    assert entry.amount == Decimal("10.00")


def test_the_admin_correction_action_posts_the_opposite_entry(client, staff):
    entry = post(make_lease(), K.PAST_DUE, "10.00")
    client.force_login(staff)
    url = reverse("admin:leases_ledgerentry_changelist")
    client.post(url, {"action": "post_correction", "_selected_action": [entry.pk]})
    assert ledger.balance(entry.lease) == Decimal("0.00")
    assert LedgerEntry.objects.get(corrects=entry).amount == Decimal("-10.00")
