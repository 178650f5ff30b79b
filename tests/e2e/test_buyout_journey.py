"""A lessee buys the car from a buyout quote in Chromium (a lapsed quote asks for a new one),
and asks for an extension from an extension quote."""

import datetime as dt
from decimal import Decimal

import pytest

from leases.billing import ledger
from leases.models import ExtensionRequest, Lease, LedgerEntry, OdometerReading, Payment
from quotes import engine
from quotes.services import quote_create
from tests.e2e.conftest import sign_in
from tests.factories import make_lease, make_lessee, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2026, 11, 25)  # the pinned clock; the lease ends 2026-12-15


@pytest.fixture
def lease(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lease = make_lease(make_lessee(make_user("robin@example.com"), first_name="Robin"))
    OdometerReading.objects.create(
        lease=lease, reading_date=dt.date(2026, 11, 15), miles=40012, source=OdometerReading.Source.LESSEE
    )
    return lease


def test_lessee_buys_the_car_from_a_buyout_quote_with_a_double_click(page, live_server, lease):
    base = live_server.url
    sign_in(page, base, "robin@example.com")
    page.get_by_role("link", name=lease.vehicle.description).click()
    page.get_by_role("link", name="Request a quote").click()
    page.get_by_role("link", name="Get a buyout quote").click()
    page.get_by_label("Purchase date").fill("2026-11-25")
    page.get_by_text("Your $500.00 security deposit is taken off the price.").wait_for()  # no question asked
    page.get_by_role("button", name="Get my quote").click()
    page.locator(".reference").wait_for()
    assert page.locator(".quote-total-row.net .money").inner_text() == "$20,484.11"
    page.shots("buyout-quote")

    page.get_by_role("link", name="Pay this buyout").click()
    page.get_by_role("heading", name="Buy your vehicle").wait_for()
    assert page.locator("#buyout-amount").inner_text() == "$20,484.11"
    assert "1-800-555-0101" in page.content() and "of $20,484.11 from the bank" in page.content()
    page.get_by_label("Name on the bank account").fill("Robin Lessee")
    page.get_by_label("Routing number").fill("011000015")
    page.locator("#id_account_number").fill("000123456789")
    page.locator("#id_account_number_again").fill("000123456789")
    page.get_by_label("I authorize this one-time debit").check()
    page.shots("pay-form")
    page.locator("#pay-submit").dblclick()  # an impatient double click

    page.get_by_role("heading", name="Thank you: your purchase payment is on its way").wait_for()
    payment = Payment.objects.get()
    assert (payment.amount, payment.purpose) == (Decimal("20484.11"), "buyout")
    assert page.locator("#confirmation").inner_text() == payment.reference
    assert page.locator("#receipt-amount").inner_text() == "$20,484.11"
    page.get_by_role("heading", name="Title paperwork: what happens next").wait_for()
    assert "000123456789" not in page.content()
    page.shots("receipt")

    entries = ledger.entries(lease).values_list("kind", "amount")
    assert list(entries) == [
        ("purchase_price", Decimal("19467.40")),
        ("purchase_option_fee", Decimal("300.00")),
        ("sales_tax", Decimal("1216.71")),
        ("security_deposit_applied", Decimal("-500.00")),
        ("payment", Decimal("-20484.11")),
    ]
    assert ledger.balance(lease) == Decimal("0.00")
    assert Lease.objects.get(pk=lease.pk).status == Lease.Status.PURCHASED

    page.get_by_role("link", name="Back to your vehicle").click()
    page.get_by_role("heading", name="Title paperwork: what happens next").wait_for()
    assert "Purchased" in page.locator("main .badge").first.inner_text()
    page.shots("lease-page-purchased")

    page.go_back()
    page.go_back()  # the pay form again, as the browser kept it: paying twice is not possible
    page.reload()
    page.get_by_role("heading", name="Thank you: your purchase payment is on its way").wait_for()
    assert Payment.objects.count() == 1 and LedgerEntry.objects.count() == 5


def test_a_lapsed_buyout_quote_asks_for_a_new_one(page, live_server, lease):
    quote = quote_create(
        lease=lease,
        user=None,
        event=engine.Buyout(date=dt.date(2026, 11, 10), apply_security_deposit=False),
        today=dt.date(2026, 11, 10),
    )
    base = live_server.url
    sign_in(page, base, "robin@example.com")
    page.goto(base + quote.get_absolute_url())
    page.get_by_text("This quote has expired.").wait_for()
    assert "so it can no longer be paid" in page.content()
    assert page.get_by_role("link", name="Pay this buyout").count() == 0
    page.shots("lapsed-quote")

    page.goto(f"{base}/vehicles/{lease.public_id}/quotes/{quote.public_id}/pay/")
    page.get_by_role("heading", name="This buyout quote has lapsed").wait_for()
    page.shots("lapsed-pay-page")
    page.get_by_role("link", name="Get a new buyout quote").click()
    page.get_by_role("heading", name="Buyout quote").wait_for()
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()


def test_lessee_asks_for_an_extension_and_it_is_approved(page, live_server, lease):
    base = live_server.url
    sign_in(page, base, "robin@example.com")
    page.goto(f"{base}/vehicles/{lease.public_id}/quotes/new/extension/")
    page.get_by_label("How many more days would you like?").fill("30")
    page.get_by_role("button", name="Get my quote").click()
    page.get_by_role("heading", name="Request this extension").wait_for()
    assert "The fee is $14.88 a day: $446.40 for all 30 days." in page.content()
    page.shots("extension-quote")

    page.get_by_role("button", name="Request this extension").dblclick()
    page.get_by_role("heading", name="Your extension is approved").wait_for()
    assert "January 14, 2027" in page.locator("#extension-status").inner_text()
    page.shots("extension-approved")
    assert ExtensionRequest.objects.count() == 1
    lease.refresh_from_db()
    assert (lease.extended_days, lease.status) == (30, Lease.Status.EXTENDED)
    assert not LedgerEntry.objects.exists()
