"""Operations see the final bill before it is issued, and record the number of a refund check."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from leases.billing import ledger
from leases.models import FinalBill, Lease, Refund
from tests.factories import EXAMPLE_START, TODAY, issue, make_lease, make_lessee, make_user, return_and_sell

pytestmark = pytest.mark.django_db


def hidden_fields(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]*)"', tag).group(1)
            value = re.search(r'value="([^"]*)"', tag)
            found.setdefault(name, []).append(value.group(1) if value else "")
    return found


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def sold_lease() -> Lease:
    return return_and_sell(make_lease(make_lessee(make_user()), start=EXAMPLE_START))


def assert_shows_the_worked_example(page: str) -> None:
    # LEASE_MATH.md's worked example: 1,723.13 less the 500.00 deposit.
    assert "Disposition fee" in page and "$395.00" in page
    assert "$1,723.13" in page and "$500.00" in page and "$1,223.13" in page
    assert "Issue" in page


# --- 4. the final bill is previewed, and issued only on the confirming POST --------------------


def test_the_final_bill_add_form_shows_the_bill_before_issuing_it(client, staff):
    lease = sold_lease()
    client.force_login(staff)
    url = reverse("admin:leases_finalbill_add")
    preview = client.post(url, {"lease": lease.pk})
    assert preview.status_code == 200 and not FinalBill.objects.exists()
    page = preview.content.decode()
    assert_shows_the_worked_example(page)
    confirm = {name: values[0] for name, values in hidden_fields(page).items()}
    assert confirm["lease"] == str(lease.pk)
    client.post(url, confirm)
    bill = FinalBill.objects.get(lease=lease)
    assert (bill.balance_due, bill.issued_by) == (Decimal("1223.13"), staff)


def test_the_issue_action_on_sales_shows_the_bills_before_issuing_them(client, staff):
    first, second = sold_lease(), sold_lease()
    client.force_login(staff)
    url = reverse("admin:leases_auctionsale_changelist")
    selected = [first.auction_sale.pk, second.auction_sale.pk]
    preview = client.post(url, {"action": "issue_final_bill", "_selected_action": selected})
    assert preview.status_code == 200 and not FinalBill.objects.exists()
    page = preview.content.decode()
    assert_shows_the_worked_example(page)
    assert first.account_number in page and second.account_number in page
    client.post(url, hidden_fields(page))
    assert FinalBill.objects.filter(lease__in=[first, second]).count() == 2


def test_a_bill_that_changed_since_its_preview_is_not_issued(client, staff):
    lease = sold_lease()
    client.force_login(staff)
    url = reverse("admin:leases_finalbill_add")
    page = client.post(url, {"lease": lease.pk}).content.decode()
    ledger.entry_post(lease=lease, kind="property_tax", amount=Decimal("300.00"), posted_on=TODAY)  # arrived late
    response = client.post(url, {name: values[0] for name, values in hidden_fields(page).items()}, follow=True)
    assert not FinalBill.objects.exists()
    assert any("changed" in m for m in messages_of(response))


def test_a_confirming_post_without_the_preview_issues_nothing(client, staff):
    lease = sold_lease()
    client.force_login(staff)
    client.post(reverse("admin:leases_finalbill_add"), {"lease": lease.pk, "_issue": "1"})
    client.post(
        reverse("admin:leases_auctionsale_changelist"),
        {"action": "issue_final_bill", "_selected_action": [lease.auction_sale.pk], "_issue": "1"},
    )
    assert not FinalBill.objects.exists()


# --- 5. a refund by check records the check's number ------------------------------------------


def check_refund() -> Refund:
    lease = make_lease(make_lessee(make_user()), start=EXAMPLE_START, security_deposit=Decimal("2000.00"))
    refund = issue(return_and_sell(lease)).refund
    assert refund.method == Refund.Method.CHECK
    return refund


def test_issuing_a_check_refund_asks_for_the_check_number(client, staff):
    refund = check_refund()
    client.force_login(staff)
    url = reverse("admin:leases_refund_changelist")
    asked = client.post(url, {"action": "issue", "_selected_action": [refund.pk]})
    assert asked.status_code == 200
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING
    fields = hidden_fields(asked.content.decode())
    missing = client.post(url, {**fields, f"check_{refund.pk}": ""})
    assert missing.status_code == 200
    assert "Enter the number of the check" in missing.content.decode()
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING
    client.post(url, {**fields, f"check_{refund.pk}": " 100234 "})
    refund.refresh_from_db()
    assert (refund.status, refund.check_number, refund.issued_by) == (Refund.Status.ISSUED, "100234", staff)


def test_a_check_refund_is_not_issued_without_its_number_even_if_asked_directly(client, staff):
    refund = check_refund()
    client.force_login(staff)
    client.post(
        reverse("admin:leases_refund_changelist"),
        {"action": "issue", "_selected_action": [refund.pk], "_issue": "1"},
    )
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING


def test_the_preview_lists_only_the_lines_that_apply_and_names_the_zero_ones(client, staff):
    lease = sold_lease()
    client.force_login(staff)
    page = client.post(reverse("admin:leases_finalbill_add"), {"lease": lease.pk}).content.decode()
    rows = re.findall(r"<tr><td>(.*?)</td>.*?<td[^>]*>(\$[\d,.]+)</td></tr>", page, re.S)
    assert rows and all(amount != "$0.00" for _, amount in rows), rows
    assert "Also checked and found to be $0.00:" in page
