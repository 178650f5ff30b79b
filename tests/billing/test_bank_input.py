"""Bank details that would corrupt the NACHA file are refused at the form and again at the writer;
effective dates skip Federal Reserve holidays. The file is read back by a strict parser written
here, from the record layouts, independently of leases.billing.nacha."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from stdnum.us import rtn

from leases.billing import ach, ledger, nacha
from leases.models import BankAccount, Payment
from tests.factories import pay, pay_form

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"  # U+0660..U+0669
# The Federal Reserve's published holiday schedule for 2027 (Saturday holidays not moved).
FED_2027 = {
    dt.date(2027, 1, 1), dt.date(2027, 1, 18), dt.date(2027, 2, 15), dt.date(2027, 5, 31),
    dt.date(2027, 7, 5), dt.date(2027, 9, 6), dt.date(2027, 10, 11), dt.date(2027, 11, 11),
    dt.date(2027, 11, 25),
}  # fmt: skip


def arabic(digits: str) -> str:
    return digits.translate(str.maketrans("0123456789", ARABIC_INDIC))


def with_check_digit(eight: str) -> str:
    return eight + rtn.calc_check_digit(eight)


# --- a strict, independent reader -------------------------------------------------------------


def strict_parse(text: str) -> dict:
    """Reads a NACHA file and refuses anything a receiving bank's validator would: record length,
    order, ASCII, numeric fields, routing check digits, control totals, a business-day date."""
    assert text.isascii(), "a NACHA file is ASCII"
    lines = text.split("\r\n")
    assert lines.pop() == "", "CRLF after every record"
    assert all(len(line) == 94 for line in lines) and len(lines) % 10 == 0
    assert lines[0][0] == "1" and re.fullmatch(r" \d{9}", lines[0][3:13]) and lines[0][34:40] == "094101"
    entries, effective, debit_total, credit_total = [], set(), 0, 0
    for line in lines[1:]:
        if line[0] == "5":
            effective.add(dt.datetime.strptime(line[69:75], "%y%m%d").date())
        elif line[0] == "6":
            routing, account, amount = line[3:12], line[12:29].rstrip(), line[29:39]
            assert routing.isdigit() and rtn.is_valid(routing) and routing != "000000000", routing
            assert re.fullmatch(r"[0-9]{4,17}", account), f"account field {line[12:29]!r}"
            assert amount.isdigit() and int(amount) > 0
            if line[1:3] in {"27", "37"}:
                debit_total += int(amount)
            else:
                credit_total += int(amount)
            entries.append({"routing": routing, "account": account, "cents": int(amount)})
        elif line[0] == "9" and line != "9" * 94:
            assert (int(line[31:43]), int(line[43:55])) == (debit_total, credit_total)
    [day] = effective
    assert day.weekday() < 5
    return {"effective": day, "entries": entries}


# --- the pay form ---------------------------------------------------------------------------


class TestThePayFormRefuses:
    def post(self, client, billed, **overrides):
        client.force_login(billed.owner)
        return client.post(reverse("leases:pay", args=[billed.lease.public_id]), pay_form(**overrides))

    def assert_refused(self, response, billed, message):
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Payment.objects.exists() and not BankAccount.objects.exists()
        assert ledger.balance(billed.lease) == Decimal("1223.13")

    def test_an_account_number_in_arabic_indic_digits(self, client, billed):
        number = arabic("000123456789")
        response = self.post(client, billed, account_number=number, account_number_again=number)
        self.assert_refused(response, billed, "digits from another script")

    def test_a_routing_number_in_arabic_indic_digits(self, client, billed):
        self.assert_refused(self.post(client, billed, routing_number=arabic("011000015")), billed, "another script")

    @pytest.mark.parametrize("routing", ["000000000", with_check_digit("50000001"), with_check_digit("99999999")])
    def test_a_routing_number_no_us_bank_can_have(self, client, billed, routing):
        assert rtn.is_valid(routing)  # the check digit alone would let it through
        self.assert_refused(self.post(client, billed, routing_number=routing), billed, "does not belong to a US bank")

    def test_an_account_number_longer_than_a_nacha_field(self, client, billed):
        number = "1" * 18
        response = self.post(client, billed, account_number=number, account_number_again=number)
        self.assert_refused(response, billed, "4 to 17 digits")


def test_the_service_refuses_foreign_digits_too(billed):
    with pytest.raises(Exception, match="another script"):
        pay(billed.lease, billed.owner, "10.00", account=arabic("12345678"))
    assert not Payment.objects.exists()


# --- the writer -----------------------------------------------------------------------------

ORIGINATOR = nacha.Originator("011000015", "BANK", "1990000001", "LESSOR", "LESSOR", "1990000001")


def write_one(routing: str, account: str) -> str:
    entry = nacha.Entry("27", routing, account, Decimal("1.00"), "ID", "NAME", "011000010000001", "S")
    batch = nacha.Batch("WEB", "TEST", (entry,))
    return nacha.write(
        ORIGINATOR, [batch], created=dt.datetime(2026, 11, 25, 21, 30), modifier="A", effective=dt.date(2026, 11, 30)
    ).text


@pytest.mark.parametrize(
    ("routing", "account"),
    [
        ("011000015", arabic("12345678")),  # was written as a blank account
        ("011000015", "1" * 18),  # was cut to 17
        ("011000015", "12 34"),
        ("011000015", ""),
        ("000000000", "12345678"),  # was written as a debit
        (arabic("011000015"), "12345678"),
        (with_check_digit("50000001"), "12345678"),
    ],
)
def test_the_writer_refuses_a_field_it_cannot_write_as_entered(routing, account):
    with pytest.raises(nacha.NachaError, match="refused"):
        write_one(routing, account)


@hyp_settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(account=st.text(max_size=20), routing=st.sampled_from(["011000015", "021000021", "000000000", "0110000١5"]))
def test_fuzz_the_writer_either_refuses_or_writes_exactly_what_it_was_given(account, routing):
    try:
        text = write_one(routing, account)
    except nacha.NachaError:
        return
    [entry] = strict_parse(text)["entries"]
    assert (entry["routing"], entry["account"]) == (routing, account)


@pytest.mark.parametrize("origin", ["123", "12345678901", "1990-00001", "199000000١", "011000016", "abcdefghij"])
def test_an_immediate_origin_the_header_cannot_carry_is_refused(settings, origin):
    with pytest.raises(nacha.NachaError, match="immediate origin"):
        nacha.Originator("011000015", "BANK", origin, "LESSOR", "LESSOR", "1990000001")
    settings.ACH = {**settings.ACH, "immediate_origin": origin}
    with pytest.raises(Exception, match="immediate origin"):
        call_command("check", "--fail-level", "ERROR")


def test_a_routing_number_as_immediate_origin_is_written_with_a_leading_space():
    originator = nacha.Originator("011000015", "BANK", "021000021", "LESSOR", "LESSOR", "1990000001")
    entry = nacha.Entry("27", "011000015", "12345678", Decimal("1.00"), "ID", "NAME", "011000010000001", "S")
    text = nacha.write(
        originator, [nacha.Batch("WEB", "T", (entry,))], created=dt.datetime(2026, 11, 25), modifier="A",
        effective=dt.date(2026, 11, 30),
    ).text  # fmt: skip
    assert text[13:23] == " 021000021"


# --- effective dates ------------------------------------------------------------------------


def test_a_file_written_on_christmas_eve_is_effective_the_next_business_day(billed):
    pay(billed.lease, billed.owner, "100.00", account="000123456789")
    ach_file = ach.ach_file_write(today=dt.date(2026, 12, 24))
    parsed = strict_parse(ach_file.file.open("rb").read().decode("ascii"))
    assert parsed["effective"] == ach_file.effective_on == dt.date(2026, 12, 28)  # not the 25th
    assert parsed["entries"] == [{"routing": "011000015", "account": "000123456789", "cents": 10000}]


def test_no_file_date_in_2027_is_effective_on_a_holiday_or_weekend():
    day = dt.date(2026, 12, 31)
    while day.year < 2028:
        effective = nacha.next_business_day(day)
        assert effective.weekday() < 5 and effective not in FED_2027, (day, effective)
        day += dt.timedelta(days=1)


def test_saturday_holidays_are_not_moved_to_friday_for_the_fed():
    # 2027: Juneteenth and Christmas fall on Saturdays; the Fed is open the Fridays before.
    assert nacha.next_business_day(dt.date(2027, 6, 17)) == dt.date(2027, 6, 18)
    assert nacha.next_business_day(dt.date(2027, 12, 23)) == dt.date(2027, 12, 24)
    # Independence Day 2027 is a Sunday: closed Monday the 5th.
    assert nacha.next_business_day(dt.date(2027, 7, 2)) == dt.date(2027, 7, 6)
    assert nacha.add_business_days(dt.date(2026, 12, 24), 2) == dt.date(2026, 12, 29)
