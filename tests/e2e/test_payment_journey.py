"""A lessee reads the final bill and pays it online, on a desktop and on a phone."""

from decimal import Decimal

import pytest

from leases.billing import ledger
from leases.models import Payment
from tests.e2e.conftest import sign_in
from tests.factories import EXAMPLE_START, issue, make_lease, make_lessee, make_user, return_and_sell

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def billed_lease(email: str, *, wear: str):
    owner = make_user(email)
    lease = make_lease(make_lessee(owner, first_name="Casey"), start=EXAMPLE_START)
    issue(return_and_sell(lease, wear=wear))
    return lease


def fill_bank(page, *, amount: str, routing: str) -> None:
    page.get_by_label("Amount to pay ($)").fill(amount)
    page.get_by_label("Name on the bank account").fill("Casey Lessee")
    page.get_by_label("Routing number").fill(routing)
    page.locator("#id_account_number").fill("000123456789")
    page.locator("#id_account_number_again").fill("000123456789")


def test_lessee_reads_the_bill_and_pays_part_of_it_with_a_double_click(page, live_server):
    lease = billed_lease("casey@example.com", wear="640.00")  # 2,403.13 less the 500.00 deposit
    base = live_server.url
    sign_in(page, base, "casey@example.com")

    page.get_by_role("link", name=lease.vehicle.description).click()
    page.get_by_role("heading", name="Lease-end tracker").wait_for()
    assert "Please pay $1,903.13 by December 25, 2026" in page.content()
    page.shots("lease-page")

    page.get_by_role("link", name="View your final bill").click()
    page.get_by_role("heading", name="Your final bill").wait_for()
    assert page.locator("#bill-balance").inner_text() == "$1,903.13"
    assert page.locator("[data-code=excess_wear]").inner_text() == "$640.00"
    page.shots("bill")

    page.get_by_role("link", name="Pay online").first.click()
    page.get_by_role("heading", name="Pay from your bank account").wait_for()
    assert "1-800-555-0101" in page.content() and "Payment Center" in page.content()
    fill_bank(page, amount="500.00", routing="011000016")  # one digit off
    page.get_by_label("I authorize this one-time debit").check()
    page.shots("pay-form")
    page.get_by_role("button", name="Make this payment").click()
    page.get_by_text("check digit does not match").wait_for()
    assert Payment.objects.count() == 0
    page.shots("bad-routing-number")

    page.get_by_label("Routing number").fill("011000015")
    page.locator("#pay-submit").dblclick()  # an impatient double click
    page.get_by_role("heading", name="Thank you: your payment is on its way").wait_for()
    payment = Payment.objects.get()
    assert payment.amount == Decimal("500.00") and payment.status == "pending"
    assert page.locator("#confirmation").inner_text() == payment.reference
    assert "000123456789" not in page.content()
    page.shots("receipt")

    page.get_by_role("link", name="Back to your bill").click()
    assert page.locator("#balance-now").inner_text() == "$1,403.13"
    page.shots("bill-after-payment")
    assert ledger.balance(lease) == Decimal("1403.13")


def test_on_a_phone_the_lessee_pays_the_whole_balance(phone_page, live_server):
    page = phone_page
    lease = billed_lease("sky@example.com", wear="0.00")
    base = live_server.url
    sign_in(page, base, "sky@example.com")
    page.goto(f"{base}/vehicles/{lease.public_id}/bill/")
    page.get_by_role("heading", name="Your final bill").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.shots("bill")

    page.get_by_role("link", name="Pay online").first.click()
    fill_bank(page, amount="1223.13", routing="011000015")
    page.get_by_label("I authorize this one-time debit").check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.shots("pay-form")
    page.get_by_role("button", name="Make this payment").click()
    page.get_by_role("heading", name="Thank you: your payment is on its way").wait_for()
    page.shots("receipt")

    page.goto(f"{base}/vehicles/{lease.public_id}/")
    page.get_by_text("Your payment of $1,223.13 is processing").wait_for()
    page.shots("lease-page-after-payment")
    assert ledger.balance(lease) == Decimal("0.00")
