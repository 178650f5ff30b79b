"""The quote engine against the contract: the worked example, the public cases, the refusals."""

import datetime as dt
import decimal
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from quotes.engine import (
    Buyout,
    EarlyTermination,
    Extension,
    LeaseTerms,
    Line,
    Quote,
    QuoteError,
    TurnIn,
    add_months,
    answer,
    compute_quote,
    money,
    parse_request,
    quote_to_json,
)

# A copy of shared/cases/quotes_public.jsonl lives beside this file so a clean clone runs every case;
# the shared file wins when it is there (it may have grown).
_SHARED_CASES = Path(__file__).resolve().parents[3] / "shared" / "cases" / "quotes_public.jsonl"
CASES_FILE = _SHARED_CASES if _SHARED_CASES.exists() else Path(__file__).with_name("quotes_public.jsonl")

# The worked example of LEASE_MATH.md.
EXAMPLE_TERMS: dict[str, Any] = {
    "start_date": "2023-03-15",
    "term_months": 36,
    "adjusted_cap_cost": "32500.00",
    "residual_value": "19500.00",
    "money_factor": "0.00125",
    "tax_rate": "0.0625",
    "start_odometer": 12,
    "annual_miles": 12000,
    "purchased_miles": 0,
    "excess_mile_rate": "0.25",
    "disposition_fee": "395",
    "purchase_option_fee": "300",
    "security_deposit": "500",
}
EXAMPLE_TURN_IN: dict[str, Any] = {"kind": "turn_in", "date": "2026-03-15", "odometer": 41012}


def example_terms(**changes: Any) -> LeaseTerms:
    terms, _ = parse_request({"terms": EXAMPLE_TERMS, "event": EXAMPLE_TURN_IN})
    return replace(terms, **changes)


def request(terms: dict[str, Any] | None = None, **event: Any) -> dict[str, Any]:
    return {"terms": {**EXAMPLE_TERMS, **(terms or {})}, "event": {**EXAMPLE_TURN_IN, **event}}


def amounts(quote: Quote) -> list[tuple[str, Decimal]]:
    return [(line.code, line.amount) for line in quote.lines]


# --- the worked example -----------------------------------------------------------------------


def test_worked_example_derived_figures() -> None:
    terms = example_terms()
    assert terms.depreciation == Decimal("361.11")
    assert terms.rent_charge == Decimal("65.00")
    assert terms.base_payment == Decimal("426.11")
    assert terms.monthly_tax == Decimal("26.63")
    assert terms.total_payment == Decimal("452.74")
    assert terms.maturity_date == dt.date(2026, 3, 15)
    assert terms.allowance_total == 36000
    assert terms.daily_extension_fee == Decimal("14.88")


def test_worked_example_turn_in_quote() -> None:
    quote = compute_quote(example_terms(), TurnIn(date=dt.date(2026, 3, 15), odometer=41012))
    assert amounts(quote) == [
        ("excess_mileage", Decimal("1250.00")),
        ("excess_wear", Decimal("0.00")),
        ("disposition_fee", Decimal("395.00")),
        ("extension_fees", Decimal("0.00")),
        ("past_due", Decimal("0.00")),
        ("property_tax", Decimal("0.00")),
        ("taxes", Decimal("78.13")),
        ("unused_mileage_refund", Decimal("0.00")),
    ]
    assert quote.total == Decimal("1723.13")
    assert quote.security_deposit == Decimal("500.00")
    assert quote.net_after_deposit == Decimal("1223.13")
    assert quote.derived["miles_driven"] == "41000"
    assert quote.derived["excess_miles"] == "5000"


def test_worked_example_through_json_matches_the_contract_shape() -> None:
    result = answer(request())
    assert list(result) == ["kind", "lines", "total", "security_deposit", "net_after_deposit", "derived"]
    assert result["lines"][0] == {
        "code": "excess_mileage",
        "label": "Excess mileage (5,000 mi at $0.25)",
        "amount": "1250.00",
    }
    assert (result["total"], result["security_deposit"], result["net_after_deposit"]) == (
        "1723.13",
        "500.00",
        "1223.13",
    )
    assert (
        result["derived"]
        | {
            "base_payment": "426.11",
            "monthly_tax": "26.63",
            "total_payment": "452.74",
            "maturity_date": "2026-03-15",
            "allowance_total": "36000",
            "daily_extension_fee": "14.88",
        }
        == result["derived"]
    )


def test_a_missing_date_means_the_maturity_date() -> None:
    without_date = {key: value for key, value in EXAMPLE_TURN_IN.items() if key != "date"}
    assert answer({"terms": EXAMPLE_TERMS, "event": without_date}) == answer(request())


# --- the public cases -------------------------------------------------------------------------


def public_cases() -> list[Any]:
    if not CASES_FILE.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no {CASES_FILE}"), id="no-cases-file")]
    lines = CASES_FILE.read_text().splitlines()
    cases = [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]
    return [
        pytest.param(case, id=f"{number:02}-{case['request']['event']['kind']}") for number, case in enumerate(cases, 1)
    ]


def comparable(result: dict[str, Any]) -> tuple[Any, ...]:
    lines = [(line["code"], line["amount"]) for line in result["lines"]]
    return result["kind"], lines, result["total"], result["security_deposit"], result["net_after_deposit"]


@pytest.mark.parametrize("case", public_cases())
def test_public_case(case: dict[str, Any]) -> None:
    if case["expect"] == "error":
        with pytest.raises(QuoteError):
            answer(case["request"])
        return
    result = answer(case["request"])
    # The contract allows a cent of solver noise on rate-dependent lines; this engine is exact.
    assert comparable(result) == comparable(case["expect"])
    assert result["derived"] | case["expect"]["derived"] == result["derived"]


# A few public cases restated here, so the rate-dependent math stays covered without shared/.
RATE_CASE_TERMS: dict[str, Any] = {
    "start_date": "2021-06-30",
    "term_months": 36,
    "adjusted_cap_cost": "77419.76",
    "residual_value": "46673.87",
    "money_factor": "0.00179",
    "tax_rate": "0.07",
    "start_odometer": 150,
    "annual_miles": 7500,
    "excess_mile_rate": "0.15",
    "disposition_fee": "495",
    "purchase_option_fee": "350",
    "early_termination_fee": "395",
    "security_deposit": "450",
}


def test_early_termination_charges_the_balance_left_after_the_sale() -> None:
    event = {"kind": "early_termination", "date": "2022-03-04", "odometer": 21863, "realized_value": "55949.85"}
    quote = compute_quote(*parse_request({"terms": RATE_CASE_TERMS, "event": event}))
    assert amounts(quote) == [
        ("remaining_balance", Decimal("13934.22")),
        ("early_termination_fee", Decimal("395.00")),
        ("disposition_fee", Decimal("495.00")),
        ("excess_mileage", Decimal("2495.70")),
        ("excess_wear", Decimal("0.00")),
        ("past_due", Decimal("0.00")),
        ("property_tax", Decimal("0.00")),
        ("taxes", Decimal("174.70")),
    ]
    assert quote.total == Decimal("17494.62")
    assert quote.net_after_deposit == Decimal("17044.62")
    assert quote.derived["adjusted_lease_balance"] == "69884.07"
    assert quote.derived["prorated_allowance"] == "5075"


def test_buyout_before_maturity_prices_the_vehicle_at_the_adjusted_lease_balance() -> None:
    terms = {
        **RATE_CASE_TERMS,
        "start_date": "2020-11-28",
        "adjusted_cap_cost": "35604.02",
        "residual_value": "14991.58",
        "money_factor": "0.00192",
        "tax_rate": "0.08875",
        "security_deposit": "500",
    }
    event = {"kind": "buyout", "date": "2021-04-14", "apply_security_deposit": False}
    quote = compute_quote(*parse_request({"terms": terms, "event": event}))
    assert amounts(quote)[0] == ("purchase_price", Decimal("32852.16"))
    assert amounts(quote)[-2:] == [("sales_tax", Decimal("2915.63")), ("security_deposit_applied", Decimal("0.00"))]
    assert quote.total == Decimal("36117.79")
    assert quote.net_after_deposit == Decimal("35617.79")


def test_buyout_with_the_deposit_applied_takes_it_off_the_total_and_not_again() -> None:
    event = {"kind": "buyout", "date": "2026-03-15", "apply_security_deposit": True}
    quote = compute_quote(*parse_request(request(**event)))
    assert amounts(quote) == [
        ("purchase_price", Decimal("19500.00")),
        ("purchase_option_fee", Decimal("300.00")),
        ("extension_fees", Decimal("0.00")),
        ("past_due", Decimal("0.00")),
        ("property_tax", Decimal("0.00")),
        ("sales_tax", Decimal("1218.75")),
        ("security_deposit_applied", Decimal("-500.00")),
    ]
    assert quote.total == Decimal("20518.75")
    assert quote.net_after_deposit == Decimal("20518.75")


def test_buyout_after_maturity_adds_extension_fees() -> None:
    quote = compute_quote(example_terms(), Buyout(date=dt.date(2026, 4, 14)))
    assert dict(amounts(quote))["extension_fees"] == Decimal("446.40")  # 30 days × 14.88
    assert quote.derived["days_extended"] == "30"


def test_extension_quote_is_days_times_the_daily_fee() -> None:
    quote = compute_quote(example_terms(), Extension(days=45, days_already_granted=30))
    assert amounts(quote) == [("extension_fees", Decimal("669.60"))]
    assert quote.net_after_deposit == quote.total == Decimal("669.60")
    assert quote.security_deposit == Decimal("500.00")
    assert quote.derived["extension_days_left"] == "105"


def test_turn_in_late_charges_each_day_past_maturity() -> None:
    quote = compute_quote(example_terms(), TurnIn(date=dt.date(2026, 3, 27), odometer=30000))
    assert dict(amounts(quote))["extension_fees"] == Decimal("178.56")  # 12 days × 14.88


def test_unused_purchased_miles_are_credited_up_to_the_miles_bought() -> None:
    terms = example_terms(purchased_miles=3000, purchased_mile_rate=Decimal("0.15"))  # allowance 39,000
    some_unused = compute_quote(terms, TurnIn(odometer=12 + 37000))
    all_unused = compute_quote(terms, TurnIn(odometer=12 + 10000))
    assert dict(amounts(some_unused))["unused_mileage_refund"] == Decimal("-300.00")
    assert dict(amounts(all_unused))["unused_mileage_refund"] == Decimal("-450.00")


def test_wear_waiver_absorbs_wear_charges_up_to_its_amount() -> None:
    terms = example_terms(wear_waiver=Decimal("500"))
    quote = compute_quote(terms, TurnIn(odometer=30000, wear_charges=Decimal("832.10")))
    assert dict(amounts(quote))["excess_wear"] == Decimal("332.10")
    assert dict(amounts(quote))["taxes"] == Decimal("20.76")  # 6.25 % of 332.10 = 20.75625


# --- the implicit rate and the adjusted lease balance -----------------------------------------


def test_implicit_rate_solves_the_present_value_equation() -> None:
    terms = example_terms()
    rate, n = terms.implicit_rate, terms.term_months
    with decimal.localcontext() as context:
        context.prec = 50
        v = 1 / (1 + rate)
        present_value = terms.base_payment * sum(v**t for t in range(n)) + terms.residual_value * v**n
    assert abs(present_value - terms.adjusted_cap_cost) < Decimal("1e-20")


def test_balance_after_matches_the_contract_recursion() -> None:
    terms = example_terms()
    balance = terms.adjusted_cap_cost - terms.base_payment
    for k in range(1, terms.term_months + 1):
        assert abs(terms.balance_after(k) - balance) < Decimal("1e-20")
        balance = balance * (1 + terms.implicit_rate) - terms.base_payment


def test_adjusted_lease_balance_runs_from_the_first_balance_to_the_residual() -> None:
    terms = example_terms()
    assert terms.adjusted_lease_balance(terms.start_date) == Decimal("32073.89")  # C − P
    assert terms.adjusted_lease_balance(terms.maturity_date) == Decimal("19500.00")
    assert money(terms.balance_after(36) * (1 + terms.implicit_rate)) == Decimal("19500.00")


def test_a_clamped_february_does_not_pull_later_due_dates_back() -> None:
    terms = example_terms(start_date=dt.date(2024, 1, 31), term_months=3)
    assert [terms.due_date(k) for k in (1, 2, 3, 4)] == [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
        dt.date(2024, 4, 30),
    ]


def test_prorated_allowance_counts_days_from_the_start() -> None:
    terms = example_terms(purchased_miles=1000)
    assert terms.prorated_allowance(dt.date(2024, 3, 14)) == 12000 * 365 // 365 + 1000
    assert terms.prorated_allowance(dt.date(2023, 9, 1)) == 12000 * 170 // 365 + 1000


def test_quote_ignores_the_callers_decimal_context() -> None:
    expected = compute_quote(
        example_terms(), EarlyTermination(date=dt.date(2024, 7, 1), odometer=20000, realized_value=Decimal("24000.00"))
    )
    with decimal.localcontext() as context:
        context.prec = 6
        context.rounding = decimal.ROUND_DOWN
        again = compute_quote(
            example_terms(),
            EarlyTermination(date=dt.date(2024, 7, 1), odometer=20000, realized_value=Decimal("24000.00")),
        )
    assert again == expected


# --- money and dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.005"), Decimal("1.01")),
        (Decimal("-1.005"), Decimal("-1.01")),
        (Decimal("2.004999"), Decimal("2.00")),
        ("78.125", Decimal("78.13")),
        (7, Decimal("7.00")),
        (Decimal("-0.004"), Decimal("0.00")),
    ],
)
def test_money_rounds_half_up_to_cents(value: Any, expected: Decimal) -> None:
    assert money(value) == expected
    assert str(money(value)) == str(expected)


def test_money_never_returns_negative_zero() -> None:
    assert str(money(Decimal("-0.001"))) == "0.00"
    assert str(money(Decimal("-0"))) == "0.00"


def test_money_refuses_floats() -> None:
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2023, 3, 15), 36, dt.date(2026, 3, 15)),
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2023, 3, 31), -1, dt.date(2023, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "event", "message"),
    [
        ({}, {"date": "2026-03-14"}, "before the maturity date"),
        ({}, {"odometer": 11}, "below the start odometer"),
        ({}, {"date": "2026-09-12"}, "181 days past the maturity date"),
        ({}, {"odometer": -5}, "odometer cannot be negative"),
        ({}, {"odometer": 41012.5}, "odometer must be a whole number"),
        ({}, {"odometer": True}, "odometer must be a whole number"),
        ({}, {"odometer": None}, "odometer is missing"),
        ({}, {"wear_charges": "-10"}, "wear_charges cannot be negative"),
        ({}, {"past_due": "12.345"}, "past_due 12.345 is not a whole number of cents"),
        ({}, {"date": "2026-02-30"}, "is not a real date"),
        ({}, {"date": "15/03/2026"}, "date must be a date like"),
        ({}, {"kind": "lease_swap"}, "event kind must be one of"),
        ({}, {"mileage": 5}, "unknown field in event"),
        ({"adjusted_cap_cost": None}, {}, "adjusted_cap_cost is missing from terms"),
        ({"adjusted_cap_cost": "NaN"}, {}, "adjusted_cap_cost must be a number"),
        ({"adjusted_cap_cost": "Infinity"}, {}, "adjusted_cap_cost must be a number"),
        ({"adjusted_cap_cost": Decimal("1E+400")}, {}, "too large"),
        ({"adjusted_cap_cost": float("inf")}, {}, "adjusted_cap_cost must be a number"),
        ({"adjusted_cap_cost": "$32,500"}, {}, "adjusted_cap_cost must be a number"),
        ({"disposition_fee": False}, {}, "disposition_fee must be a number"),
        ({"disposition_fee": "-395"}, {}, "disposition_fee cannot be negative"),
        ({"term_months": 0}, {}, "term_months must be 1 to 120"),
        ({"term_months": 121}, {}, "term_months must be 1 to 120"),
        ({"residual_value": "0"}, {}, "residual_value must be more than 0"),
        ({"residual_value": "32500.01"}, {}, "more than the adjusted_cap_cost"),
        ({"money_factor": "-0.0001"}, {}, "money_factor cannot be negative"),
        ({"money_factor": "0.05"}, {}, "money_factor 0.05 is not plausible"),
        ({"money_factor": "0"}, {}, "do not cover the adjusted cap cost"),
        ({"tax_rate": "6.25"}, {}, "tax_rate 6.25 must be a fraction below 1"),
        ({"annual_miles": 0}, {}, "annual_miles must be more than 0"),
        ({"start_date": "2023-3-15"}, {}, "start_date must be a date like"),
        ({"start_date": "9999-06-01"}, {}, "leaves no room for the term"),
        ({"term_months": 1, "residual_value": "1.00"}, {}, "not less than the adjusted cap cost"),
        ({"residual": "19500"}, {}, "unknown field in terms"),
    ],
)
def test_nonsense_is_refused_with_one_line_naming_the_problem(
    terms: dict[str, Any], event: dict[str, Any], message: str
) -> None:
    with pytest.raises(QuoteError) as refusal:
        answer(request(terms, **event))
    assert message in str(refusal.value)
    assert "\n" not in str(refusal.value)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"kind": "early_termination", "odometer": 100, "realized_value": "1"}, "needs a date before"),
        ({"kind": "early_termination", "date": "2026-03-15", "odometer": 100, "realized_value": "1"}, "before the"),
        ({"kind": "early_termination", "date": "2023-03-14", "odometer": 100, "realized_value": "1"}, "on or after"),
        ({"kind": "early_termination", "date": "2024-03-14", "odometer": 100}, "realized_value is missing"),
        ({"kind": "buyout", "date": "2023-03-14"}, "before the lease start date"),
        ({"kind": "buyout", "date": "2026-10-01"}, "days past the maturity date"),
        ({"kind": "buyout", "apply_security_deposit": "yes"}, "must be true or false"),
        ({"kind": "extension", "days": 0}, "days must be more than 0"),
        ({"kind": "extension", "days": 181}, "passes the 180-day extension limit"),
        ({"kind": "extension", "days": 100, "days_already_granted": 81}, "passes the 180-day extension limit"),
        ({"kind": "extension"}, "days is missing"),
    ],
)
def test_events_outside_their_range_are_refused(event: dict[str, Any], message: str) -> None:
    with pytest.raises(QuoteError, match=message):
        answer({"terms": EXAMPLE_TERMS, "event": event})


@pytest.mark.parametrize(
    "bad_request",
    [[], "turn_in", {"terms": EXAMPLE_TERMS}, {"event": EXAMPLE_TURN_IN}, {**request(), "id": 7}],
)
def test_a_request_must_be_an_object_with_terms_and_event(bad_request: Any) -> None:
    with pytest.raises(QuoteError):
        answer(bad_request)


def test_terms_refuse_floats_and_accept_int_amounts() -> None:
    assert example_terms(disposition_fee=395).disposition_fee == Decimal("395")
    with pytest.raises(QuoteError, match="disposition_fee must be a Decimal amount, not float"):
        example_terms(disposition_fee=395.0)


def test_parse_request_reads_json_numbers_exactly() -> None:
    as_numbers = request({"excess_mile_rate": 0.25, "adjusted_cap_cost": Decimal("32500.00"), "term_months": 36.0})
    assert answer(as_numbers) == answer(request())


def test_fields_of_another_kind_are_ignored() -> None:
    buyout = {"kind": "buyout", "date": "2026-03-15"}
    assert answer({"terms": EXAMPLE_TERMS, "event": {**buyout, "odometer": 50000}}) == answer(
        {"terms": EXAMPLE_TERMS, "event": buyout}
    )


# --- lines, labels and the quote itself -------------------------------------------------------


def test_every_line_of_a_kind_is_present_even_when_zero() -> None:
    quote = compute_quote(example_terms(), TurnIn(odometer=12))
    assert [line.code for line in quote.lines] == [
        "excess_mileage",
        "excess_wear",
        "disposition_fee",
        "extension_fees",
        "past_due",
        "property_tax",
        "taxes",
        "unused_mileage_refund",
    ]


def test_lines_carry_a_label_and_a_rule_with_the_lessees_numbers() -> None:
    quote = compute_quote(example_terms(), TurnIn(date=dt.date(2026, 3, 27), odometer=41012))
    lines = {line.code: line for line in quote.lines}
    assert lines["excess_mileage"].label == "Excess mileage (5,000 mi at $0.25)"
    assert lines["excess_mileage"].rule == "5,000 miles over your 36,000-mile allowance × $0.25 a mile"
    assert lines["extension_fees"].label == "Extension fees (12 days at $14.88)"
    assert "12 days past your March 15, 2026 end date × $14.88 a day" in lines["extension_fees"].rule
    assert lines["taxes"].label == "Tax on charges (6.25%)"
    assert lines["taxes"].rule == "6.25% tax on $1,250.00 of excess mileage and wear charges"


def test_early_termination_mileage_rule_explains_the_prorated_allowance() -> None:
    event = EarlyTermination(date=dt.date(2024, 3, 14), odometer=20012, realized_value=Decimal("30000"))
    line = compute_quote(example_terms(), event).lines[3]
    assert line.code == "excess_mileage"
    assert line.rule == (
        "8,000 miles over the 12,000-mile allowance earned by March 14, 2024 "
        "(365 days at 12,000 miles a year) × $0.25 a mile"
    )
    assert line.amount == Decimal("2000.00")


def test_no_amount_is_ever_negative_zero() -> None:
    zero_deposit = request({"security_deposit": "0"}, kind="buyout", apply_security_deposit=True)
    result = answer(zero_deposit)
    shown = [line["amount"] for line in result["lines"]] + [result["total"], result["net_after_deposit"]]
    assert "-0.00" not in shown
    assert result["lines"][-1]["amount"] == "0.00"


def test_a_quote_whose_total_is_not_the_sum_of_its_lines_cannot_be_built() -> None:
    lines = (Line("past_due", "Past-due amounts", Decimal("10.00"), "Owed"),)
    with pytest.raises(ValueError, match="not the sum of its lines"):
        Quote("turn_in", lines, Decimal("10.01"), Decimal("0.00"), Decimal("10.01"), {})


def test_quote_to_json_shows_amounts_as_two_decimal_strings() -> None:
    quote = compute_quote(example_terms(), Extension(days=1))
    assert quote_to_json(quote)["lines"] == [
        {"code": "extension_fees", "label": "Extension fees (1 day at $14.88)", "amount": "14.88"}
    ]


class TestMissingEquipment:
    """Our extension of the contract: equipment not returned is a taxable line of its own, present
    only when there is some, so requests without it answer exactly as LEASE_MATH.md says."""

    def test_a_turn_in_with_missing_equipment_charges_it_and_taxes_it(self):
        quote = compute_quote(example_terms(), TurnIn(odometer=41_012, missing_equipment=Decimal("300.00")))
        amounts = {line.code: line.amount for line in quote.lines}
        codes = [line.code for line in quote.lines]
        assert codes.index("missing_equipment") == codes.index("excess_wear") + 1
        assert amounts["missing_equipment"] == Decimal("300.00")
        assert amounts["taxes"] == Decimal("96.88")  # 6.25% of 1,250.00 + 300.00 = 96.875
        assert quote.total == Decimal("1723.13") - Decimal("78.13") + Decimal("300.00") + Decimal("96.88")

    def test_no_line_without_missing_equipment(self):
        quote = compute_quote(example_terms(), TurnIn(odometer=41_012))
        assert "missing_equipment" not in [line.code for line in quote.lines]
        assert quote.total == Decimal("1723.13")

    def test_an_early_termination_charges_it_too(self):
        event = EarlyTermination(
            date=dt.date(2025, 3, 15),
            odometer=20_000,
            realized_value=Decimal("22000"),
            missing_equipment=Decimal("150"),
        )
        quote = compute_quote(example_terms(), event)
        amounts = {line.code: line.amount for line in quote.lines}
        assert amounts["missing_equipment"] == Decimal("150.00")
        assert amounts["taxes"] == Decimal("9.38")  # 6.25% of 150.00 (no excess miles, no wear)
