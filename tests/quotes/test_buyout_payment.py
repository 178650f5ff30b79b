"""Paying a buyout quote online: the quote's lines reach the ledger once, its net after the
deposit is debited once, and the lease becomes purchased; a lapsed quote asks for a new one."""

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from leases.billing import ach, errors, ledger, payments
from leases.models import Lease, LedgerEntry, Payment
from quotes import engine
from quotes.models import Quote
from quotes.services import BuyoutNotDue, QuoteLapsed, buyout_quote_pay, quote_create
from tests.concurrency import fire_at_once
from tests.factories import TODAY, make_lease, make_lessee, make_user, pay_form
from tests.world import build_personas

pytestmark = pytest.mark.django_db

# Matures 2026-11-15, so a purchase on TODAY (2026-11-25) is at the residual value with ten
# days of extension fees: 19,500.00 + 300.00 + 10 × 14.88 + 6.25 % sales tax, less the deposit.
START = dt.date(2023, 11, 15)
LINES_POSTED = [
    ("purchase_price", Decimal("19500.00")),
    ("purchase_option_fee", Decimal("300.00")),
    ("extension_fees", Decimal("148.80")),
    ("sales_tax", Decimal("1218.75")),
    ("security_deposit_applied", Decimal("-500.00")),
]
NET = Decimal("20667.55")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def buyer(db):
    """The personas, their leases past the end date: an owner and a co-lessee on one, an outsider with their own."""
    return build_personas(start=START)


def buyout_quote(lease: Lease, user, *, apply: bool = True, on: dt.date = TODAY, day: dt.date | None = None) -> Quote:
    past_due, property_tax = ledger.amounts_owed(lease)
    event = engine.Buyout(date=day or on, apply_security_deposit=apply, past_due=past_due, property_tax=property_tax)
    return quote_create(lease=lease, user=user, event=event, today=on)


def pay_url(quote: Quote) -> str:
    return reverse("quotes:pay_buyout", args=[quote.lease.public_id, quote.public_id])


def buyout_form(**overrides) -> dict:
    data = pay_form(**overrides)
    data.pop("amount")
    return data


def posted(lease: Lease) -> list[tuple[str, Decimal]]:
    return list(ledger.entries(lease).exclude(kind="payment").values_list("kind", "amount"))


def nothing_changed(lease: Lease) -> None:
    assert not Payment.objects.exists()
    assert not LedgerEntry.objects.filter(lease=lease).exists()
    assert Lease.objects.get(pk=lease.pk).status == Lease.Status.ACTIVE


def pay_directly(quote: Quote, user, *, key=None, today: dt.date = TODAY) -> Payment:
    return buyout_quote_pay(
        quote=quote,
        debit=payments.Debit(
            user=user,
            bank=payments.BankDetails("Pat Lessee", "011000015", "000123456789", "checking"),
            idempotency_key=key or uuid.uuid4(),
            authorization=payments.buyout_authorization_text(quote.lease, quote_reference=quote.reference, amount=NET),
            ip="203.0.113.7",
        ),
        today=today,
    )


class TestPayingABuyout:
    def test_paying_within_the_good_through_date_buys_the_vehicle(
        self, client, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        quote = buyout_quote(buyer.lease, buyer.owner)
        assert (quote.total, quote.net_after_deposit) == (NET, NET)
        client.force_login(buyer.owner)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(pay_url(quote), buyout_form())

        payment = Payment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("leases:receipt", args=[buyer.lease.public_id, payment.public_id])
        assert (payment.amount, payment.purpose, payment.status) == (NET, "buyout", "pending")
        assert payment.quote_reference == quote.reference
        assert payment.authorization_text == payments.buyout_authorization_text(
            buyer.lease, quote_reference=quote.reference, amount=NET
        )
        assert posted(buyer.lease) == LINES_POSTED
        assert [(line["code"], Decimal(line["amount"])) for line in quote.lines if Decimal(line["amount"])] == (
            LINES_POSTED
        )
        assert LedgerEntry.objects.get(kind="payment").amount == -NET
        assert ledger.balance(buyer.lease) == Decimal("0.00")
        assert Lease.objects.get(pk=buyer.lease.pk).status == Lease.Status.PURCHASED

        assert len(mailoutbox) == 1 and mailoutbox[0].to == ["owner@example.com"]
        assert mailoutbox[0].subject == f"Purchase payment received: $20,667.55 (confirmation {payment.reference})"
        assert quote.reference in mailoutbox[0].body and "Title paperwork: what happens next" in mailoutbox[0].body

        receipt = client.get(response["Location"]).content.decode()
        assert "Thank you: your purchase payment is on its way" in receipt and "$20,667.55" in receipt
        assert "Title paperwork: what happens next" in receipt and quote.reference in receipt
        assert reverse("leases:bill", args=[buyer.lease.public_id]) not in receipt  # there is no final bill

    def test_the_balance_stays_zero_and_the_lease_purchased_once_the_debit_settles(self, buyer):
        payment = pay_directly(buyout_quote(buyer.lease, buyer.owner), buyer.owner)
        ach.ach_file_write(today=TODAY)
        assert payments.payment_settle(payment=payment, today=TODAY)
        assert Payment.objects.get().status == Payment.Status.SETTLED
        assert ledger.balance(buyer.lease) == Decimal("0.00")
        assert Lease.objects.get(pk=buyer.lease.pk).status == Lease.Status.PURCHASED

    def test_a_deposit_kept_off_the_price_is_still_credited_once_and_the_net_is_paid(self, buyer):
        quote = buyout_quote(buyer.lease, buyer.owner, apply=False)
        assert (quote.total, quote.net_after_deposit) == (Decimal("21167.55"), NET)
        payment = pay_directly(quote, buyer.owner)
        assert payment.amount == NET
        assert posted(buyer.lease) == LINES_POSTED
        deposit = LedgerEntry.objects.get(kind="security_deposit_applied")
        assert deposit.memo == f"Security deposit credited against the purchase · buyout quote {quote.reference}"
        assert ledger.balance(buyer.lease) == Decimal("0.00")

    def test_a_past_due_amount_in_the_quote_is_paid_off_but_not_charged_twice(self, buyer):
        ledger.entry_post(lease=buyer.lease, kind="past_due", amount=Decimal("250.00"), posted_on=TODAY)
        quote = buyout_quote(buyer.lease, buyer.owner)
        assert quote.net_after_deposit == Decimal("20917.55")
        payment = buyout_quote_pay(
            quote=quote,
            debit=payments.Debit(
                user=buyer.owner,
                bank=payments.BankDetails("Pat Lessee", "011000015", "000123456789", "checking"),
                idempotency_key=uuid.uuid4(),
                authorization="...",
            ),
            today=TODAY,
        )
        assert payment.amount == Decimal("20917.55")
        assert posted(buyer.lease) == [("past_due", Decimal("250.00")), *LINES_POSTED]
        assert ledger.balance(buyer.lease) == Decimal("0.00")

    def test_a_charge_posted_after_the_quote_asks_for_a_new_quote_and_changes_nothing(self, client, buyer):
        quote = buyout_quote(buyer.lease, buyer.owner)
        ledger.entry_post(lease=buyer.lease, kind="property_tax", amount=Decimal("80.00"), posted_on=TODAY)
        client.force_login(buyer.owner)
        response = client.post(pay_url(quote), buyout_form())
        page = response.content.decode()
        assert response.status_code == 400
        assert "Your account has changed since this quote was given" in page
        assert reverse("quotes:new", args=[buyer.lease.public_id, "buyout"]) in page
        assert not Payment.objects.exists()
        assert posted(buyer.lease) == [("property_tax", Decimal("80.00"))]
        assert Lease.objects.get(pk=buyer.lease.pk).status == Lease.Status.ACTIVE

    def test_bad_bank_details_are_explained_and_nothing_is_posted(self, client, buyer):
        quote = buyout_quote(buyer.lease, buyer.owner)
        client.force_login(buyer.owner)
        response = client.post(pay_url(quote), buyout_form(routing_number="011000016", authorize=None))
        page = response.content.decode()
        assert response.status_code == 400
        assert "check digit does not match" in page and "tick the box to authorize" in page
        nothing_changed(buyer.lease)


class TestExactlyOnce:
    def test_submitting_the_same_form_twice_pays_once_and_posts_the_lines_once(self, client, buyer):
        quote = buyout_quote(buyer.lease, buyer.owner)
        client.force_login(buyer.owner)
        data = buyout_form()
        first, second = client.post(pay_url(quote), data), client.post(pay_url(quote), data)
        assert first.status_code == second.status_code == 302
        assert first["Location"] == second["Location"]
        assert Payment.objects.count() == 1
        assert posted(buyer.lease) == LINES_POSTED
        assert ledger.balance(buyer.lease) == Decimal("0.00")

    def test_the_same_key_given_to_the_service_twice_gets_the_first_payment_back(self, buyer):
        quote, key = buyout_quote(buyer.lease, buyer.owner), uuid.uuid4()
        first = pay_directly(quote, buyer.owner, key=key)
        assert pay_directly(quote, buyer.owner, key=key) == first
        assert Payment.objects.count() == 1 and posted(buyer.lease) == LINES_POSTED

    def test_a_second_form_for_a_paid_quote_is_refused_by_the_service_and_sent_to_the_receipt_by_the_page(
        self, client, buyer
    ):
        quote = buyout_quote(buyer.lease, buyer.owner)
        payment = pay_directly(quote, buyer.owner)
        with pytest.raises(
            errors.PaymentRefused, match=f"was paid on November 25, 2026 .confirmation {payment.reference}"
        ):
            pay_directly(quote, buyer.co_lessee)
        client.force_login(buyer.co_lessee)
        response = client.post(pay_url(quote), buyout_form())
        assert response["Location"] == reverse("leases:receipt", args=[buyer.lease.public_id, payment.public_id])
        assert Payment.objects.count() == 1 and posted(buyer.lease) == LINES_POSTED

    def test_another_quote_on_a_purchased_lease_cannot_be_paid(self, client, buyer):
        first, second = buyout_quote(buyer.lease, buyer.owner), buyout_quote(buyer.lease, buyer.owner, apply=False)
        pay_directly(first, buyer.owner)
        with pytest.raises(errors.PaymentRefused, match="The vehicle has been bought"):
            pay_directly(second, buyer.owner)
        client.force_login(buyer.owner)
        response = client.get(pay_url(second))
        assert response.status_code == 409 and "This vehicle can't be bought online" in response.content.decode()
        assert Payment.objects.count() == 1 and posted(buyer.lease) == LINES_POSTED


class TestLapsedAndNotPayable:
    def test_a_lapsed_quote_is_refused_with_a_link_to_a_new_one_and_nothing_changes(self, client, buyer):
        quote = buyout_quote(buyer.lease, buyer.owner, on=dt.date(2026, 11, 14), day=dt.date(2026, 11, 15))
        assert quote.good_through == dt.date(2026, 11, 24)  # yesterday
        client.force_login(buyer.owner)
        new_quote = reverse("quotes:new", args=[buyer.lease.public_id, "buyout"])
        shown = client.get(pay_url(quote))
        assert shown.status_code == 200
        assert "This buyout quote has lapsed" in shown.content.decode() and new_quote in shown.content.decode()
        refused = client.post(pay_url(quote), buyout_form())
        assert refused.status_code == 400 and "was good through November 24, 2026" in refused.content.decode()
        with pytest.raises(QuoteLapsed, match="Please get a new buyout quote"):
            pay_directly(quote, buyer.owner)
        nothing_changed(buyer.lease)

    def test_the_quote_page_offers_payment_only_while_the_quote_is_good(self, client, buyer):
        good = buyout_quote(buyer.lease, buyer.owner)
        lapsed = buyout_quote(buyer.lease, buyer.owner, on=dt.date(2026, 11, 14), day=dt.date(2026, 11, 15))
        client.force_login(buyer.co_lessee)
        page = client.get(good.get_absolute_url()).content.decode()
        assert "Pay this buyout" in page and pay_url(good) in page
        page = client.get(lapsed.get_absolute_url()).content.decode()
        assert "so it can no longer be paid" in page and pay_url(lapsed) not in page

    def test_a_quote_for_a_later_purchase_date_cannot_be_paid_early(self, client, buyer):
        lease = make_lease(make_lessee(make_user("early@example.com")))  # ends 2026-12-15
        owner = lease.parties.get().lessee.user
        quote = buyout_quote(lease, owner, day=dt.date(2026, 12, 1))
        with pytest.raises(BuyoutNotDue, match="prices a purchase on December 1, 2026"):
            pay_directly(quote, owner)
        client.force_login(owner)
        page = client.get(quote.get_absolute_url()).content.decode()
        assert "Pay this buyout" not in page and "Get a buyout quote for today" in page
        assert client.post(pay_url(quote), buyout_form()).status_code == 400
        nothing_changed(lease)

    def test_a_quote_bought_before_the_end_date_pays_the_adjusted_lease_balance(self, buyer):
        lease = make_lease(make_lessee(buyer.owner))  # ends 2026-12-15: price is the balance today
        quote = buyout_quote(lease, buyer.owner)
        payment = pay_directly(quote, buyer.owner)
        assert payment.amount == Decimal("20484.11")
        assert posted(lease) == [
            ("purchase_price", Decimal("19467.40")),
            ("purchase_option_fee", Decimal("300.00")),
            ("sales_tax", Decimal("1216.71")),
            ("security_deposit_applied", Decimal("-500.00")),
        ]
        assert ledger.balance(lease) == Decimal("0.00")

    def test_a_returned_vehicle_cannot_be_bought(self, client, buyer):
        quote = buyout_quote(buyer.lease, buyer.owner)
        buyer.lease.mark_returned()
        client.force_login(buyer.owner)
        assert client.get(pay_url(quote)).status_code == 409
        assert client.post(pay_url(quote), buyout_form()).status_code == 409
        assert not Payment.objects.exists() and not LedgerEntry.objects.exists()


class TestWhoCanPay:
    def test_owner_and_co_lessee_get_the_pay_page(self, client, buyer):
        quote = buyout_quote(buyer.lease, buyer.owner)
        for user in (buyer.owner, buyer.co_lessee):
            client.force_login(user)
            page = client.get(pay_url(quote))
            assert page.status_code == 200
            text = page.content.decode()
            assert "Pay $20,667.55 and buy the vehicle" in text and 'name="idempotency_key"' in text
            assert 'name="amount"' not in text  # a purchase is paid in full
            assert payments.buyout_authorization_text(buyer.lease, quote_reference=quote.reference, amount=NET) in text

    def test_outsider_gets_404_and_cannot_pay(self, client, buyer):
        quote = buyout_quote(buyer.lease, buyer.owner)
        client.force_login(buyer.outsider)
        assert client.get(pay_url(quote)).status_code == 404
        assert client.post(pay_url(quote), buyout_form()).status_code == 404
        under_own_lease = reverse("quotes:pay_buyout", args=[buyer.other_lease.public_id, quote.public_id])
        assert client.post(under_own_lease, buyout_form()).status_code == 404
        nothing_changed(buyer.lease)

    def test_anonymous_is_sent_to_sign_in(self, client, buyer):
        quote = buyout_quote(buyer.lease, buyer.owner)
        for response in (client.get(pay_url(quote)), client.post(pay_url(quote), buyout_form())):
            assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        nothing_changed(buyer.lease)

    def test_only_a_buyout_quote_has_a_pay_page(self, client, buyer):
        extension = quote_create(lease=buyer.lease, user=buyer.owner, event=engine.Extension(days=30), today=TODAY)
        client.force_login(buyer.owner)
        assert client.get(pay_url(extension)).status_code == 404

    def test_the_purchased_lease_page_shows_the_title_steps_and_the_quote_its_receipt(self, client, buyer):
        quote = buyout_quote(buyer.lease, buyer.owner)
        payment = pay_directly(quote, buyer.owner)
        client.force_login(buyer.co_lessee)
        lease_page = client.get(reverse("leases:detail", args=[buyer.lease.public_id])).content.decode()
        assert "Title paperwork: what happens next" in lease_page and "Purchased" in lease_page
        quote_page = client.get(quote.get_absolute_url()).content.decode()
        assert f"You bought this vehicle with this quote on November 25, 2026 (confirmation {payment.reference})" in (
            quote_page
        )
        assert reverse("leases:receipt", args=[buyer.lease.public_id, payment.public_id]) in quote_page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_posts_of_one_form_buy_once_and_post_one_set_of_lines():
    owner = make_user("racer@example.com")
    lease = make_lease(make_lessee(owner), start=START)
    quote = buyout_quote(lease, owner)
    responses = fire_at_once(pay_url(quote), owner, [buyout_form()] * 8)
    payment = Payment.objects.get()
    receipt = reverse("leases:receipt", args=[lease.public_id, payment.public_id])
    assert [r.status_code for r in responses] == [302] * 8
    assert {r["Location"] for r in responses} == {receipt}
    assert posted(lease) == LINES_POSTED
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    assert ledger.balance(lease) == Decimal("0.00")
    assert Lease.objects.get(pk=lease.pk).status == Lease.Status.PURCHASED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_paying_the_same_quote_at_once_buy_once():
    owner = make_user("tabs@example.com")
    lease = make_lease(make_lessee(owner), start=START)
    quote = buyout_quote(lease, owner)
    responses = fire_at_once(pay_url(quote), owner, [buyout_form(), buyout_form()])
    payment = Payment.objects.get()
    receipt = reverse("leases:receipt", args=[lease.public_id, payment.public_id])
    # The second tab either waited on the lease and was told the quote is paid, or found it paid.
    assert all((r.status_code == 302 and r["Location"] == receipt) or r.status_code == 400 for r in responses)
    assert sum(r.status_code == 302 for r in responses) >= 1
    for refused in (r for r in responses if r.status_code == 400):
        assert "This buyout quote was paid on November 25, 2026" in refused.content.decode()
    assert posted(lease) == LINES_POSTED
    assert ledger.balance(lease) == Decimal("0.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_service_calls_with_one_key_post_the_lines_once():
    """Past the page's own look-up: the lease lock and the key decide, not timing."""
    owner = make_user("service@example.com")
    lease = make_lease(make_lessee(owner), start=START)
    quote, key = buyout_quote(lease, owner), uuid.uuid4()
    barrier = threading.Barrier(8)
    results: list = [None] * 8

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = pay_directly(Quote.objects.select_related("lease").get(pk=quote.pk), owner, key=key).pk
        except Exception as error:  # noqa: BLE001 - a failure shows in the assertion on results
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    payment = Payment.objects.get()
    assert results == [payment.pk] * 8
    assert posted(lease) == LINES_POSTED
    assert ledger.balance(lease) == Decimal("0.00")
