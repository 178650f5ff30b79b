import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from leases.billing import errors, fieldcrypt, ledger, payments
from leases.models import BankAccount, LedgerEntry, Payment
from tests.concurrency import fire_at_once
from tests.factories import EXAMPLE_START, issue, make_lease, make_lessee, make_user, pay, pay_form, return_and_sell

pytestmark = pytest.mark.django_db


def urls(lease, payment=None) -> list[str]:
    found = [
        reverse("leases:bill", args=[lease.public_id]),
        reverse("leases:statement", args=[lease.public_id]),
        reverse("leases:pay", args=[lease.public_id]),
    ]
    if payment:
        found.append(reverse("leases:receipt", args=[lease.public_id, payment.public_id]))
    return found


class TestOwnerScoping:
    def test_owner_and_co_lessee_see_the_bill_statement_pay_form_and_receipt(self, client, billed):
        payment = pay(billed.lease, billed.owner, "100.00")
        for user in (billed.owner, billed.co_lessee):
            client.force_login(user)
            for url in urls(billed.lease, payment):
                assert client.get(url).status_code == 200, url

    def test_outsider_gets_404_everywhere_and_cannot_pay(self, client, billed):
        payment = pay(billed.lease, billed.owner, "100.00")
        client.force_login(billed.outsider)
        for url in urls(billed.lease, payment):
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("leases:pay", args=[billed.lease.public_id]), pay_form()).status_code == 404
        assert Payment.objects.count() == 1

    def test_a_receipt_is_404_under_another_lease(self, client, billed):
        payment = pay(billed.lease, billed.owner, "100.00")
        client.force_login(billed.outsider)
        url = reverse("leases:receipt", args=[billed.other_lease.public_id, payment.public_id])
        assert client.get(url).status_code == 404

    def test_a_lease_without_a_bill_has_no_bill_pages(self, client):
        user = make_user()
        lease = make_lease(make_lessee(user))
        client.force_login(user)
        for url in urls(lease):
            assert client.get(url).status_code == 404, url


class TestPayingOnline:
    def post(self, client, billed, data):
        client.force_login(billed.owner)
        return client.post(reverse("leases:pay", args=[billed.lease.public_id]), data)

    def test_a_payment_is_posted_pending_with_its_authorization_and_a_receipt(
        self, client, billed, mailoutbox, django_capture_on_commit_callbacks
    ):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = self.post(client, billed, pay_form("1000.00", account_type="savings"))
        payment = Payment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("leases:receipt", args=[billed.lease.public_id, payment.public_id])
        assert (payment.amount, payment.status, payment.purpose) == (Decimal("1000.00"), "pending", "balance")
        assert payment.authorized_by == billed.owner and payment.authorized_ip == "127.0.0.1"
        assert payment.authorization_text == payments.authorization_text(billed.lease)
        assert payment.authorized_at is not None
        entry = LedgerEntry.objects.get(payment=payment)
        assert (entry.kind, entry.amount) == ("payment", Decimal("-1000.00"))
        assert ledger.balance(billed.lease) == Decimal("223.13")
        account = payment.bank_account
        assert (account.account_last4, account.account_type, account.routing_number) == ("6789", "savings", "011000015")
        assert "000123456789" not in account.account_number_encrypted
        assert fieldcrypt.decrypt(account.account_number_encrypted) == "000123456789"
        receipt = client.get(response["Location"]).content.decode()
        assert payment.reference in receipt and "$1,000.00" in receipt and "ending 6789" in receipt
        assert "000123456789" not in receipt and "0001234" not in receipt
        assert len(mailoutbox) == 1 and mailoutbox[0].to == ["owner@example.com"]
        assert payment.reference in mailoutbox[0].body and "000123456789" not in mailoutbox[0].body

    def test_the_pay_page_keeps_the_phone_and_mail_options_and_shows_the_authorization(self, client, billed, settings):
        client.force_login(billed.co_lessee)
        page = client.get(reverse("leases:pay", args=[billed.lease.public_id])).content.decode()
        assert settings.LESSOR["payments_phone"] in page
        assert "Payment Center<br>PO Box 0001" in page
        assert payments.authorization_text(billed.lease) in page
        assert 'name="idempotency_key"' in page and 'value="1223.13"' in page

    @pytest.mark.parametrize(
        ("routing", "message"),
        [
            ("01100001", "exactly 9 digits"),
            ("011000016", "check digit does not match"),
            ("12345678X", "exactly 9 digits"),
            ("", "This field is required"),
        ],
    )
    def test_a_bad_routing_number_is_explained_and_nothing_changes(self, client, billed, routing, message):
        response = self.post(client, billed, pay_form(routing_number=routing))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Payment.objects.exists() and not BankAccount.objects.exists()
        assert ledger.balance(billed.lease) == Decimal("1223.13")

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"amount": "1223.14"}, "more than your balance of $1,223.13"),
            ({"amount": "0.99"}, "smallest online payment is $1.00"),
            ({"amount": "-5"}, "smallest online payment"),
            ({"amount": "10.005"}, "dollars and cents"),
            ({"authorize": None}, "tick the box to authorize"),
            ({"account_number_again": "000123456780"}, "do not match"),
            ({"account_number": "12", "account_number_again": "12"}, "4 to 17 digits"),
        ],
    )
    def test_bad_input_is_explained_and_nothing_changes(self, client, billed, overrides, message):
        response = self.post(client, billed, pay_form(**overrides))
        assert message in response.content.decode()
        assert not Payment.objects.exists()
        assert ledger.balance(billed.lease) == Decimal("1223.13")

    def test_resubmitting_the_same_form_makes_one_payment(self, client, billed):
        data = pay_form("1223.13")
        first = self.post(client, billed, data)
        second = self.post(client, billed, data)  # the browser's back button and submit again
        assert Payment.objects.count() == 1
        assert first["Location"] == second["Location"]
        assert ledger.balance(billed.lease) == Decimal("0.00")

    def test_a_second_form_for_more_than_what_is_left_is_refused(self, client, billed):
        self.post(client, billed, pay_form("1000.00"))
        response = self.post(client, billed, pay_form("1000.00"))
        assert "more than your balance of $223.13" in response.content.decode()
        assert Payment.objects.count() == 1

    def test_nothing_to_pay_sends_the_lessee_back_to_the_bill(self, client, billed):
        self.post(client, billed, pay_form("1223.13"))
        response = client.get(reverse("leases:pay", args=[billed.lease.public_id]))
        assert response.status_code == 302 and response["Location"].endswith("/bill/")

    def test_a_key_used_by_someone_else_is_refused(self, billed):
        key = uuid.uuid4()
        pay(billed.lease, billed.owner, "10.00", key=key)
        with pytest.raises(errors.PaymentRefused, match="expired"):
            pay(billed.lease, billed.co_lessee, "10.00", key=key)
        assert Payment.objects.count() == 1

    def test_a_buyout_payment_must_clear_the_whole_balance(self, billed):
        with pytest.raises(errors.PaymentRefused, match="paid in full"):
            payments.payment_create(
                lease=billed.lease,
                amount=Decimal("100.00"),
                debit=payments.Debit(
                    user=billed.owner,
                    bank=payments.BankDetails("Pat", "011000015", "12345678", "checking"),
                    idempotency_key=uuid.uuid4(),
                    authorization="...",
                ),
                today=billed.bill.issued_on,
                purpose=Payment.Purpose.BUYOUT,
                quote_reference="Q-1",
            )


def _fire_at_once(lease, user, forms: list[dict]) -> list:
    return fire_at_once(reverse("leases:pay", args=[lease.public_id]), user, forms)


def _billed_lease():
    owner = make_user("racer@example.com")
    lease = make_lease(make_lessee(owner), start=EXAMPLE_START)
    issue(return_and_sell(lease))
    return owner, lease


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_posts_of_one_form_make_exactly_one_payment():
    owner, lease = _billed_lease()
    form = pay_form("1223.13")
    responses = _fire_at_once(lease, owner, [form] * 8)
    payment = Payment.objects.get()
    receipt = reverse("leases:receipt", args=[lease.public_id, payment.public_id])
    assert [r.status_code for r in responses] == [302] * 8
    assert {r["Location"] for r in responses} == {receipt}
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    assert BankAccount.objects.count() == 1
    assert ledger.balance(lease) == Decimal("0.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_paying_the_whole_balance_at_once_make_one_payment():
    owner, lease = _billed_lease()
    responses = _fire_at_once(lease, owner, [pay_form("1223.13"), pay_form("1223.13")])
    payment = Payment.objects.get()
    receipt = reverse("leases:receipt", args=[lease.public_id, payment.public_id])
    winner = [r for r in responses if r.status_code == 302 and r["Location"] == receipt]
    loser = [r for r in responses if r not in winner]
    assert len(winner) == 1 and len(loser) == 1
    # The other tab either waited for the first and was refused, or saw the balance already paid.
    if loser[0].status_code == 200:
        page = loser[0].content.decode()
        assert "nothing to pay" in page or "more than your balance" in page
    else:
        assert loser[0]["Location"] == reverse("leases:bill", args=[lease.public_id])
    assert ledger.balance(lease) == Decimal("0.00")
