"""Operations cannot change a lease's history in the admin: status moves only through named
actions, the terms freeze once quoted or billed, and a lease with money on it is never deleted."""

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from leases.models import Lease
from quotes import engine
from quotes.services import quote_create
from tests.factories import EXAMPLE_START, TODAY, issue, make_lease, make_lessee, make_user, pay, return_and_sell

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would send for the admin change form (inputs, selects, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.data[name] = "on"
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data) -> None:
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def change_form(client, lease) -> tuple[str, dict[str, str]]:
    url = reverse("admin:leases_lease_change", args=[lease.pk])
    page = client.get(url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    return url, parser.data


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def fresh(lease) -> Lease:
    return Lease.objects.get(pk=lease.pk)


# --- 1. status: read-only, changed only by named actions ---------------------------------------


def test_the_change_form_shows_the_status_but_cannot_change_it(client, staff):
    lease = make_lease()
    client.force_login(staff)
    url, data = change_form(client, lease)
    assert "status" not in data
    client.post(url, {**data, "status": Lease.Status.CLOSED, "_save": "Save"})
    assert fresh(lease).status == Lease.Status.ACTIVE


def test_operations_mark_a_lease_returned_with_an_action(client, staff):
    lease = make_lease()
    client.force_login(staff)
    response = client.post(
        reverse("admin:leases_lease_changelist"), {"action": "mark_returned", "_selected_action": [lease.pk]}
    )
    assert fresh(lease).status == Lease.Status.RETURNED
    assert any("returned" in m for m in messages_of(response))


def test_operations_mark_a_lease_terminated_early_with_an_action(client, staff):
    lease = make_lease()
    client.force_login(staff)
    client.post(
        reverse("admin:leases_lease_changelist"), {"action": "mark_terminated_early", "_selected_action": [lease.pk]}
    )
    assert fresh(lease).status == Lease.Status.TERMINATED_EARLY


def test_a_move_the_lease_cannot_make_is_refused_with_a_message(client, staff):
    sold = return_and_sell(make_lease(start=EXAMPLE_START))
    client.force_login(staff)
    response = client.post(
        reverse("admin:leases_lease_changelist"),
        {"action": "mark_returned", "_selected_action": [sold.pk]},
        follow=True,
    )
    assert fresh(sold).status == Lease.Status.SOLD
    assert any(sold.account_number in m and "cannot become" in m for m in messages_of(response))


# --- 2. the terms freeze once the lease is quoted or billed ------------------------------------

TERMS = {
    "adjusted_cap_cost": "40000.00",
    "residual_value": "100.00",
    "money_factor": "0.000010",
    "tax_rate": "0.00000",
    "start_odometer": "5",
    "annual_miles": "99999",
    "purchased_miles": "5000",
    "purchased_mile_rate": "0.0100",
    "excess_mile_rate": "0.0100",
    "disposition_fee": "1.00",
    "purchase_option_fee": "1.00",
    "early_termination_fee": "1.00",
    "security_deposit": "9999.00",
    "wear_waiver": "1.00",
    "max_extension_days": "999",
    "start_date": "2020-01-01",
    "term_months": "12",
}


def _post_new_terms(client, lease) -> Lease:
    url, data = change_form(client, lease)
    client.post(url, {**data, **TERMS, "_save": "Save"})
    return fresh(lease)


def test_the_terms_of_a_quoted_lease_cannot_be_changed(client, staff):
    lease = make_lease()
    quote_create(lease=lease, user=None, event=engine.Buyout(date=TODAY), today=TODAY)
    before = fresh(lease)
    client.force_login(staff)
    _, data = change_form(client, lease)
    assert not set(TERMS) & set(data)
    after = _post_new_terms(client, lease)
    assert after.terms() == before.terms()
    assert (after.maturity_date, after.start_date, after.term_months) == (
        before.maturity_date,
        before.start_date,
        before.term_months,
    )


def test_the_terms_of_a_billed_lease_cannot_be_changed(client, staff):
    lease = return_and_sell(make_lease(start=EXAMPLE_START))
    issue(lease)
    before = fresh(lease)
    client.force_login(staff)
    after = _post_new_terms(client, lease)
    assert after.terms() == before.terms() and after.maturity_date == before.maturity_date


def test_the_terms_of_a_lease_never_quoted_or_billed_can_still_be_corrected(client, staff):
    lease = make_lease()
    client.force_login(staff)
    url, data = change_form(client, lease)
    client.post(url, {**data, "adjusted_cap_cost": "33000.00", "_save": "Save"})
    assert fresh(lease).adjusted_cap_cost == Decimal("33000.00")


# --- 3. a lease with a bill, a payment or ledger entries is never deleted -----------------------


def _billed_lease():
    lease = return_and_sell(make_lease(make_lessee(make_user()), start=EXAMPLE_START))
    issue(lease)
    return lease


def _ledger_lease():
    from leases.billing import ledger

    lease = make_lease()
    ledger.entry_post(lease=lease, kind="past_due", amount=Decimal("12.00"), posted_on=dt.date(2026, 2, 1))
    return lease


@pytest.mark.parametrize("maker", [_billed_lease, _ledger_lease], ids=["bill", "ledger"])
def test_a_lease_with_money_on_it_has_no_delete_page(client, staff, maker):
    lease = maker()
    client.force_login(staff)
    url = reverse("admin:leases_lease_delete", args=[lease.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Lease.objects.filter(pk=lease.pk).exists()


def test_the_bulk_delete_leaves_leases_with_money_on_them(client, staff):
    billed, paid, blank = _billed_lease(), _ledger_lease(), make_lease()
    pay(billed, billed.primary_lessee.user, "10.00")
    client.force_login(staff)
    selected = [billed.pk, paid.pk, blank.pk]
    url = reverse("admin:leases_lease_changelist")
    confirm = client.post(url, {"action": "delete_selected", "_selected_action": selected})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert blank.account_number in page
    response = client.post(url, {"action": "delete_selected", "_selected_action": selected, "post": "yes"})
    assert Lease.objects.filter(pk__in=[billed.pk, paid.pk]).count() == 2
    assert not Lease.objects.filter(pk=blank.pk).exists()
    said = " ".join(messages_of(response))
    assert billed.account_number in said and paid.account_number in said
