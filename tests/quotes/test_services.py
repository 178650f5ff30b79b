"""Giving a quote (services.quote_create), comparing options, and money as text."""

import datetime as dt
from decimal import Decimal

import pytest

from leases.models import Lease, OdometerReading
from quotes import engine
from quotes.compare import compare, projected_odometer
from quotes.engine import usd
from quotes.models import Quote, is_valid_reference
from quotes.services import LeaseNotOpen, buyout_event, quote_create

pytestmark = pytest.mark.django_db

END = dt.date(2026, 12, 15)  # the factories' default lease: 2023-12-15 for 36 months
WORKED_EXAMPLE = engine.TurnIn(date=END, odometer=41012)


def read(lease: Lease, on: dt.date, miles: int) -> None:
    OdometerReading.objects.create(lease=lease, reading_date=on, miles=miles, source=OdometerReading.Source.LESSEE)


class TestQuoteCreate:
    def test_the_worked_example_is_stored_to_the_cent(self, personas, today):
        quote = quote_create(lease=personas.lease, user=personas.owner, event=WORKED_EXAMPLE, today=today)

        quote.refresh_from_db()
        assert quote.kind == "turn_in"
        assert quote.total == Decimal("1723.13")
        assert quote.security_deposit == Decimal("500.00")
        assert quote.net_after_deposit == Decimal("1223.13")
        assert [(line["code"], line["amount"]) for line in quote.lines] == [
            ("excess_mileage", "1250.00"),
            ("excess_wear", "0.00"),
            ("disposition_fee", "395.00"),
            ("extension_fees", "0.00"),
            ("past_due", "0.00"),
            ("property_tax", "0.00"),
            ("taxes", "78.13"),
            ("unused_mileage_refund", "0.00"),
        ]
        assert quote.lines[0]["rule"] == "5,000 miles over your 36,000-mile allowance × $0.25 a mile"
        assert quote.quoted_on == dt.date(2026, 11, 25)
        assert quote.good_through == dt.date(2026, 12, 5)  # QUOTE_GOOD_THROUGH_DAYS = 10
        assert quote.created_by == personas.owner
        assert quote.reference.startswith("Q-2026-")
        assert is_valid_reference(quote.reference)

    def test_the_good_through_date_follows_the_setting(self, personas, today, settings):
        settings.QUOTE_GOOD_THROUGH_DAYS = 3
        quote = quote_create(lease=personas.lease, user=personas.owner, event=WORKED_EXAMPLE, today=today)
        assert quote.good_through == dt.date(2026, 11, 28)

    def test_terms_and_inputs_are_stored_as_text(self, personas, today):
        quote = quote_create(lease=personas.lease, user=personas.owner, event=WORKED_EXAMPLE, today=today)

        quote.refresh_from_db()
        assert quote.terms["start_date"] == "2023-12-15"
        assert quote.terms["residual_value"] == "19500.00"
        assert quote.terms["term_months"] == "36"
        assert Decimal(quote.terms["money_factor"]) == Decimal("0.00125")
        assert all(isinstance(value, str) for value in quote.terms.values())
        assert quote.inputs == {
            "kind": "turn_in",
            "odometer": "41012",
            "date": "2026-12-15",
            "wear_charges": "0",
            "missing_equipment": "0",
            "past_due": "0",
            "property_tax": "0",
        }

    def test_the_snapshot_alone_gives_back_the_same_quote(self, personas, today):
        event = engine.Buyout(date=dt.date(2026, 12, 1), apply_security_deposit=True, past_due=Decimal("12.50"))
        quote = quote_create(lease=personas.lease, user=personas.owner, event=event, today=today)
        quote.refresh_from_db()

        again = engine.compute_quote(*engine.parse_request({"terms": quote.terms, "event": quote.inputs}))
        assert [(line.code, line.label, line.rule, f"{line.amount}") for line in again.lines] == [
            (line["code"], line["label"], line["rule"], line["amount"]) for line in quote.lines
        ]
        assert again.total == quote.total
        assert again.net_after_deposit == quote.net_after_deposit

    def test_editing_the_lease_later_does_not_change_the_quote(self, personas, today):
        quote = quote_create(lease=personas.lease, user=personas.owner, event=WORKED_EXAMPLE, today=today)
        stored = Quote.objects.values().get(pk=quote.pk)

        lease = personas.lease
        lease.residual_value = Decimal("18000.00")
        lease.disposition_fee = Decimal("595.00")
        lease.excess_mile_rate = Decimal("0.30")
        lease.security_deposit = Decimal("0.00")
        lease.save()

        assert Quote.objects.values().get(pk=quote.pk) == stored
        assert Quote.objects.get(pk=quote.pk).total == Decimal("1723.13")

    def test_a_buyout_on_the_end_date_is_the_purchase_option_price(self, personas, today):
        event = engine.Buyout(date=END, apply_security_deposit=False)
        quote = quote_create(lease=personas.lease, user=personas.owner, event=event, today=today)

        amounts = {line["code"]: line["amount"] for line in quote.lines}
        assert amounts["purchase_price"] == "19500.00"
        assert amounts["purchase_option_fee"] == "300.00"
        assert amounts["sales_tax"] == "1218.75"  # 6.25% of 19,500.00
        assert quote.total == Decimal("21018.75")
        assert quote.net_after_deposit == Decimal("20518.75")  # the deposit comes back

    def test_an_extension_is_days_times_the_daily_fee(self, personas, today):
        quote = quote_create(lease=personas.lease, user=personas.owner, event=engine.Extension(days=30), today=today)

        assert quote.total == Decimal("446.40")  # 30 × 14.88 (452.74 × 12 ÷ 365)
        assert quote.net_after_deposit == Decimal("446.40")

    def test_a_lease_that_is_not_open_gets_no_quote(self, personas, today):
        personas.lease.mark_returned()

        with pytest.raises(LeaseNotOpen):
            quote_create(lease=personas.lease, user=personas.owner, event=WORKED_EXAMPLE, today=today)
        assert not Quote.objects.exists()

    def test_an_engine_refusal_saves_nothing(self, personas, today):
        too_late = engine.TurnIn(date=END + dt.timedelta(days=181), odometer=41012)

        with pytest.raises(engine.QuoteError, match="at most 180"):
            quote_create(lease=personas.lease, user=personas.owner, event=too_late, today=today)
        assert not Quote.objects.exists()

    def test_each_quote_gets_its_own_reference(self, personas, today):
        references = {
            quote_create(lease=personas.lease, user=personas.owner, event=WORKED_EXAMPLE, today=today).reference
            for _ in range(20)
        }
        assert len(references) == 20


class TestProjectedOdometer:
    def test_a_straight_line_from_the_readings_to_the_end_date(self, personas):
        read(personas.lease, dt.date(2026, 11, 15), 40012)  # 40,000 miles in 1,066 days

        projection = projected_odometer(personas.lease, END)

        assert projection.miles == 41138  # 40,012 + 40,000 × 30 ÷ 1,066 = 41,137.70, rounded half up
        assert "40,000 miles in 1,066 days" in projection.basis
        assert "about 41,138 miles on December 15, 2026" in projection.basis

    def test_with_only_the_signing_reading_the_allowance_is_assumed(self, personas):
        projection = projected_odometer(personas.lease, END)

        assert projection.miles == 12 + 36_000  # the whole allowance, so no miles over it
        assert "no odometer reading since you signed" in projection.basis


class TestCompare:
    def test_today_s_options_side_by_side(self, personas, today):
        read(personas.lease, dt.date(2026, 11, 15), 40012)

        comparison = compare(lease=personas.lease, today=today, past_due=Decimal(0), property_tax=Decimal(0))

        figures = {o.key: (o.quote.total, o.quote.net_after_deposit) for o in comparison.options}
        assert figures == {
            # 5,126 miles over × 0.25 = 1,281.50; tax 80.09; disposition 395.00
            "return": (Decimal("1756.59"), Decimal("1256.59")),
            # the $500.00 deposit comes off the price, as the buyout form's default does
            "buy_end": (Decimal("20518.75"), Decimal("20518.75")),
            "buy_today": (Decimal("20484.11"), Decimal("20484.11")),
            "extend_30": (Decimal("446.40"), Decimal("446.40")),
            "extend_90": (Decimal("1339.20"), Decimal("1339.20")),
        }
        assert comparison.options[0].event == engine.TurnIn(date=END, odometer=41138)

    def test_the_differences_are_spelled_out(self, personas, today):
        read(personas.lease, dt.date(2026, 11, 15), 40012)

        sentences = compare(lease=personas.lease, today=today, past_due=Decimal(0), property_tax=Decimal(0)).sentences

        assert "Buying costs $19,262.16 more up front than returning, and you keep the car." in sentences
        assert "Buying today costs $34.64 less than buying on December 15, 2026." in sentences
        assert any(s.startswith("Returning the car: you would pay $1,256.59 after your $500.00") for s in sentences)
        assert any(
            s.startswith("Extending 30 days costs $446.40 in extension fees (30 × $14.88 a day)") for s in sentences
        )
        assert any("until March 15, 2027" in s for s in sentences)  # 90 days past December 15

    def test_extensions_are_capped_at_the_days_left(self, personas, today):
        lease = personas.lease
        Lease.objects.filter(pk=lease.pk).update(extended_days=150)
        lease.refresh_from_db()

        keys = [o.key for o in compare(lease=lease, today=today, past_due=Decimal(0), property_tax=Decimal(0)).options]

        assert keys == ["return", "buy_end", "buy_today", "extend_30"]

    def test_after_the_end_date_the_options_start_today(self, personas, settings):
        later = dt.date(2027, 1, 14)  # 30 days past the end date
        read(personas.lease, dt.date(2027, 1, 14), 43012)

        comparison = compare(lease=personas.lease, today=later, past_due=Decimal(0), property_tax=Decimal(0))

        assert [o.key for o in comparison.options] == ["return", "buy_end", "extend_30", "extend_90"]
        back = comparison.option("return").quote
        assert {line.code: line.amount for line in back.lines}["extension_fees"] == Decimal("446.40")

    def test_amounts_owed_are_included(self, personas, today):
        comparison = compare(
            lease=personas.lease, today=today, past_due=Decimal("100.00"), property_tax=Decimal("25.50")
        )
        amounts = {line.code: line.amount for line in comparison.option("buy_end").quote.lines}
        assert (amounts["past_due"], amounts["property_tax"]) == (Decimal("100.00"), Decimal("25.50"))


class TestMoneyText:
    @pytest.mark.parametrize(
        ("amount", "text"),
        [
            (Decimal("1723.13"), "$1,723.13"),
            (Decimal("0.00"), "$0.00"),
            (Decimal("-500.00"), "−$500.00"),
            ("1250.00", "$1,250.00"),
            (21018, "$21,018.00"),
            (Decimal("1234567.5"), "$1,234,567.50"),
        ],
    )
    def test_us_dollars(self, amount, text):
        assert usd(amount) == text

    def test_floats_are_refused(self):
        with pytest.raises(TypeError):
            usd(1723.13)


class TestBuyoutEvent:
    def test_the_event_carries_the_day_the_deposit_choice_and_what_the_account_owes(self, personas):
        day = dt.date(2026, 11, 30)
        event = buyout_event(
            personas.lease, day, apply_deposit=True, past_due=Decimal("12.00"), property_tax=Decimal("3.50")
        )
        assert event == engine.Buyout(
            date=day, apply_security_deposit=True, past_due=Decimal("12.00"), property_tax=Decimal("3.50")
        )

    def test_no_deposit_to_apply_without_one(self, personas):
        lease = personas.lease
        lease.security_deposit = Decimal("0")
        event = buyout_event(lease, END, apply_deposit=True, past_due=Decimal("0"), property_tax=Decimal("0"))
        assert event.apply_security_deposit is False

    def test_compare_buys_with_the_same_event(self, personas, today):
        comparison = compare(lease=personas.lease, today=today, past_due=Decimal("7.00"), property_tax=Decimal("0"))
        assert comparison.option("buy_today").event == buyout_event(
            personas.lease, today, apply_deposit=True, past_due=Decimal("7.00"), property_tax=Decimal("0")
        )
