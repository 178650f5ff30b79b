"""Properties of the quote engine that must hold for every lease, checked on generated ones."""

import datetime as dt
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quotes.engine import (
    Buyout,
    EarlyTermination,
    Extension,
    LeaseTerms,
    QuoteError,
    TurnIn,
    answer,
    compute_quote,
    money,
    quote_to_json,
)

# Enough examples to find edge cases, few enough that the engine's files test in seconds.
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda amount: Decimal(amount).scaleb(-2))


@st.composite
def lease_terms(draw: st.DrawFn) -> LeaseTerms:
    """Leases within the range real ones take; every one of them must be accepted."""
    cap_cents = draw(st.integers(5_000_00, 150_000_00))
    residual_percent = draw(st.integers(20, 90))
    return LeaseTerms(
        start_date=draw(st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31))),
        term_months=draw(st.integers(1, 120)),
        adjusted_cap_cost=Decimal(cap_cents).scaleb(-2),
        residual_value=Decimal(cap_cents * residual_percent // 100).scaleb(-2),
        money_factor=Decimal(draw(st.integers(1, 400))).scaleb(-5),
        tax_rate=Decimal(draw(st.integers(0, 1200))).scaleb(-4),
        start_odometer=draw(st.integers(0, 5000)),
        annual_miles=draw(st.sampled_from([7500, 10000, 12000, 15000, 18000])),
        purchased_miles=draw(st.sampled_from([0, 3000, 5000, 7500])),
        purchased_mile_rate=draw(cents(0, 30)),
        excess_mile_rate=draw(cents(0, 50)),
        disposition_fee=draw(cents(0, 600_00)),
        purchase_option_fee=draw(cents(0, 400_00)),
        early_termination_fee=draw(cents(0, 500_00)),
        security_deposit=draw(cents(0, 1000_00)),
        wear_waiver=draw(cents(0, 1000_00)),
        max_extension_days=draw(st.integers(0, 365)),
    )


def days_after(draw: st.DrawFn, day: dt.date, low: int, high: int) -> dt.date:
    return day + dt.timedelta(days=draw(st.integers(low, high)))


@st.composite
def lease_and_event(draw: st.DrawFn) -> tuple[LeaseTerms, Any]:
    terms = draw(lease_terms())
    kind = draw(st.sampled_from(["turn_in", "early_termination", "buyout", "extension"]))
    odometer = terms.start_odometer + draw(st.integers(0, 250_000))
    owed = {"past_due": draw(cents(0, 2000_00)), "property_tax": draw(cents(0, 1000_00))}
    lease_days = (terms.maturity_date - terms.start_date).days
    if kind == "turn_in":
        day = days_after(draw, terms.maturity_date, 0, terms.max_extension_days)
        return terms, TurnIn(date=day, odometer=odometer, wear_charges=draw(cents(0, 5000_00)), **owed)
    if kind == "early_termination":
        day = days_after(draw, terms.start_date, 0, lease_days - 1)
        value = draw(cents(0, 200_000_00))
        return terms, EarlyTermination(
            date=day, odometer=odometer, realized_value=value, wear_charges=draw(cents(0, 5000_00)), **owed
        )
    if kind == "buyout":
        day = days_after(draw, terms.start_date, 0, lease_days + terms.max_extension_days)
        return terms, Buyout(date=day, apply_security_deposit=draw(st.booleans()), **owed)
    assume(terms.max_extension_days > 0)
    granted = draw(st.integers(0, terms.max_extension_days - 1))
    return terms, Extension(days=draw(st.integers(1, terms.max_extension_days - granted)), days_already_granted=granted)


@PROPERTY
@given(lease_and_event())
def test_total_is_the_sum_of_the_lines(lease: tuple[LeaseTerms, Any]) -> None:
    quote = compute_quote(*lease)
    assert quote.total == sum(line.amount for line in quote.lines)
    assert all(line.amount == money(line.amount) for line in quote.lines)
    shown = quote_to_json(quote)
    assert "-0.00" not in json.dumps(shown)


@PROPERTY
@given(lease_and_event())
def test_net_after_deposit_keeps_back_the_deposit_unless_it_was_spent(lease: tuple[LeaseTerms, Any]) -> None:
    terms, event = lease
    quote = compute_quote(terms, event)
    if isinstance(event, Extension) or (isinstance(event, Buyout) and event.apply_security_deposit):
        assert quote.net_after_deposit == quote.total
    else:
        assert quote.net_after_deposit == quote.total - terms.security_deposit


@PROPERTY
@given(lease_terms(), st.integers(0, 200_000), st.integers(0, 50_000), st.data())
def test_more_miles_never_lowers_any_turn_in_line(
    terms: LeaseTerms, miles: int, more: int, data: st.DataObject
) -> None:
    day = data.draw(st.integers(0, terms.max_extension_days).map(lambda n: terms.maturity_date + dt.timedelta(n)))
    fewer = compute_quote(terms, TurnIn(date=day, odometer=terms.start_odometer + miles))
    further = compute_quote(terms, TurnIn(date=day, odometer=terms.start_odometer + miles + more))
    for low, high in zip(fewer.lines, further.lines, strict=True):
        assert high.amount >= low.amount, low.code
    assert further.total >= fewer.total


@PROPERTY
@given(lease_terms())
def test_adjusted_lease_balance_falls_at_every_due_date_and_ends_at_the_residual(terms: LeaseTerms) -> None:
    # Payments are in advance, so interest accrues on the last balance until maturity: the ALB
    # falls at each due date and then rises, within the final month, to exactly the residual.
    balances = [terms.adjusted_lease_balance(terms.due_date(k)) for k in range(1, terms.term_months + 1)]
    assert all(later < earlier for earlier, later in itertools.pairwise(balances))
    assert terms.adjusted_lease_balance(terms.maturity_date) == terms.residual_value
    final = money(terms.balance_after(terms.term_months) * (1 + terms.implicit_rate))
    assert abs(final - terms.residual_value) <= Decimal("0.01")


@PROPERTY
@given(lease_terms(), st.data())
def test_extension_fees_are_linear_in_days_up_to_the_limit(terms: LeaseTerms, data: st.DataObject) -> None:
    limit = terms.max_extension_days
    granted = data.draw(st.integers(0, limit))
    if granted < limit:
        days = data.draw(st.integers(1, limit - granted))
        quote = compute_quote(terms, Extension(days=days, days_already_granted=granted))
        assert quote.total == days * terms.daily_extension_fee
    with pytest.raises(QuoteError, match="extension limit"):
        compute_quote(terms, Extension(days=limit - granted + 1, days_already_granted=granted))


# --- invalid input ----------------------------------------------------------------------------

VALID_REQUEST: dict[str, Any] = {
    "terms": {
        "start_date": "2023-03-15",
        "term_months": 36,
        "adjusted_cap_cost": "32500.00",
        "residual_value": "19500.00",
        "money_factor": "0.00125",
        "tax_rate": "0.0625",
        "start_odometer": 12,
        "annual_miles": 12000,
        "purchased_miles": 3000,
        "purchased_mile_rate": "0.15",
        "excess_mile_rate": "0.25",
        "disposition_fee": "395",
        "purchase_option_fee": "300",
        "early_termination_fee": "200",
        "security_deposit": "500",
        "wear_waiver": "500",
        "max_extension_days": 180,
    },
    "event": {
        "kind": "early_termination",
        "date": "2025-01-10",
        "odometer": 30000,
        "realized_value": "21000",
        "wear_charges": "700",
        "past_due": "0",
        "property_tax": "0",
    },
}
AMOUNTS = [
    "adjusted_cap_cost",
    "residual_value",
    "disposition_fee",
    "purchase_option_fee",
    "security_deposit",
    "wear_waiver",
    "excess_mile_rate",
    "money_factor",
]
NONSENSE = st.one_of(
    st.sampled_from(["NaN", "-Infinity", "1e400", "-1e400", "abc", "", "1,000", "0x10", True, False, [], {}]),
    st.decimals(max_value=Decimal("-0.01"), allow_nan=False, allow_infinity=False, places=2),
    st.floats(allow_nan=True, allow_infinity=True).filter(
        lambda number: number != number or abs(number) == float("inf")
    ),
)


def with_change(part: str, name: str, value: Any) -> dict[str, Any]:
    return {**VALID_REQUEST, part: {**VALID_REQUEST[part], name: value}}


def test_the_base_request_for_the_invalid_input_properties_is_valid() -> None:
    assert answer(VALID_REQUEST)["kind"] == "early_termination"


@PROPERTY
@given(st.sampled_from(AMOUNTS), NONSENSE)
def test_a_nonsense_amount_is_refused(name: str, value: Any) -> None:
    with pytest.raises(QuoteError):
        answer(with_change("terms", name, value))


@PROPERTY
@given(
    st.sampled_from([("terms", "term_months"), ("terms", "start_odometer"), ("event", "odometer")]),
    st.one_of(st.integers(max_value=-1), st.integers(min_value=10**9), st.sampled_from([1.5, "12a", True, None])),
)
def test_a_nonsense_count_is_refused(where: tuple[str, str], value: Any) -> None:
    with pytest.raises(QuoteError):
        answer(with_change(*where, value))


@PROPERTY
@given(st.dates(dt.date(1990, 1, 1), dt.date(2060, 1, 1)))
def test_an_early_termination_date_outside_the_lease_is_refused(day: dt.date) -> None:
    outside = not dt.date(2023, 3, 15) <= day < dt.date(2026, 3, 15)
    request = with_change("event", "date", day.isoformat())
    if outside:
        with pytest.raises(QuoteError):
            answer(request)
    else:
        assert answer(request)["kind"] == "early_termination"


@PROPERTY
@given(st.integers(0, 30_000 - 12 - 1))
def test_an_odometer_below_the_start_reading_is_refused(below: int) -> None:
    terms = {**VALID_REQUEST["terms"], "start_odometer": 30_000}
    with pytest.raises(QuoteError, match="below the start odometer"):
        answer({"terms": terms, "event": {**VALID_REQUEST["event"], "odometer": below}})


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.decimals(allow_nan=False, places=3),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@PROPERTY
@given(
    st.dictionaries(st.sampled_from(sorted(VALID_REQUEST["terms"])), JSON_VALUES, max_size=5),
    st.dictionaries(st.sampled_from(["kind", "date", "odometer", "realized_value", "days"]), JSON_VALUES, max_size=3),
)
def test_random_input_gives_an_answer_or_a_quote_error_and_nothing_else(terms: dict, event: dict) -> None:
    request = {"terms": {**VALID_REQUEST["terms"], **terms}, "event": {**VALID_REQUEST["event"], **event}}
    try:
        result = answer(request)
    except QuoteError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert Decimal(result["total"]) == sum(Decimal(line["amount"]) for line in result["lines"])
