"""Quote engine throughput: quotes a second per event kind, in process and through the CLI.

A script, not a test (pytest does not collect it): run from the project root with
    .venv/bin/python tests/perf/bench_engine.py [--count 10000]

Each kind is measured twice: with distinct lease terms on every line (every early termination
and pre-maturity buyout solves its own implicit rate) and with one lease's terms repeated (the
rate solve is cached, as when one lease is re-quoted on many dates).
"""

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from quotes.engine import add_months, answer  # noqa: E402 - needs ROOT on the path first

KINDS = ("turn_in", "early_termination", "buyout", "extension")
Request = dict[str, Any]


def random_terms(rng: random.Random) -> dict[str, Any]:
    cap = rng.randint(1_800_000, 8_000_000)
    return {
        "start_date": (dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))).isoformat(),
        "term_months": rng.choice([24, 27, 36, 39, 42, 48]),
        "adjusted_cap_cost": f"{cap / 100:.2f}",
        "residual_value": f"{cap * rng.randint(40, 70) // 100 / 100:.2f}",
        "money_factor": f"{rng.randint(30, 350) / 100_000:.5f}",
        "tax_rate": rng.choice(["0", "0.04", "0.0625", "0.07", "0.08875", "0.1025"]),
        "start_odometer": rng.choice([3, 12, 25, 150, 2400]),
        "annual_miles": rng.choice([7500, 10000, 12000, 15000, 18000]),
        "purchased_miles": rng.choice([0, 0, 3000, 5000, 7500]),
        "purchased_mile_rate": rng.choice(["0.10", "0.15", "0.20"]),
        "excess_mile_rate": rng.choice(["0.15", "0.20", "0.25", "0.30"]),
        "disposition_fee": rng.choice(["0", "350", "395", "495", "595"]),
        "purchase_option_fee": rng.choice(["0", "250", "300", "350"]),
        "early_termination_fee": rng.choice(["0", "200", "395"]),
        "security_deposit": rng.choice(["0", "450", "500", "875.00"]),
        "wear_waiver": rng.choice(["0", "500", "1000"]),
        "max_extension_days": rng.choice([90, 180]),
    }


def random_event(rng: random.Random, kind: str, terms: dict[str, Any]) -> dict[str, Any]:
    start = dt.date.fromisoformat(terms["start_date"])
    months = terms["term_months"]
    maturity = add_months(start, months)
    limit = terms["max_extension_days"]
    miles = terms["start_odometer"] + rng.randint(0, terms["annual_miles"] * months // 9)
    if kind == "turn_in":
        day = maturity + dt.timedelta(days=rng.randint(0, limit))
        return {"kind": kind, "date": day.isoformat(), "odometer": miles, "wear_charges": "250.00"}
    if kind == "early_termination":
        day = start + dt.timedelta(days=rng.randint(0, (maturity - start).days - 1))
        value = f"{Decimal(terms['residual_value']) * rng.randint(80, 160) / 100:.2f}"
        return {"kind": kind, "date": day.isoformat(), "odometer": miles, "realized_value": value}
    if kind == "buyout":
        day = start + dt.timedelta(days=rng.randint(0, (maturity - start).days + limit))
        return {"kind": kind, "date": day.isoformat(), "apply_security_deposit": rng.random() < 0.5}
    return {"kind": kind, "days": rng.randint(1, limit // 2), "days_already_granted": rng.randint(0, limit // 2)}


def build_requests(kind: str, count: int, *, distinct_terms: bool, seed: int = 7) -> list[Request]:
    rng = random.Random(seed)
    shared = random_terms(rng)
    requests = []
    for _ in range(count):
        terms = random_terms(rng) if distinct_terms else shared
        requests.append({"terms": terms, "event": random_event(rng, kind, terms)})
    return requests


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>9,.0f}/s"


def time_in_process(requests: list[Request], run: Callable[[Request], Any]) -> float:
    started = time.perf_counter()
    for request in requests:
        run(request)
    return time.perf_counter() - started


def time_cli(requests: list[Request]) -> float:
    batch = "".join(json.dumps(request) + "\n" for request in requests)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "quotes.engine", "--jsonl"],
        input=batch,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    seconds = time.perf_counter() - started
    answers = result.stdout.splitlines()
    errors = sum('"error"' in line for line in answers)
    if len(answers) != len(requests) or errors:
        raise SystemExit(f"CLI answered {len(answers)} lines for {len(requests)}, {errors} errors")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="requests per kind and variant")
    count = parser.parse_args().count
    print(f"{count:,} requests per kind; quotes per second (CLI includes interpreter start-up)")
    print(f"{'kind':<18} {'terms':<9} {'in-process':>11} {'CLI --jsonl':>12}")
    for kind in KINDS:
        for distinct in (True, False):
            requests = build_requests(kind, count, distinct_terms=distinct)
            in_process = time_in_process(requests, answer)
            cli = time_cli(requests)
            label = "distinct" if distinct else "repeated"
            print(f"{kind:<18} {label:<9} {rate(count, in_process):>11} {rate(count, cli):>12}", flush=True)


if __name__ == "__main__":
    main()
