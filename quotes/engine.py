"""Lease-end quote engine: the arithmetic of shared/LEASE_MATH.md, to the cent.

Pure Python on purpose: no Django, no database, no clock. Frozen dataclasses come in
(`LeaseTerms` and one event), an itemized `Quote` comes out. Anything that makes no sense is
refused with a `QuoteError` whose text is one plain line naming the problem, never guessed.

`python -m quotes.engine` answers one JSON request from standard input; `--jsonl` answers one
request a line. Both exit 2 with one line on standard error when the input is unusable.
"""

import calendar
import datetime as dt
import io
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, field, fields
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from functools import cache, cached_property, lru_cache, wraps
from typing import Any, ClassVar, TextIO

__all__ = [
    "Buyout",
    "EarlyTermination",
    "Extension",
    "LeaseTerms",
    "Line",
    "Quote",
    "QuoteError",
    "TurnIn",
    "add_months",
    "allowance_total",
    "answer",
    "compute_quote",
    "long_date",
    "money",
    "parse_request",
    "prorated_allowance",
    "quote_to_json",
    "usd",
]

ZERO = Decimal("0")
ONE = Decimal("1")
CENT = Decimal("0.01")

# Our own contexts, so a caller that changes the thread's decimal context cannot change a quote.
_MATH = Context(prec=40, rounding=ROUND_HALF_EVEN)
# The rate solver works with 60 digits: its closed forms subtract nearly equal numbers when
# the rate is tiny, and the extra digits keep the result good to far beyond the 12 we need.
_SOLVER = Context(prec=60, rounding=ROUND_HALF_EVEN)
_SOLVER_TOLERANCE = Decimal("1e-45")

# Ceilings that no vehicle lease comes near; they keep absurd input (1e400) out of the math.
MAX_AMOUNT = Decimal("100000000")
MAX_COUNT = 100_000_000
MAX_TERM_MONTHS = 120
# 0.05 is an APR of 120 %: a money factor at or above it is a typo, not a lease.
MAX_MONEY_FACTOR = Decimal("0.05")


class QuoteError(ValueError):
    """Input that cannot be quoted; str() is one plain line naming the problem."""


# --- money and dates -------------------------------------------------------------------------


def money(value: Decimal | int | str) -> Decimal:
    """Round to cents, half up: the one rounding function for every amount in a quote."""
    if type(value) is not Decimal:
        value = _decimal_for_money(value)
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP, context=_MATH)
    # -0.001 rounds to -0.00, which must never reach a lessee's quote.
    return rounded if rounded else abs(rounded)


def _decimal_for_money(value: object) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money() takes Decimal, int or str, never float")
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"money() takes Decimal, int or str, not {type(value).__name__}")
    try:
        return Decimal(value)
    except ArithmeticError:
        raise ValueError(f"not an amount: {value!r}") from None


def allowance_total(*, annual_miles: int, term_months: int, purchased_miles: int) -> int:
    """The whole lease's mileage allowance: the yearly miles for the term, plus purchased miles."""
    return annual_miles * term_months // 12 + purchased_miles


def prorated_allowance(*, annual_miles: int, days: int, purchased_miles: int) -> int:
    """The allowance earned in ``days`` from the start (an early return's), plus purchased miles."""
    return annual_miles * days // 365 + purchased_miles


def add_months(start: dt.date, months: int) -> dt.date:
    """start + months calendar months, the day clamped to the end of a shorter month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(f"{start.isoformat()} + {months} months is out of the calendar")
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))


def _exact[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Run a computation in the engine's own 40-digit decimal context."""

    @wraps(function)
    def in_context(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(_MATH):
            return function(*args, **kwargs)

    return in_context


# --- field checks shared by terms and events --------------------------------------------------

_RATE = {"rate": True}  # a field's metadata: a price per unit, so more than two decimals is fine


def _checked_decimal(name: str, value: object, *, rate: bool) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise QuoteError(f"{name} must be a Decimal amount, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise QuoteError(f"{name} must be a finite number, not {number}")
    if number < 0:
        raise QuoteError(f"{name} cannot be negative ({number})")
    if number > MAX_AMOUNT:
        raise QuoteError(f"{name} {number} is too large for a vehicle lease")
    if not rate and number != number.quantize(CENT, context=_MATH):
        raise QuoteError(f"{name} {number} is not a whole number of cents")
    return abs(number) if number.is_zero() else number  # "-0" becomes 0


def _checked_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise QuoteError(f"{name} must be a whole number, not {type(value).__name__}")
    if value < 0:
        raise QuoteError(f"{name} cannot be negative ({value})")
    if value > MAX_COUNT:
        raise QuoteError(f"{name} {value:,} is too large")
    return value


def _checked_date(name: str, value: object, *, optional: bool) -> dt.date | None:
    if value is None and optional:
        return None
    # datetime is a date subclass, but a time of day would make day counts ambiguous.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise QuoteError(f"{name} must be a date, not {type(value).__name__}")
    return value


@cache
def _specs(cls: type) -> tuple[Field[Any], ...]:
    # dataclasses.fields() rebuilds its tuple on every call; quotes are built by the thousand.
    return fields(cls)


def _check_fields(record: object) -> None:
    """Type-check every field of a frozen dataclass, storing ints given for amounts as Decimals."""
    for spec in _specs(type(record)):
        value = getattr(record, spec.name)
        if spec.type is Decimal:
            value = _checked_decimal(spec.name, value, rate=spec.metadata.get("rate", False))
        elif spec.type is bool:
            if not isinstance(value, bool):
                raise QuoteError(f"{spec.name} must be true or false")
        elif spec.type is int:
            value = _checked_count(spec.name, value)
        else:  # the dates
            value = _checked_date(spec.name, value, optional=spec.default is None)
        object.__setattr__(record, spec.name, value)


# --- lease terms ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LeaseTerms:
    """The lease as signed. Refuses to exist when its numbers make no sense."""

    start_date: dt.date
    term_months: int
    adjusted_cap_cost: Decimal
    residual_value: Decimal
    money_factor: Decimal = field(metadata=_RATE)
    tax_rate: Decimal = field(metadata=_RATE)
    start_odometer: int
    annual_miles: int
    purchased_miles: int = 0
    purchased_mile_rate: Decimal = field(default=ZERO, metadata=_RATE)
    excess_mile_rate: Decimal = field(metadata=_RATE)
    disposition_fee: Decimal
    purchase_option_fee: Decimal
    early_termination_fee: Decimal = ZERO
    security_deposit: Decimal = ZERO
    wear_waiver: Decimal = ZERO
    max_extension_days: int = 180

    def __post_init__(self) -> None:
        _check_fields(self)
        if not 1 <= self.term_months <= MAX_TERM_MONTHS:
            raise QuoteError(f"term_months must be 1 to {MAX_TERM_MONTHS}, not {self.term_months}")
        if self.adjusted_cap_cost <= 0:
            raise QuoteError("adjusted_cap_cost must be more than 0")
        if self.residual_value <= 0:
            raise QuoteError("residual_value must be more than 0")
        if self.residual_value > self.adjusted_cap_cost:
            raise QuoteError(
                f"residual_value {self.residual_value} is more than the adjusted_cap_cost {self.adjusted_cap_cost}"
            )
        if self.money_factor >= MAX_MONEY_FACTOR:
            raise QuoteError(f"money_factor {self.money_factor} is not plausible (0.00125 is about 3% APR)")
        if self.tax_rate >= 1:
            raise QuoteError(f"tax_rate {self.tax_rate} must be a fraction below 1 (0.0625 for 6.25%)")
        if self.annual_miles <= 0:
            raise QuoteError("annual_miles must be more than 0")
        try:
            self.maturity_date  # noqa: B018 - computed now so a date off the calendar fails here
        except OverflowError:
            raise QuoteError(f"start_date {self.start_date} leaves no room for the term") from None
        self._check_payments_cover_cost()

    @_exact
    def _check_payments_cover_cost(self) -> None:
        # The implicit rate exists only when the payments and residual pay back more than the
        # cap cost, and when the first payment, due at signing, does not pay it off on its own.
        cap, payment, n = self.adjusted_cap_cost, self.base_payment, self.term_months
        if payment * n + self.residual_value <= cap:
            raise QuoteError(
                f"{n} payments of {usd(payment)} and the residual value {usd(self.residual_value)} "
                f"do not cover the adjusted cap cost {usd(cap)}"
            )
        if payment >= cap:
            raise QuoteError(f"the base payment {usd(payment)} is not less than the adjusted cap cost {usd(cap)}")

    # Figures fixed at signing. cached_property writes straight into the instance __dict__,
    # so it works on a frozen dataclass and each figure is computed once per lease.

    @cached_property
    @_exact
    def depreciation(self) -> Decimal:
        return money((self.adjusted_cap_cost - self.residual_value) / self.term_months)

    @cached_property
    @_exact
    def rent_charge(self) -> Decimal:
        return money((self.adjusted_cap_cost + self.residual_value) * self.money_factor)

    @cached_property
    def base_payment(self) -> Decimal:
        return self.depreciation + self.rent_charge

    @cached_property
    @_exact
    def monthly_tax(self) -> Decimal:
        return money(self.base_payment * self.tax_rate)

    @cached_property
    def total_payment(self) -> Decimal:
        return self.base_payment + self.monthly_tax

    @cached_property
    def maturity_date(self) -> dt.date:
        return self.due_date(self.term_months + 1)

    @cached_property
    def allowance_total(self) -> int:
        return allowance_total(
            annual_miles=self.annual_miles, term_months=self.term_months, purchased_miles=self.purchased_miles
        )

    @cached_property
    @_exact
    def daily_extension_fee(self) -> Decimal:
        return money(self.total_payment * 12 / 365)

    @cached_property
    def implicit_rate(self) -> Decimal:
        """Monthly constant-yield rate i; leases with equal figures share one solve."""
        return _solve_implicit_rate(self.adjusted_cap_cost, self.base_payment, self.residual_value, self.term_months)

    @cached_property
    def derived(self) -> tuple[tuple[str, str], ...]:
        """The lease-wide figures every quote shows, as text (a tuple: a cached dict could be changed)."""
        return (
            ("base_payment", _cents(self.base_payment)),
            ("monthly_tax", _cents(self.monthly_tax)),
            ("total_payment", _cents(self.total_payment)),
            ("maturity_date", self.maturity_date.isoformat()),
            ("allowance_total", str(self.allowance_total)),
            ("daily_extension_fee", _cents(self.daily_extension_fee)),
        )

    def due_date(self, k: int) -> dt.date:
        """Date payment k is due (k = n + 1 is the maturity date); always counted from the start
        so that a clamped February does not pull later due dates back."""
        if not 1 <= k <= self.term_months + 1:
            raise QuoteError(f"payment number {k} is outside 1 to {self.term_months + 1}")
        return add_months(self.start_date, k - 1)

    @_exact
    def balance_after(self, k: int) -> Decimal:
        """B(k), the unrounded balance after k payments, k = 1..n.

        The contract's B(1) = C − P, B(k) = B(k−1)(1 + i) − P, summed as a geometric series:
        B(k) = (C − P)(1 + i)^(k−1) − P((1 + i)^(k−1) − 1) / i. One power instead of k steps
        (tests hold it to the recursion); unrounded, as only the ALB built on it is money.
        """
        if not 1 <= k <= self.term_months:
            raise QuoteError(f"payment number {k} is outside 1 to {self.term_months}")
        rate, payment = self.implicit_rate, self.base_payment
        growth = (ONE + rate) ** (k - 1)
        return (self.adjusted_cap_cost - payment) * growth - payment * (growth - ONE) / rate

    @_exact
    def adjusted_lease_balance(self, day: dt.date) -> Decimal:
        """ALB on a day from the start to maturity: B(k) grown for the part of period k elapsed."""
        if day == self.maturity_date:
            return money(self.residual_value)
        if not self.start_date <= day < self.maturity_date:
            raise QuoteError(f"{day} is outside the lease ({self.start_date} to {self.maturity_date})")
        k = self._payments_due_by(day)
        period_start, period_end = self.due_date(k), self.due_date(k + 1)
        fraction = Decimal((day - period_start).days) / Decimal((period_end - period_start).days)
        return money(self.balance_after(k) * (ONE + self.implicit_rate * fraction))

    def prorated_allowance(self, day: dt.date) -> int:
        """Allowance earned from the start to day (for an early return), plus purchased miles."""
        days = (day - self.start_date).days
        if days < 0:
            raise QuoteError(f"{day} is before the lease start date {self.start_date}")
        return prorated_allowance(annual_miles=self.annual_miles, days=days, purchased_miles=self.purchased_miles)

    def _payments_due_by(self, day: dt.date) -> int:
        # Due dates are one a month, so the candidate is fixed by the month count; one
        # comparison settles whether this month's due date has come yet.
        months = (day.year - self.start_date.year) * 12 + day.month - self.start_date.month
        return months + 1 if add_months(self.start_date, months) <= day else months


@lru_cache(maxsize=4096)
def _solve_implicit_rate(cap: Decimal, payment: Decimal, residual: Decimal, n: int) -> Decimal:
    """The i > 0 with C = P·Σ_{t=0}^{n−1} v^t + R·v^n, v = 1/(1+i), by Newton's method.

    f(i) = P·Σ v^t + R·v^n − C falls as i grows and is convex, so Newton's method started at
    i = 0 (left of the root, f > 0) rises monotonically to the root without overshooting.
    The terms were checked to have a root (P·n + R > C and P < C).
    """
    with localcontext(_SOLVER):
        rate = ZERO
        for _ in range(200):
            gap, slope = _present_value_gap(rate, cap, payment, residual, n)
            step = -gap / slope
            rate += step
            if abs(step) <= _SOLVER_TOLERANCE:
                break
        return _MATH.plus(rate)


def _present_value_gap(
    rate: Decimal, cap: Decimal, payment: Decimal, residual: Decimal, n: int
) -> tuple[Decimal, Decimal]:
    """f(i) and f′(i) in closed form (the sums are geometric)."""
    if rate == 0:  # the limits as i → 0
        return payment * n + residual - cap, -(payment * n * (n - 1) / 2 + residual * n)
    v = ONE / (ONE + rate)
    v_n = v**n
    annuity = (ONE - v_n) / (ONE - v)  # Σ_{t=0}^{n−1} v^t
    weighted = v * (ONE - n * v_n / v + (n - 1) * v_n) / (ONE - v) ** 2  # Σ t·v^t
    # d(v^t)/di = −t·v^(t+1)
    slope = -(payment * weighted * v + residual * n * v_n * v)
    return payment * annuity + residual * v_n - cap, slope


# --- events -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TurnIn:
    """The vehicle goes back on or after maturity."""

    kind: ClassVar[str] = "turn_in"
    odometer: int
    date: dt.date | None = None  # None: the maturity date
    wear_charges: Decimal = ZERO
    # Our extension of the contract: equipment not returned, at the lessor's charge per item.
    missing_equipment: Decimal = ZERO
    past_due: Decimal = ZERO
    property_tax: Decimal = ZERO

    def __post_init__(self) -> None:
        _check_fields(self)


@dataclass(frozen=True, kw_only=True)
class EarlyTermination:
    """The vehicle goes back before maturity."""

    kind: ClassVar[str] = "early_termination"
    odometer: int
    realized_value: Decimal
    date: dt.date | None = None  # None means maturity, which is refused: that is a turn-in
    wear_charges: Decimal = ZERO
    # Our extension of the contract: equipment not returned, at the lessor's charge per item.
    missing_equipment: Decimal = ZERO
    past_due: Decimal = ZERO
    property_tax: Decimal = ZERO

    def __post_init__(self) -> None:
        _check_fields(self)


@dataclass(frozen=True, kw_only=True)
class Buyout:
    """The lessee buys the vehicle."""

    kind: ClassVar[str] = "buyout"
    date: dt.date | None = None  # None: the maturity date
    past_due: Decimal = ZERO
    property_tax: Decimal = ZERO
    apply_security_deposit: bool = False

    def __post_init__(self) -> None:
        _check_fields(self)


@dataclass(frozen=True, kw_only=True)
class Extension:
    """The lessee keeps the vehicle `days` more days past maturity."""

    kind: ClassVar[str] = "extension"
    days: int
    days_already_granted: int = 0

    def __post_init__(self) -> None:
        _check_fields(self)
        if self.days <= 0:
            raise QuoteError("days must be more than 0")


Event = TurnIn | EarlyTermination | Buyout | Extension
_EVENT_TYPES: dict[str, type] = {cls.kind: cls for cls in (TurnIn, EarlyTermination, Buyout, Extension)}
KINDS = tuple(_EVENT_TYPES)


# --- quotes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    code: str
    label: str  # a short title
    amount: Decimal
    rule: str  # one sentence with the lessee's own numbers, saying where the amount comes from
    # The same sentence as data, for words in the lessee's language (quotes.rules renders both the
    # label and the rule from these): which sentence, and its numbers as JSON-safe text and ints.
    # The English ``label`` and ``rule`` above stay for the command line and older records.
    rule_code: str = ""
    rule_params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Quote:
    """An itemized quote. It cannot be built with a total that is not the sum of its lines."""

    kind: str
    lines: tuple[Line, ...]
    total: Decimal
    security_deposit: Decimal
    net_after_deposit: Decimal
    derived: dict[str, str]

    def __post_init__(self) -> None:
        for line in self.lines:
            if type(line.amount) is not Decimal or line.amount.as_tuple().exponent != -2:
                raise ValueError(f"line {line.code} amount {line.amount!r} is not whole cents")
        if self.total != sum((line.amount for line in self.lines), ZERO):
            raise ValueError(f"quote total {self.total} is not the sum of its lines")


# --- computing a quote ------------------------------------------------------------------------


@_exact
def compute_quote(terms: LeaseTerms, event: Event) -> Quote:
    """The quote for one event under these terms; QuoteError if the event does not fit them."""
    compute = _COMPUTERS.get(type(event))
    if compute is None:
        raise QuoteError(f"cannot quote a {type(event).__name__}; events are {', '.join(KINDS)}")
    return compute(terms, event)


def _turn_in(terms: LeaseTerms, event: TurnIn) -> Quote:
    day = terms.maturity_date if event.date is None else event.date
    if day < terms.maturity_date:
        raise QuoteError(
            f"turn-in date {day} is before the maturity date {terms.maturity_date}; "
            "a return before maturity is an early_termination"
        )
    days_over = _days_past_maturity(terms, day, "turn-in date")
    driven = _miles_driven(terms, event.odometer)
    excess_miles = max(0, driven - terms.allowance_total)
    mileage = _excess_mileage_line(
        terms,
        driven,
        excess_miles,
        f"your {terms.allowance_total:,}-mile allowance",
        {"allowance": terms.allowance_total},
    )
    wear = _excess_wear_line(terms, event.wear_charges)
    equipment = _missing_equipment_lines(event.missing_equipment)
    lines = [
        mileage,
        wear,
        *equipment,
        _fee_line("disposition_fee", "Disposition fee", terms.disposition_fee, "turn-in fee"),
        _extension_line(terms, days_over),
        _past_due_line(event.past_due),
        _property_tax_line(event.property_tax),
        _taxes_line(terms, mileage.amount + wear.amount, equipment),
        _unused_miles_line(terms, driven),
    ]
    extra = {"miles_driven": str(driven), "excess_miles": str(excess_miles), "days_extended": str(days_over)}
    return _quote("turn_in", lines, terms, held=terms.security_deposit, extra=extra)


def _early_termination(terms: LeaseTerms, event: EarlyTermination) -> Quote:
    if event.date is None:
        raise QuoteError(f"early_termination needs a date before the maturity date {terms.maturity_date}")
    day = event.date
    if not terms.start_date <= day < terms.maturity_date:
        raise QuoteError(
            f"early_termination date {day} must be on or after the start date {terms.start_date} "
            f"and before the maturity date {terms.maturity_date}"
        )
    driven = _miles_driven(terms, event.odometer)
    allowance = terms.prorated_allowance(day)
    excess_miles = max(0, driven - allowance)
    balance = terms.adjusted_lease_balance(day)
    purchased = f", plus {terms.purchased_miles:,} purchased" if terms.purchased_miles else ""
    earned = (
        f"the {allowance:,}-mile allowance earned by {long_date(day)} "
        f"({_days((day - terms.start_date).days)} at {terms.annual_miles:,} miles a year{purchased})"
    )
    earned_params = {
        "allowance": allowance,
        "earned_on": day.isoformat(),
        "days": (day - terms.start_date).days,
        "annual_miles": terms.annual_miles,
        "purchased_miles": terms.purchased_miles,
    }
    mileage = _excess_mileage_line(terms, driven, excess_miles, earned, earned_params)
    wear = _excess_wear_line(terms, event.wear_charges)
    equipment = _missing_equipment_lines(event.missing_equipment)
    lines = [
        _remaining_balance_line(day, balance, event.realized_value),
        _fee_line(
            "early_termination_fee", "Early termination fee", terms.early_termination_fee, "early termination fee"
        ),
        _fee_line("disposition_fee", "Disposition fee", terms.disposition_fee, "turn-in fee"),
        mileage,
        wear,
        *equipment,
        _past_due_line(event.past_due),
        _property_tax_line(event.property_tax),
        _taxes_line(terms, mileage.amount + wear.amount, equipment),
    ]
    extra = {
        "adjusted_lease_balance": _cents(balance),
        "miles_driven": str(driven),
        "excess_miles": str(excess_miles),
        "prorated_allowance": str(allowance),
    }
    return _quote("early_termination", lines, terms, held=terms.security_deposit, extra=extra)


def _buyout(terms: LeaseTerms, event: Buyout) -> Quote:
    day = terms.maturity_date if event.date is None else event.date
    if day < terms.start_date:
        raise QuoteError(f"buyout date {day} is before the lease start date {terms.start_date}")
    days_over = _days_past_maturity(terms, day, "buyout date") if day > terms.maturity_date else 0
    if day >= terms.maturity_date:
        price = terms.residual_value
        price_rule = f"The purchase option price in your lease, its residual value of {usd(price)}"
        price_code = "price_residual"
    else:
        price = terms.adjusted_lease_balance(day)
        price_rule = f"Your adjusted lease balance on {long_date(day)}: what is left of the lease's cost then"
        price_code = "price_balance"
    price_params = {"price": _cents(price), "on": day.isoformat()}
    deposit = terms.security_deposit
    applied = deposit if event.apply_security_deposit else ZERO
    lines = [
        Line("purchase_price", "Purchase price", money(price), price_rule, price_code, price_params),
        _fee_line("purchase_option_fee", "Purchase option fee", terms.purchase_option_fee, "purchase option fee"),
        _extension_line(terms, days_over),
        _past_due_line(event.past_due),
        _property_tax_line(event.property_tax),
        Line(
            "sales_tax",
            f"Sales tax ({_percent(terms.tax_rate)})",
            money(price * terms.tax_rate),
            f"{_percent(terms.tax_rate)} of the {usd(money(price))} purchase price",
            "sales_tax",
            {"tax_rate": str(terms.tax_rate), "price": _cents(price)},
        ),
        _deposit_applied_line(deposit, applied),
    ]
    extra = {"days_extended": str(days_over)}
    return _quote("buyout", lines, terms, held=deposit - applied, extra=extra)


def _extension(terms: LeaseTerms, event: Extension) -> Quote:
    used = event.days_already_granted + event.days
    if used > terms.max_extension_days:
        raise QuoteError(
            f"{event.days} more days after {event.days_already_granted} already granted passes "
            f"the {terms.max_extension_days}-day extension limit"
        )
    fee = terms.daily_extension_fee
    line = Line(
        "extension_fees",
        f"Extension fees ({_days(event.days)} at {usd(fee)})",
        money(event.days * fee),
        f"{_days(event.days)} more past your {long_date(terms.maturity_date)} end date × {usd(fee)} a day "
        f"(your {usd(terms.total_payment)} monthly payment × 12 ÷ 365); "
        f"that uses {used:,} of your {terms.max_extension_days:,} extension days",
        "extension_more",
        {**_extension_params(terms, event.days), "used": used, "max_days": terms.max_extension_days},
    )
    extra = {
        "days_already_granted": str(event.days_already_granted),
        "extension_days_left": str(terms.max_extension_days - used),
    }
    return _quote("extension", [line], terms, held=ZERO, extra=extra)


_COMPUTERS: dict[type, Callable[[LeaseTerms, Any], Quote]] = {
    TurnIn: _turn_in,
    EarlyTermination: _early_termination,
    Buyout: _buyout,
    Extension: _extension,
}


def _quote(kind: str, lines: list[Line], terms: LeaseTerms, *, held: Decimal, extra: dict[str, str]) -> Quote:
    """Assemble the quote: the total is the sum of the already-rounded lines."""
    total = money(sum((line.amount for line in lines), ZERO))
    return Quote(
        kind=kind,
        lines=tuple(lines),
        total=total,
        security_deposit=money(terms.security_deposit),
        net_after_deposit=money(total - held),
        derived={**extra, **dict(terms.derived)},
    )


def _days_past_maturity(terms: LeaseTerms, day: dt.date, what: str) -> int:
    days = (day - terms.maturity_date).days
    if days > terms.max_extension_days:
        raise QuoteError(
            f"{what} {day} is {days:,} days past the maturity date {terms.maturity_date}; "
            f"the lease allows at most {terms.max_extension_days:,}"
        )
    return days


def _miles_driven(terms: LeaseTerms, odometer: int) -> int:
    if odometer < terms.start_odometer:
        raise QuoteError(f"odometer {odometer:,} is below the start odometer {terms.start_odometer:,}")
    return odometer - terms.start_odometer


# --- the lines --------------------------------------------------------------------------------


def _excess_mileage_line(
    terms: LeaseTerms, driven: int, excess: int, allowance: str, allowance_params: dict[str, Any]
) -> Line:
    rate = _per_mile(terms.excess_mile_rate)
    if excess:
        rule, code = f"{excess:,} miles over {allowance} × {rate} a mile", "mileage_over"
    else:
        rule, code = f"{driven:,} miles driven, within {allowance}", "mileage_within"
    params = {"excess": excess, "driven": driven, "rate": str(terms.excess_mile_rate), **allowance_params}
    return Line(
        "excess_mileage",
        f"Excess mileage ({excess:,} mi at {rate})",
        money(excess * terms.excess_mile_rate),
        rule,
        code,
        params,
    )


def excess_wear_line(terms: LeaseTerms, charges: Decimal) -> Line:
    """The bill's excess-wear line for wear ``charges`` before the waiver (what an estimate shows)."""
    return _excess_wear_line(terms, charges)


def _excess_wear_line(terms: LeaseTerms, charges: Decimal) -> Line:
    waiver = terms.wear_waiver
    if not charges:
        rule, code = (
            "No excess wear charges on this quote (an estimate leaves out any charges the inspection finds)",
            "wear_none",
        )
    elif waiver:
        rule, code = f"Excess wear charges of {usd(charges)} less your {usd(waiver)} wear waiver", "wear_less_waiver"
    else:
        rule, code = f"Excess wear charges of {usd(charges)} from the inspection", "wear_inspection"
    params = {"charges": _cents(charges), "waiver": _cents(waiver)}
    return Line("excess_wear", "Excess wear", money(max(ZERO, charges - waiver)), rule, code, params)


def _missing_equipment_lines(amount: Decimal) -> list[Line]:
    """Equipment the vehicle was delivered with and not returned: a line only when there is some
    (an extension of LEASE_MATH.md's events, so requests without it answer exactly as before)."""
    if not amount:
        return []
    rule = f"{usd(amount)} for equipment not returned with the vehicle, at the lessor's charge per item"
    params = {"amount": _cents(amount)}
    return [Line("missing_equipment", "Missing equipment", money(amount), rule, "missing_equipment", params)]


def _fee_line(code: str, label: str, amount: Decimal, what: str) -> Line:
    rule = f"The {what} in your lease: {usd(amount)}"
    return Line(code, label, money(amount), rule, code, {"amount": _cents(amount)})


def _extension_line(terms: LeaseTerms, days: int) -> Line:
    fee = terms.daily_extension_fee
    if days:
        rule, code = (
            (
                f"{_days(days)} past your {long_date(terms.maturity_date)} end date × {usd(fee)} a day "
                f"(your {usd(terms.total_payment)} monthly payment × 12 ÷ 365)"
            ),
            "extension_days",
        )
    else:
        rule, code = f"No days past your {long_date(terms.maturity_date)} end date", "extension_none"
    params = _extension_params(terms, days)
    label = f"Extension fees ({_days(days)} at {usd(fee)})"
    return Line("extension_fees", label, money(days * fee), rule, code, params)


def _extension_params(terms: LeaseTerms, days: int) -> dict[str, Any]:
    return {
        "days": days,
        "end_date": terms.maturity_date.isoformat(),
        "fee": _cents(terms.daily_extension_fee),
        "payment": _cents(terms.total_payment),
    }


def _past_due_line(amount: Decimal) -> Line:
    if amount:
        rule, code = f"{usd(amount)} of payments and charges already due on your account and not yet paid", "past_due"
    else:
        rule, code = "Nothing is past due on your account", "past_due_none"
    return Line("past_due", "Past-due amounts", money(amount), rule, code, {"amount": _cents(amount)})


def _property_tax_line(amount: Decimal) -> Line:
    if amount:
        rule, code = f"{usd(amount)} of personal property tax billed on the vehicle and not yet paid", "property_tax"
    else:
        rule, code = "No unpaid personal property tax on the vehicle", "property_tax_none"
    params = {"amount": _cents(amount)}
    return Line("property_tax", "Personal property tax", money(amount), rule, code, params)


def _taxes_line(terms: LeaseTerms, taxable: Decimal, equipment: Sequence[Line] = ()) -> Line:
    rate = _percent(terms.tax_rate)
    what, code = "excess mileage and wear charges", "tax_on_charges"
    if equipment:
        taxable += sum((line.amount for line in equipment), ZERO)
        what, code = "excess mileage, wear and missing-equipment charges", "tax_on_charges_equipment"
    return Line(
        "taxes",
        f"Tax on charges ({rate})",
        money(taxable * terms.tax_rate),
        f"{rate} tax on {usd(taxable)} of {what}",
        code,
        {"tax_rate": str(terms.tax_rate), "taxable": _cents(taxable)},
    )


def _unused_miles_line(terms: LeaseTerms, driven: int) -> Line:
    unused = min(terms.purchased_miles, max(0, terms.allowance_total - driven))
    rate = _per_mile(terms.purchased_mile_rate)
    if terms.purchased_miles:
        rule, code = (
            (
                f"{unused:,} of the {terms.purchased_miles:,} extra miles you bought went unused "
                f"× {rate} a mile, credited back"
            ),
            "unused_miles",
        )
    else:
        rule, code = "You bought no extra miles, so there is nothing to refund", "unused_miles_none"
    return Line(
        "unused_mileage_refund",
        f"Unused purchased miles ({unused:,} mi at {rate})",
        money(-unused * terms.purchased_mile_rate),  # a credit
        rule,
        code,
        {"unused": unused, "purchased_miles": terms.purchased_miles, "rate": str(terms.purchased_mile_rate)},
    )


def _remaining_balance_line(day: dt.date, balance: Decimal, realized: Decimal) -> Line:
    if balance > realized:
        rule, code = (
            (
                f"Your adjusted lease balance of {usd(balance)} on {long_date(day)} less the vehicle's realized "
                f"value of {usd(realized)}"
            ),
            "balance_less_value",
        )
    else:
        rule, code = (
            (
                f"The vehicle's realized value of {usd(realized)} covers your adjusted lease balance "
                f"of {usd(balance)} on {long_date(day)}"
            ),
            "value_covers_balance",
        )
    params = {"balance": _cents(balance), "realized": _cents(realized), "on": day.isoformat()}
    return Line("remaining_balance", "Remaining balance", money(max(ZERO, balance - realized)), rule, code, params)


def _deposit_applied_line(deposit: Decimal, applied: Decimal) -> Line:
    if applied:
        rule, code = f"Your {usd(deposit)} security deposit, applied to the purchase as you asked", "deposit_applied"
    elif deposit:
        rule, code = f"Your {usd(deposit)} security deposit is not applied to the purchase", "deposit_not_applied"
    else:
        rule, code = "No security deposit is held on this lease", "deposit_none"
    params = {"deposit": _cents(deposit)}
    return Line("security_deposit_applied", "Security deposit applied", money(-applied), rule, code, params)


# --- text -------------------------------------------------------------------------------------


def _cents(amount: Decimal) -> str:
    # Every amount that reaches here came out of money(): whole cents, never -0.00.
    return f"{amount:.2f}"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count:,} days"


MINUS = "\u2212"  # a real minus sign: a hyphen is easy to miss in front of a dollar sign


def long_date(day: dt.date) -> str:
    """A date as a lessee reads it: "November 25, 2026" (error lines keep ISO dates)."""
    return f"{day:%B} {day.day}, {day.year}"


def lines_presented(lines: Iterable[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], str]:
    """The lines that apply (any amount but $0.00), and one sentence naming the ones checked and
    found to be zero ("" when none were): how itemized lines are shown on quote pages and PDFs and
    on final bill pages, statements and emails. Lines are stored dicts ({code, label, amount, rule});
    the amount is a Decimal or its text."""
    lines = list(lines)
    shown = [line for line in lines if Decimal(str(line["amount"])) != 0]
    zero = [_short_label(line["label"]) for line in lines if Decimal(str(line["amount"])) == 0]
    if not zero:
        return shown, ""
    listed = zero[0] if len(zero) == 1 else f"{', '.join(zero[:-1])} and {zero[-1]}"
    return shown, f"Also checked and found to be $0.00: {listed}."


def _short_label(label: str) -> str:
    """ "Extension fees (0 days at $30.00)" → "extension fees"."""
    title = label.split(" (")[0]
    return title[:1].lower() + title[1:]


def usd(amount: Decimal | int | str) -> str:
    """US dollars as the portal shows them: "$1,723.13", a credit as "−$500.00".

    Formatting only: the amount goes through money(), the one rounding function.
    """
    amount = money(amount)
    text = f"${abs(amount):,.2f}"
    return f"{MINUS}{text}" if amount < 0 else text


def per_mile(rate: Decimal) -> str:
    """A rate a mile as the portal shows it: "$0.25", a finer rate as given ("$0.125")."""
    # Cents for the usual rates; a rate with finer precision is shown as it was given.
    if rate == rate.quantize(CENT, context=_MATH):
        return f"${rate:,.2f}"
    return f"${rate.normalize(_MATH):f}"


def percent(rate: Decimal) -> str:
    """A tax rate as a percentage: 0.0625 is "6.25%"."""
    return f"{(rate * 100).normalize(_MATH):f}%"


_per_mile, _percent = per_mile, percent


# --- JSON requests and answers ----------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_WHOLE = re.compile(r"[+-]?\d{1,18}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_REQUEST_FIELDS = frozenset({"terms", "event"})
_TERMS_FIELDS = frozenset(spec.name for spec in fields(LeaseTerms))
_EVENT_FIELDS = frozenset({"kind"}.union(*({spec.name for spec in fields(cls)} for cls in _EVENT_TYPES.values())))


def _shown(raw: object) -> str:
    text = json.dumps(raw, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _parse_amount(name: str, raw: object) -> Decimal:
    if isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int) and not isinstance(raw, bool):
        number = Decimal(raw)
    elif isinstance(raw, float) and math.isfinite(raw):
        number = Decimal(str(raw))  # the shortest repr: 0.1 means 0.1, not its binary neighbour
    elif isinstance(raw, str) and _NUMBER.fullmatch(raw):
        number = Decimal(raw)
    else:
        raise QuoteError(f"{name} must be a number like 395.00, not {_shown(raw)}")
    if not number.is_finite():
        raise QuoteError(f"{name} must be a finite number, not {_shown(raw)}")
    return number


def _parse_count(name: str, raw: object) -> int:
    if isinstance(raw, str) and _WHOLE.fullmatch(raw):
        return int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, Decimal | float) and not isinstance(raw, bool):
        number = _parse_amount(name, raw)
        # 36.0 is 36; 36.5 months or miles with tenths is not a count.
        if abs(number) <= MAX_COUNT * 10 and number == number.to_integral_value():
            return int(number)
    raise QuoteError(f"{name} must be a whole number, not {_shown(raw)}")


def _parse_date(name: str, raw: object) -> dt.date:
    if isinstance(raw, str) and _ISO_DATE.fullmatch(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise QuoteError(f"{name} {raw} is not a real date") from None
    raise QuoteError(f"{name} must be a date like 2026-03-15, not {_shown(raw)}")


def _parse_flag(name: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    raise QuoteError(f"{name} must be true or false, not {_shown(raw)}")


_PARSERS: dict[object, Callable[[str, object], object]] = {
    Decimal: _parse_amount,
    int: _parse_count,
    bool: _parse_flag,
    dt.date: _parse_date,
    dt.date | None: _parse_date,
}


def _build(cls: type, data: Mapping[str, object], where: str) -> Any:
    """Parse the fields cls takes from JSON values; a null counts as left out."""
    values: dict[str, object] = {}
    for spec in _specs(cls):
        raw = data.get(spec.name)
        if raw is None:
            if spec.default is MISSING and spec.default_factory is MISSING:
                raise QuoteError(f"{spec.name} is missing from {where}")
            continue
        values[spec.name] = _PARSERS[spec.type](spec.name, raw)
    return cls(**values)


def _reject_unknown(data: Mapping[str, object], known: frozenset[str], where: str) -> None:
    # A misspelt optional field would otherwise fall back to its default without a word.
    if unknown := sorted(data.keys() - known):
        raise QuoteError(f"unknown field in {where}: {', '.join(_shown(name) for name in unknown)}")


def parse_request(request: Mapping[str, Any]) -> tuple[LeaseTerms, Event]:
    """`{"terms": {...}, "event": {"kind": ..., ...}}` as typed terms and event."""
    if not isinstance(request, Mapping):
        raise QuoteError("a request must be a JSON object with terms and event")
    _reject_unknown(request, _REQUEST_FIELDS, "the request")
    terms_data, event_data = request.get("terms"), request.get("event")
    if not isinstance(terms_data, Mapping):
        raise QuoteError("the request needs a terms object")
    if not isinstance(event_data, Mapping):
        raise QuoteError("the request needs an event object")
    _reject_unknown(terms_data, _TERMS_FIELDS, "terms")
    _reject_unknown(event_data, _EVENT_FIELDS, "event")
    kind = event_data.get("kind")
    cls = _EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise QuoteError(f"event kind must be one of {', '.join(KINDS)}, not {_shown(kind)}")
    # Fields of another kind (an odometer on a buyout) do not change this quote; they are ignored.
    return _build(LeaseTerms, terms_data, "terms"), _build(cls, event_data, "event")


def quote_to_json(quote: Quote) -> dict[str, Any]:
    """The command line's answer: amounts as strings with two decimals."""
    return {
        "kind": quote.kind,
        "lines": [{"code": line.code, "label": line.label, "amount": _cents(line.amount)} for line in quote.lines],
        "total": _cents(quote.total),
        "security_deposit": _cents(quote.security_deposit),
        "net_after_deposit": _cents(quote.net_after_deposit),
        "derived": dict(quote.derived),
    }


def answer(request: Mapping[str, Any]) -> dict[str, Any]:
    """What the command line does for one request; raises QuoteError for an unusable one."""
    return quote_to_json(compute_quote(*parse_request(request)))


# --- command line -----------------------------------------------------------------------------

USAGE = "usage: python -m quotes.engine [--jsonl] < request"


def _reject_constant(name: str) -> None:
    raise QuoteError(f"{name} is not a number a quote can use")


def load_request(text: str) -> Any:
    """JSON text as Python values, numbers with a point as exact Decimals."""
    if not text.strip():
        raise QuoteError("no request: the input is empty")
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise QuoteError(f"the request is not valid JSON: {error.msg} at {where}") from None
    except QuoteError:
        raise
    except (ValueError, RecursionError):  # e.g. an integer thousands of digits long
        raise QuoteError("the request is not valid JSON a quote can use") from None


def answer_text(text: str) -> dict[str, Any]:
    """One request as text to its answer, or `{"error": ...}`: never an exception."""
    try:
        return answer(load_request(text))
    except QuoteError as error:
        return {"error": _one_line(str(error))}
    except Exception as error:  # noqa: BLE001 - a batch line must answer, whatever went wrong
        return {"error": _one_line(f"could not quote this request ({type(error).__name__}: {error})")}


def _one_line(message: str) -> str:
    return " ".join(message.split()) or "could not quote this request"


def main(
    argv: list[str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    args = sys.argv[1:] if argv is None else argv
    # Bytes that are not UTF-8 become U+FFFD and then fail as bad JSON or a bad value, with a
    # plain message, instead of a decoding traceback.
    stdin = stdin or io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if args == ["--jsonl"]:
        for raw_line in stdin:
            if raw_line.strip():
                stdout.write(json.dumps(answer_text(raw_line)) + "\n")
        return 0
    if args:
        stderr.write(USAGE + "\n")
        return 2
    result = answer_text(stdin.read())
    if "error" in result:
        stderr.write(result["error"] + "\n")
        return 2
    stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
