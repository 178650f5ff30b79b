"""`python -m quotes.engine` as support staff and other systems run it: a real subprocess."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from quotes.engine import answer

ROOT = Path(__file__).resolve().parents[2]

REQUEST: dict[str, Any] = {
    "terms": {
        "start_date": "2023-03-15",
        "term_months": 36,
        "adjusted_cap_cost": "32500.00",
        "residual_value": "19500.00",
        "money_factor": "0.00125",
        "tax_rate": "0.0625",
        "start_odometer": 12,
        "annual_miles": 12000,
        "excess_mile_rate": "0.25",
        "disposition_fee": "395",
        "purchase_option_fee": "300",
        "security_deposit": "500",
    },
    "event": {"kind": "turn_in", "date": "2026-03-15", "odometer": 41012},
}
BUYOUT: dict[str, Any] = {**REQUEST, "event": {"kind": "buyout", "date": "2025-01-10"}}


def run_engine(stdin: bytes | str, *args: str) -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "quotes.engine", *args], input=data, capture_output=True, cwd=ROOT, timeout=60
    )


def test_one_request_in_one_quote_out() -> None:
    result = run_engine(json.dumps(REQUEST))
    assert result.returncode == 0
    assert result.stderr == b""
    quote = json.loads(result.stdout)
    assert (quote["total"], quote["net_after_deposit"]) == ("1723.13", "1223.13")
    assert quote == answer(REQUEST)


def test_numbers_in_the_json_are_read_exactly() -> None:
    as_numbers = json.dumps(REQUEST).replace('"0.25"', "0.25").replace('"0.0625"', "0.0625")
    assert json.loads(run_engine(as_numbers).stdout)["total"] == "1723.13"


@pytest.mark.parametrize(
    ("stdin", "problem"),
    [
        (json.dumps({**REQUEST, "event": {**REQUEST["event"], "odometer": 11}}), b"below the start odometer"),
        (json.dumps(REQUEST).replace('"32500.00"', "1e400"), b"adjusted_cap_cost"),
        (json.dumps(REQUEST).replace('"32500.00"', "NaN"), b"NaN"),
        ('{"terms": ', b"not valid JSON"),
        ("", b"input is empty"),
        (b'{"terms": \xff}', b"not valid JSON"),
    ],
    ids=["odometer-below-start", "huge-number", "nan", "truncated-json", "empty", "not-utf8"],
)
def test_bad_input_exits_2_with_one_plain_line_and_no_answer(stdin: bytes | str, problem: bytes) -> None:
    result = run_engine(stdin)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.count(b"\n") == 1
    assert problem in result.stderr
    assert b"Traceback" not in result.stderr


def test_an_unknown_option_exits_2_with_the_usage_line() -> None:
    result = run_engine(json.dumps(REQUEST), "--yaml")
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.startswith(b"usage: python -m quotes.engine")


def test_batch_answers_each_line_in_order_and_carries_on_past_an_error() -> None:
    bad = {**REQUEST, "event": {**REQUEST["event"], "date": "2026-01-01"}}
    lines = [json.dumps(REQUEST), "", json.dumps(bad), "{not json", "   ", json.dumps(BUYOUT)]
    result = run_engine("\n".join(lines) + "\n", "--jsonl")
    assert result.returncode == 0
    answers = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(answers) == 4  # blank lines are skipped
    assert answers[0] == answer(REQUEST)
    assert answers[1] == {
        "error": "turn-in date 2026-01-01 is before the maturity date 2026-03-15; "
        "a return before maturity is an early_termination"
    }
    assert list(answers[2]) == ["error"]
    assert answers[3] == answer(BUYOUT)


def test_batch_of_many_lines_runs_in_seconds() -> None:
    batch = "".join(json.dumps(REQUEST if n % 2 else BUYOUT) + "\n" for n in range(2000))
    result = run_engine(batch, "--jsonl")
    answers = result.stdout.decode().splitlines()
    assert len(answers) == 2000
    assert all('"error"' not in line for line in answers)
