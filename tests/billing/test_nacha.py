import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from leases.billing import ach, nacha
from leases.billing.tasks import write_ach_file
from leases.models import AchFile, Lease, Payment
from tests.factories import OTHER_ROUTING, TODAY, issue, pay, return_and_sell

pytestmark = pytest.mark.django_db


def test_amounts_become_whole_cents_exactly_and_floats_are_refused():
    assert nacha.cents(Decimal("1234.56")) == 123456
    assert nacha.cents(Decimal("0.01")) == 1
    assert nacha.cents(Decimal("99999999.99")) == 9_999_999_999
    for bad in (Decimal("1.005"), 12.5, Decimal("0.00"), Decimal("100000000.00")):
        with pytest.raises(nacha.NachaError):
            nacha.cents(bad)


def test_the_entry_hash_keeps_the_rightmost_ten_digits():
    assert nacha.entry_hash(["011000015", "021000021"]) == "0003200003"  # 01100001 + 02100002
    many = ["999999999"] * 150  # 150 × 99,999,999 = 14,999,999,850: eleven digits
    assert nacha.entry_hash(many) == "4999999850"


def test_a_written_file_has_blocks_of_ten_94_character_records():
    originator = nacha.Originator("011000015", "BANK", "1990000001", "LESSOR", "LESSOR", "1990000001")
    entry = nacha.Entry("27", "011000015", "12345", Decimal("1.00"), "ID", "NAME", "011000010000001", "S")
    written = nacha.write(
        originator,
        [nacha.Batch("WEB", "TEST", (entry,))],
        created=dt.datetime(2026, 11, 25, 21, 30),
        modifier="A",
        effective=dt.date(2026, 11, 26),
    )
    assert written.text.endswith("\r\n")
    lines = written.text.split("\r\n")[:-1]
    assert len(lines) == 10 and all(len(line) == 94 for line in lines)
    assert lines[5:] == ["9" * 94] * 5  # header, batch header, entry, batch control, file control, then filler
    assert nacha.next_business_day(dt.date(2026, 11, 27)) == dt.date(2026, 11, 30)  # Friday → Monday


@pytest.fixture
def pending(billed):
    """Three pending online debits across two leases: checking and savings, two routing numbers."""
    other_owner = billed.outsider
    a = pay(billed.lease, billed.owner, "100.00", account="000123456789")
    b = pay(
        billed.lease, billed.co_lessee, "23.13", account="9876543210", account_type="savings", routing=OTHER_ROUTING
    )
    issue(return_and_sell(billed.other_lease))
    c = pay(billed.other_lease, other_owner, "1223.13", account="55500011")
    return [a, b, c]


def test_the_nightly_file_parses_back_field_by_field(pending, settings):
    ach_file = ach.ach_file_write(today=TODAY)
    text = ach_file.file.open("rb").read().decode("ascii")
    parsed = nacha.parse(text)

    assert parsed.line_count % 10 == 0 and parsed.line_count == 10
    assert all(len(line) == 94 for line in text.splitlines())
    header = parsed.header
    assert header["priority_code"] == "01"
    assert header["immediate_destination"] == " 011000015"
    assert header["immediate_origin"] == "1990000001"
    assert header["creation_date"] == "261125"
    assert header["file_id_modifier"] == "A"
    assert (header["record_size"], header["blocking_factor"], header["format_code"]) == ("094", "10", "1")
    assert header["destination_name"].rstrip() == "DEMO ORIGINATING BANK"
    assert header["origin_name"].rstrip() == "EXAMPLE AUTO FINANCE"

    [batch] = parsed.batches  # no refunds waiting: one WEB batch of debits
    bh = batch.header
    assert bh["service_class_code"] == "225"
    assert bh["company_name"].rstrip() == "EXAMPLE AUTO"
    assert bh["company_identification"] == "1990000001"
    assert bh["standard_entry_class"] == "WEB"
    assert bh["company_entry_description"].rstrip() == "LEASE PMT"
    assert bh["effective_entry_date"] == "261127"  # the next business day: the 26th is Thanksgiving
    assert bh["settlement_date"] == "   " and bh["originator_status_code"] == "1"
    assert (bh["originating_dfi"], bh["batch_number"]) == ("01100001", "0000001")

    a, b, c = (Payment.objects.get(pk=p.pk) for p in pending)
    entries = batch.entries
    assert [e["transaction_code"] for e in entries] == ["27", "37", "27"]
    assert [e["receiving_dfi"] + e["check_digit"] for e in entries] == ["011000015", "021000021", "011000015"]
    assert [e["dfi_account_number"].rstrip() for e in entries] == ["000123456789", "9876543210", "55500011"]
    assert [e["amount"] for e in entries] == ["0000010000", "0000002313", "0000122313"]
    assert [e["individual_id"].rstrip() for e in entries] == [p.lease.account_number for p in (a, b, c)]
    assert entries[0]["individual_name"].rstrip() == "PAT LESSEE"
    assert {e["discretionary_data"] for e in entries} == {"S "}
    assert {e["addenda_indicator"] for e in entries} == {"0"}
    assert [e["trace_number"] for e in entries] == [a.trace_number, b.trace_number, c.trace_number]
    assert a.trace_number == "011000010000001" and c.trace_number == "011000010000003"

    # The controls agree with the entries, recomputed here from what was parsed.
    routing_sum = sum(int(e["receiving_dfi"]) for e in entries)
    cents = sum(int(e["amount"]) for e in entries)
    bc = batch.control
    assert bc["entry_addenda_count"] == "000003"
    assert bc["entry_hash"] == f"{routing_sum:010d}"[-10:] == "0004300004"
    assert (bc["total_debit"], bc["total_credit"]) == (f"{cents:012d}", "000000000000")
    assert cents == 134626  # 100.00 + 23.13 + 1,223.13
    assert (bc["service_class_code"], bc["company_identification"]) == ("225", "1990000001")
    assert (bc["originating_dfi"], bc["batch_number"]) == ("01100001", "0000001")
    fc = parsed.control
    assert (fc["batch_count"], fc["block_count"], fc["entry_addenda_count"]) == ("000001", "000001", "00000003")
    assert fc["entry_hash"] == bc["entry_hash"]
    assert (fc["total_debit"], fc["total_credit"]) == ("000000134626", "000000000000")
    assert parsed.filler_count == 10 - 7  # header, batch header, 3 entries, batch control, file control

    assert (ach_file.debit_count, ach_file.total_debit, ach_file.entry_hash) == (3, Decimal("1346.26"), "0004300004")
    assert {p.ach_file_id for p in (a, b, c)} == {ach_file.pk}


def test_a_second_run_sends_nothing_and_trace_numbers_carry_on(pending, billed):
    first = ach.ach_file_write(today=TODAY)
    assert ach.ach_file_write(today=TODAY) is None
    assert AchFile.objects.count() == 1
    late = pay(billed.lease, billed.owner, "1.00")
    second = ach.ach_file_write(today=TODAY)
    late.refresh_from_db()
    assert second.modifier == "B" and second.first_trace_seq == first.last_trace_seq + 1
    assert late.trace_number == "011000010000004"


def test_an_offset_balances_each_batch_when_the_bank_asks_for_one(pending, settings):
    settings.ACH = {**settings.ACH, "offset_routing": "011000015", "offset_account": "777000111"}
    parsed = nacha.parse(ach.ach_file_write(today=TODAY).file.open("rb").read().decode("ascii"))
    [batch] = parsed.batches
    offset = batch.entries[-1]
    assert (offset["transaction_code"], offset["dfi_account_number"].rstrip()) == ("22", "777000111")
    assert batch.header["service_class_code"] == "200"
    assert batch.control["total_debit"] == batch.control["total_credit"] == "000000134626"
    assert parsed.control["entry_addenda_count"] == "00000004"


def test_the_nightly_task_settles_debits_once_their_returns_window_passes(pending, settings):
    write_ach_file()
    assert Payment.objects.filter(status="pending").count() == 3
    settings.PORTAL_TODAY = dt.date(2026, 11, 30)  # effective Friday 27th (after Thanksgiving) + 2 = Tuesday
    assert write_ach_file().startswith("settled 0;")
    settings.PORTAL_TODAY = dt.date(2026, 12, 1)
    summary = write_ach_file()
    assert summary.startswith("settled 3;") and "nothing to send" in summary
    assert set(Payment.objects.values_list("status", "settled_on")) == {("settled", dt.date(2026, 12, 1))}
    # The other lease was paid in full and its payment has cleared: closed. The first still owes.
    statuses = dict(Lease.objects.values_list("account_number", "status"))
    assert statuses[pending[2].lease.account_number] == "closed"
    assert statuses[pending[0].lease.account_number] == "sold"


def test_operations_download_files_and_customers_cannot(client, pending, staff):
    ach_file = ach.ach_file_write(today=TODAY)
    url = reverse("admin:leases_achfile_download", args=[ach_file.pk])
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode("ascii") == ach_file.file.open("rb").read().decode("ascii")
    client.force_login(pending[0].authorized_by)
    assert client.get(url).status_code == 302  # to the admin sign-in, not the file


def test_operations_can_write_the_file_from_the_admin(client, pending, staff):
    client.force_login(staff)
    response = client.post(reverse("admin:leases_achfile_write"))
    assert response.status_code == 302
    assert AchFile.objects.get().debit_count == 3
    assert client.get(reverse("admin:leases_achfile_write")).status_code == 405


def test_one_unusable_stored_account_is_held_back_and_the_rest_still_go(pending, admin_client_2fa=None):
    a, b, c = pending
    from leases.models import BankAccount

    BankAccount.objects.filter(pk=b.bank_account_id).update(routing_number="123456789")  # bad check digit
    BankAccount.objects.filter(pk=c.bank_account_id).update(account_number_encrypted="not-a-token")  # old key
    ach_file = ach.ach_file_write(today=TODAY)

    parsed = nacha.parse(ach_file.file.open("rb").read().decode("ascii"))
    assert [e["amount"] for e in parsed.batches[0].entries] == ["0000010000"]
    assert (ach_file.debit_count, ach_file.total_debit) == (1, Decimal("100.00"))
    for p in (a, b, c):
        p.refresh_from_db()
    assert a.ach_file_id == ach_file.pk and b.ach_file_id is None and c.ach_file_id is None
    assert b.status == c.status == Payment.Status.PENDING  # waiting, for operations to sort out
    held = ach.held_back()
    assert [h.item for h in held] == [b, c]
    assert "routing number" in held[0].problem and "cannot be read" in held[1].problem
    assert ach.ach_file_write(today=TODAY) is None  # the held-back ones never make a file of their own
