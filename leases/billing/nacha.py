"""NACHA (ACH) files: a writer for the bank, and a separate minimal reader for checking them.

Pure Python (no Django). A file is a file header (1), batches of a batch header (5), entry
details (6) and a batch control (8), then a file control (9); every record is 94 characters,
and the file is padded with records of nines to a multiple of ten (a "block").

The reader (`parse`) is written from the record layouts independently of the writer, slicing
fixed positions, so a test that writes with one and reads with the other checks both.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import holidays
from stdnum.us import rtn

from quotes.engine import money

# Return reason codes a bank sends back, in words a lessee understands (models.RETURN_REASONS: translated).
RETURN_REASONS = {
    "R01": "Insufficient funds",
    "R02": "Account closed",
    "R03": "No account, or the account could not be found",
    "R04": "Invalid account number",
    "R05": "Unauthorized debit to a consumer account",
    "R07": "Authorization revoked by the account holder",
    "R08": "Payment stopped",
    "R09": "Uncollected funds",
    "R10": "The account holder says the debit was not authorized",
    "R16": "Account frozen",
    "R20": "The account does not allow this kind of payment",
    "R29": "Corporate customer says the debit was not authorized",
}


RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
FILLER = "9" * RECORD_LENGTH

# Transaction codes: (account type, direction) → code.
CHECKING_CREDIT, CHECKING_DEBIT = "22", "27"
SAVINGS_CREDIT, SAVINGS_DEBIT = "32", "37"
TRANSACTION_CODES = {
    ("checking", "debit"): CHECKING_DEBIT,
    ("savings", "debit"): SAVINGS_DEBIT,
    ("checking", "credit"): CHECKING_CREDIT,
    ("savings", "credit"): SAVINGS_CREDIT,
}
DEBIT_CODES = {CHECKING_DEBIT, SAVINGS_DEBIT}
CREDIT_CODES = {CHECKING_CREDIT, SAVINGS_CREDIT}

# Service class codes for a batch.
MIXED, CREDITS_ONLY, DEBITS_ONLY = "200", "220", "225"

MAX_CENTS = 10**10 - 1  # the entry amount field is ten digits


class NachaError(ValueError):
    pass


# --- bank identifiers (one rule each, used by the pay form and by the writer) ------------------

# The first two digits of a routing number the Federal Reserve assigns: 00 the US Government,
# 01-12 banks, 21-32 thrifts, 61-72 electronic-only, 80 traveller's checks.
ROUTING_PREFIXES = frozenset(f"{n:02d}" for n in [*range(0, 13), *range(21, 33), *range(61, 73), 80])
ACCOUNT_NUMBER_LENGTHS = (4, 17)


def foreign_digits(value: str) -> bool:
    """Digits from another script (Arabic-Indic, Devanagari, full-width...): they read as digits
    to ``str.isdigit`` but no bank file can carry them."""
    return any(ch.isdigit() and not ch.isascii() for ch in value)


def ascii_digits(value: str) -> bool:
    return re.fullmatch(r"[0-9]+", value, flags=re.ASCII) is not None


def routing_number_problem(value: str) -> str | None:
    """Why ``value`` is not a routing number a bank file can carry, or None when it is one."""
    if foreign_digits(value):
        return "foreign_digits"
    if not (ascii_digits(value) and len(value) == 9):
        return "routing_length"
    if not rtn.is_valid(value):
        return "routing_check"
    if value[:2] not in ROUTING_PREFIXES or value == "000000000":
        return "routing_prefix"
    return None


def account_number_problem(value: str) -> str | None:
    """Why ``value`` is not a bank account number we take (4-17 ASCII digits), or None."""
    low, high = ACCOUNT_NUMBER_LENGTHS
    if foreign_digits(value):
        return "foreign_digits"
    if not (ascii_digits(value) and low <= len(value) <= high):
        return "account_length"
    return None


@dataclass(frozen=True)
class Originator:
    immediate_destination: str  # the ODFI's 9-digit routing number
    immediate_destination_name: str
    immediate_origin: str  # 10 characters agreed with the bank (often "1" + tax ID)
    immediate_origin_name: str
    company_name: str
    company_id: str

    def __post_init__(self) -> None:
        if problem := originator_problem(self):
            raise NachaError(problem)

    @property
    def odfi(self) -> str:
        return self.immediate_destination[:8]


def originator_problem(o: Originator) -> str | None:
    """What in the originator's details a NACHA file header cannot carry as written, or None."""
    if routing_number_problem(o.immediate_destination):
        return f"the immediate destination {o.immediate_destination!r} is not a valid routing number"
    if not (
        routing_number_problem(o.immediate_origin) is None
        or re.fullmatch(r"[0-9A-Z]{10}", o.immediate_origin, flags=re.ASCII)
    ):
        return (
            f"the immediate origin {o.immediate_origin!r} must be a 9-digit routing number or "
            "10 capital letters or digits (often 1 and the tax ID)"
        )
    if not re.fullmatch(r"[0-9A-Z]{1,10}", o.company_id):
        return f"the company ID {o.company_id!r} must be up to 10 capital letters or digits"
    for name, value, width in (
        ("immediate destination name", o.immediate_destination_name, 23),
        ("immediate origin name", o.immediate_origin_name, 23),
        ("company name", o.company_name, 16),
    ):
        if not value.strip() or len(value) > width or _ALLOWED.search(value):
            return f"the {name} {value!r} must be 1 to {width} characters: A-Z, 0-9, space, and .,&/()'-"
    return None


@dataclass(frozen=True)
class Entry:
    transaction_code: str
    routing_number: str  # 9 digits, check digit included
    account_number: str
    amount: Decimal
    individual_id: str  # our reference for the receiver (the lease account number)
    individual_name: str
    trace_number: str  # 15 digits: ODFI (8) + sequence (7)
    discretionary: str = ""  # WEB: the payment type code, "S" for a single entry

    @property
    def is_debit(self) -> bool:
        return self.transaction_code in DEBIT_CODES


@dataclass(frozen=True)
class Batch:
    sec_code: str  # WEB (consumer debits authorized online), PPD (consumer credits)
    entry_description: str
    entries: tuple[Entry, ...]
    descriptive_date: str = ""

    @property
    def service_class(self) -> str:
        debits = any(e.is_debit for e in self.entries)
        credits = any(not e.is_debit for e in self.entries)
        return MIXED if debits and credits else (DEBITS_ONLY if debits else CREDITS_ONLY)


@dataclass(frozen=True)
class Totals:
    entry_count: int
    entry_hash: str
    total_debit_cents: int
    total_credit_cents: int


# --- writing ---------------------------------------------------------------------------------

_ALLOWED = re.compile(r"[^A-Z0-9 .,&/()'-]")


def alpha(value: str, width: int) -> str:
    """An alphanumeric field: ASCII capitals, left-justified, space-filled, cut to width."""
    ascii_only = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return _ALLOWED.sub(" ", ascii_only.upper())[:width].ljust(width)


def numeric(value: int, width: int) -> str:
    text = str(value)
    if value < 0 or len(text) > width:
        raise NachaError(f"{value} does not fit a {width}-digit field")
    return text.zfill(width)


def cents(amount: Decimal) -> int:
    """Whole cents from a Decimal amount, exactly (never through float); sub-cents are refused."""
    if type(amount) is not Decimal or money(amount) != amount:
        raise NachaError(f"amount {amount!r} is not a Decimal of whole cents")
    value = int(money(amount).scaleb(2))
    if not 0 < value <= MAX_CENTS:
        raise NachaError(f"amount {amount} is outside what one entry can carry")
    return value


def _digits(value: str, width: int, what: str) -> str:
    if not (value.isdigit() and len(value) == width):
        raise NachaError(f"{what} must be {width} digits, not {value!r}")
    return value


def entry_hash(routing_numbers: list[str]) -> str:
    """Sum of the receiving banks' 8-digit identifiers, keeping the rightmost ten digits."""
    return str(sum(int(r[:8]) for r in routing_numbers))[-10:].zfill(10)


def _record(*fields: str) -> str:
    line = "".join(fields)
    if len(line) != RECORD_LENGTH:
        raise AssertionError(f"record is {len(line)} characters, not {RECORD_LENGTH}: {line!r}")
    return line


def _file_header(o: Originator, created: dt.datetime, modifier: str) -> str:
    if not re.fullmatch(r"[A-Z0-9]", modifier):
        raise NachaError(f"file ID modifier must be A-Z or 0-9, not {modifier!r}")
    return _record(
        "1",
        "01",
        " " + _digits(o.immediate_destination, 9, "immediate destination"),
        # Ten characters agreed with the bank, or a routing number with a leading space.
        o.immediate_origin if len(o.immediate_origin) == 10 else " " + _digits(o.immediate_origin, 9, "origin"),
        created.strftime("%y%m%d"),
        created.strftime("%H%M"),
        modifier,
        "094",
        "10",
        "1",
        alpha(o.immediate_destination_name, 23),
        alpha(o.immediate_origin_name, 23),
        alpha("", 8),
    )


def _batch_header(o: Originator, batch: Batch, number: int, effective: dt.date) -> str:
    return _record(
        "5",
        batch.service_class,
        alpha(o.company_name, 16),
        alpha("", 20),
        alpha(o.company_id, 10),
        alpha(batch.sec_code, 3),
        alpha(batch.entry_description, 10),
        alpha(batch.descriptive_date, 6),
        effective.strftime("%y%m%d"),
        "   ",  # settlement date: the ACH operator fills it in
        "1",
        _digits(o.odfi, 8, "ODFI identification"),
        numeric(number, 7),
    )


def _entry_detail(entry: Entry) -> str:
    # Refused, never blanked or cut: a field written differently from what was entered would
    # debit or credit somebody else's account.
    if problem := routing_number_problem(entry.routing_number):
        raise NachaError(f"trace {entry.trace_number}: routing number {entry.routing_number!r} is refused ({problem})")
    if problem := account_number_problem(entry.account_number):
        raise NachaError(f"trace {entry.trace_number}: account number is refused ({problem})")
    routing = entry.routing_number
    return _record(
        "6",
        _digits(entry.transaction_code, 2, "transaction code"),
        routing[:8],
        routing[8],
        alpha(entry.account_number, 17),
        numeric(cents(entry.amount), 10),
        alpha(entry.individual_id, 15),
        alpha(entry.individual_name, 22),
        alpha(entry.discretionary, 2),
        "0",  # no addenda
        _digits(entry.trace_number, 15, "trace number"),
    )


def batch_totals(batch: Batch) -> Totals:
    return Totals(
        entry_count=len(batch.entries),
        entry_hash=entry_hash([e.routing_number for e in batch.entries]),
        total_debit_cents=sum(cents(e.amount) for e in batch.entries if e.is_debit),
        total_credit_cents=sum(cents(e.amount) for e in batch.entries if not e.is_debit),
    )


def _batch_control(o: Originator, batch: Batch, totals: Totals, number: int) -> str:
    return _record(
        "8",
        batch.service_class,
        numeric(totals.entry_count, 6),
        totals.entry_hash,
        numeric(totals.total_debit_cents, 12),
        numeric(totals.total_credit_cents, 12),
        alpha(o.company_id, 10),
        alpha("", 19),  # message authentication code
        alpha("", 6),  # reserved
        _digits(o.odfi, 8, "ODFI identification"),
        numeric(number, 7),
    )


@dataclass
class Written:
    text: str
    totals: Totals
    batch_count: int
    block_count: int
    lines: list[str] = field(repr=False, default_factory=list)


def write(
    originator: Originator, batches: list[Batch], *, created: dt.datetime, modifier: str, effective: dt.date
) -> Written:
    """The whole file as text (CRLF line ends), with its control totals."""
    batches = [b for b in batches if b.entries]
    if not batches:
        raise NachaError("a file needs at least one entry")
    lines = [_file_header(originator, created, modifier)]
    all_totals = []
    for number, batch in enumerate(batches, start=1):
        totals = batch_totals(batch)
        all_totals.append(totals)
        lines.append(_batch_header(originator, batch, number, effective))
        lines.extend(_entry_detail(e) for e in batch.entries)
        lines.append(_batch_control(originator, batch, totals, number))
    record_count = len(lines) + 1
    block_count = -(-record_count // BLOCKING_FACTOR)
    file_totals = Totals(
        entry_count=sum(t.entry_count for t in all_totals),
        entry_hash=str(sum(int(t.entry_hash) for t in all_totals))[-10:].zfill(10),
        total_debit_cents=sum(t.total_debit_cents for t in all_totals),
        total_credit_cents=sum(t.total_credit_cents for t in all_totals),
    )
    lines.append(
        _record(
            "9",
            numeric(len(batches), 6),
            numeric(block_count, 6),
            numeric(file_totals.entry_count, 8),
            file_totals.entry_hash,
            numeric(file_totals.total_debit_cents, 12),
            numeric(file_totals.total_credit_cents, 12),
            alpha("", 39),
        )
    )
    lines.extend([FILLER] * (block_count * BLOCKING_FACTOR - len(lines)))
    return Written("\r\n".join(lines) + "\r\n", file_totals, len(batches), block_count, lines)


@cache
def fed_holidays(year: int) -> frozenset[dt.date]:
    """The days the Federal Reserve (and so the ACH network) is closed in ``year``.

    The eleven federal holidays from the ``holidays`` package, under the Fed's own observance:
    a holiday on a Sunday closes the Monday after, but one on a Saturday closes nothing (the
    Friday before is a business day), unlike the federal government's Saturday-to-Friday rule.
    """
    days = holidays.US(years=year, observed=False)
    return frozenset(set(days) | {day + dt.timedelta(days=1) for day in days if day.weekday() == 6})


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in fed_holidays(day.year)


def next_business_day(day: dt.date) -> dt.date:
    """The next day the ACH network settles: a weekday that is not a Federal Reserve holiday."""
    day += dt.timedelta(days=1)
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def add_business_days(day: dt.date, count: int) -> dt.date:
    for _ in range(count):
        day = next_business_day(day)
    return day


# --- reading (independent of the writer) ------------------------------------------------------

# Positions are 1-based and inclusive, as the record layouts print them.
FILE_HEADER = {
    "record_type": (1, 1),
    "priority_code": (2, 3),
    "immediate_destination": (4, 13),
    "immediate_origin": (14, 23),
    "creation_date": (24, 29),
    "creation_time": (30, 33),
    "file_id_modifier": (34, 34),
    "record_size": (35, 37),
    "blocking_factor": (38, 39),
    "format_code": (40, 40),
    "destination_name": (41, 63),
    "origin_name": (64, 86),
    "reference_code": (87, 94),
}
BATCH_HEADER = {
    "record_type": (1, 1),
    "service_class_code": (2, 4),
    "company_name": (5, 20),
    "company_discretionary_data": (21, 40),
    "company_identification": (41, 50),
    "standard_entry_class": (51, 53),
    "company_entry_description": (54, 63),
    "company_descriptive_date": (64, 69),
    "effective_entry_date": (70, 75),
    "settlement_date": (76, 78),
    "originator_status_code": (79, 79),
    "originating_dfi": (80, 87),
    "batch_number": (88, 94),
}
ENTRY_DETAIL = {
    "record_type": (1, 1),
    "transaction_code": (2, 3),
    "receiving_dfi": (4, 11),
    "check_digit": (12, 12),
    "dfi_account_number": (13, 29),
    "amount": (30, 39),
    "individual_id": (40, 54),
    "individual_name": (55, 76),
    "discretionary_data": (77, 78),
    "addenda_indicator": (79, 79),
    "trace_number": (80, 94),
}
BATCH_CONTROL = {
    "record_type": (1, 1),
    "service_class_code": (2, 4),
    "entry_addenda_count": (5, 10),
    "entry_hash": (11, 20),
    "total_debit": (21, 32),
    "total_credit": (33, 44),
    "company_identification": (45, 54),
    "message_authentication_code": (55, 73),
    "reserved": (74, 79),
    "originating_dfi": (80, 87),
    "batch_number": (88, 94),
}
FILE_CONTROL = {
    "record_type": (1, 1),
    "batch_count": (2, 7),
    "block_count": (8, 13),
    "entry_addenda_count": (14, 21),
    "entry_hash": (22, 31),
    "total_debit": (32, 43),
    "total_credit": (44, 55),
    "reserved": (56, 94),
}


def _slice(line: str, layout: dict[str, tuple[int, int]]) -> dict[str, str]:
    return {name: line[start - 1 : end] for name, (start, end) in layout.items()}


@dataclass
class ParsedBatch:
    header: dict[str, str]
    entries: list[dict[str, str]]
    control: dict[str, str]


@dataclass
class ParsedFile:
    header: dict[str, str]
    batches: list[ParsedBatch]
    control: dict[str, str]
    filler_count: int
    line_count: int


def parse(text: str) -> ParsedFile:
    """Read a NACHA file into its fields (strings as they stand); refuses a malformed layout."""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if len(line) != RECORD_LENGTH:
            raise NachaError(f"line {number} is {len(line)} characters, not {RECORD_LENGTH}")
    if len(lines) % BLOCKING_FACTOR:
        raise NachaError(f"{len(lines)} lines is not a whole number of blocks of {BLOCKING_FACTOR}")
    header, batches, control, fillers, current = None, [], None, 0, None
    for number, line in enumerate(lines, start=1):
        kind = line[0]
        if control is not None:
            if line != FILLER:
                raise NachaError(f"line {number}: only filler may follow the file control")
            fillers += 1
        elif kind == "1" and header is None and number == 1:
            header = _slice(line, FILE_HEADER)
        elif kind == "5" and header is not None and current is None:
            current = ParsedBatch(_slice(line, BATCH_HEADER), [], {})
        elif kind == "6" and current is not None:
            current.entries.append(_slice(line, ENTRY_DETAIL))
        elif kind == "8" and current is not None:
            current.control = _slice(line, BATCH_CONTROL)
            batches.append(current)
            current = None
        elif kind == "9" and header is not None and current is None:
            control = _slice(line, FILE_CONTROL)
        else:
            raise NachaError(f"line {number}: record type {kind!r} is out of place")
    if header is None or control is None:
        raise NachaError("a file needs a file header and a file control")
    return ParsedFile(header, batches, control, fillers, len(lines))
