"""Load test: 50 lessees for 60 s against gunicorn on loopback, each signing in through the real
form and reading My Vehicles, their lease page and a quote; optionally with faults.

A script, not a test (pytest does not collect it). Run it with `make load` or `scripts/load`
(which seed and migrate the bench database first); `--faults` also, mid-run:
- stops Redis for ~10 s (the cache: allauth's sign-in limits), then starts it again;
- restarts PostgreSQL once;
and reports 5xx and failed requests before, during and after each fault, then checks that a
fresh sign-in and every page answer again. Only use --faults where nothing else needs Redis and
PostgreSQL at that moment: both are always started again (finally), but others see the outage.

Each virtual user connects from its own loopback address (127.0.0.N): allauth limits sign-ins
per client IP, and 50 customers would not share one. Bounded: --users threads for --seconds,
every request with a timeout; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "perf"))

from bench_web import bench_quote, production_env  # noqa: E402 - the same server setup as the bench

PORT = int(os.environ.get("LOAD_PORT", "8766"))
TIMEOUT = 30.0
STEPS = ("sign-in form", "sign-in", "My Vehicles", "lease page", "quote page")
PAGE_ROUNDS = 3  # page visits per sign-in
REDIS_STOP = ["redis-cli", "-p", "6379", "shutdown", "nosave"]
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
    "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip
PG_RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
PG_START = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"]
PG_READY = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Result:
    at: float  # seconds since the start, when the request was sent
    step: str
    status: int  # 0: no answer (connection refused, timeout, reset)
    seconds: float
    ok: bool

    @property
    def answered_at(self) -> float:
        return self.at + self.seconds


@dataclass
class Lessee:
    email: str
    lease_path: str
    quote_path: str
    source_ip: str
    cookies: dict[str, str] = field(default_factory=dict)


class Browser:
    """Just enough of a browser: one keep-alive connection, cookies kept by hand (the production
    cookies are Secure, which a cookie jar would not send over plain http on loopback)."""

    def __init__(self, lessee: Lessee, started: float, results: list[Result]) -> None:
        self.lessee, self.started, self.results = lessee, started, results
        self.connection: http.client.HTTPConnection | None = None

    def request(self, step: str, method: str, path: str, body: dict | None = None, expect=(200,)):
        headers = {"Host": f"127.0.0.1:{PORT}"}
        if self.lessee.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.lessee.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        begin = time.monotonic()
        status, location, text = 0, "", ""
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", PORT, timeout=TIMEOUT, source_address=(self.lessee.source_ip, 0)
                )
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status, location = response.status, response.getheader("Location", "")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.lessee.cookies[name.strip()] = rest.split(";", 1)[0]
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
        ok = status in expect
        self.results.append(Result(begin - self.started, step, status, time.monotonic() - begin, ok))
        return ok, status, location, text

    def sign_in(self, password: str) -> bool:
        self.lessee.cookies.clear()  # a new visit: no session yet
        ok, _, _, page = self.request("sign-in form", "GET", "/accounts/login/")
        token = CSRF_FIELD.search(page) if ok else None
        if token is None:
            return False
        form = {"csrfmiddlewaretoken": token.group(1), "login": self.lessee.email, "password": password}
        ok, _, location, _ = self.request("sign-in", "POST", "/accounts/login/", form, expect=(302,))
        return ok and location.endswith("/vehicles/")

    def pages(self) -> None:
        self.request("My Vehicles", "GET", "/vehicles/")
        self.request("lease page", "GET", self.lessee.lease_path)
        self.request("quote page", "GET", self.lessee.quote_path)


def run_user(lessee: Lessee, password: str, started: float, deadline: float, results: list[Result]) -> None:
    browser = Browser(lessee, started, results)
    while time.monotonic() < deadline:
        if not browser.sign_in(password):
            time.sleep(0.5)  # an outage: try again shortly, as a person would
            continue
        for _ in range(PAGE_ROUNDS):
            if time.monotonic() >= deadline:
                break
            browser.pages()


# --- the faults -----------------------------------------------------------------------------------


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_for(port: int, up: bool, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while answers(port) != up and time.monotonic() < end:
        time.sleep(0.1)


def postgres_ready(seconds: float = 60) -> None:
    """Accepting connections, not just listening ("the database system is starting up")."""
    end = time.monotonic() + seconds
    while subprocess.run(PG_READY, check=False, timeout=10).returncode != 0 and time.monotonic() < end:
        time.sleep(0.1)


def ensure_services_up() -> None:
    """Whatever happened, leave Redis and PostgreSQL running."""
    if not answers(6379):
        subprocess.run(REDIS_START, check=False, timeout=30)
        wait_for(6379, up=True)
    if not answers(5432):
        subprocess.run(PG_START, check=False, timeout=60)
        postgres_ready()


def faults(started: float, marks: dict[str, float], redis_at: float, redis_for: float, pg_at: float) -> None:
    def sleep_until(offset: float) -> None:
        time.sleep(max(0.0, started + offset - time.monotonic()))

    try:
        sleep_until(redis_at)
        marks["redis down"] = time.monotonic() - started
        subprocess.run(REDIS_STOP, check=False, timeout=10, capture_output=True)
        wait_for(6379, up=False, seconds=5)
        sleep_until(redis_at + redis_for)
        subprocess.run(REDIS_START, check=True, timeout=30)
        wait_for(6379, up=True)
        marks["redis back"] = time.monotonic() - started
        sleep_until(pg_at)
        marks["postgres restart"] = time.monotonic() - started
        subprocess.run(PG_RESTART, check=True, timeout=120)
        postgres_ready()
        marks["postgres back"] = time.monotonic() - started
    finally:
        ensure_services_up()


# --- setup, serving, report -----------------------------------------------------------------------


def lessees(count: int) -> list[Lessee]:
    """bench-0 … bench-N (one lease each, no two-factor), each with a quote on the lease."""
    from leases.models import Lease

    found = []
    for n in range(count):
        email = f"bench-{n}@example.com"
        lease = Lease.objects.filter(parties__lessee__user__email=email).first()
        if lease is None:
            raise SystemExit(f"{email} has no lease: seed the bench database first (scripts/load does)")
        quote = bench_quote(lease)
        found.append(
            Lessee(
                email=email,
                lease_path=f"/vehicles/{lease.public_id}/",
                quote_path=f"/vehicles/{lease.public_id}/quotes/{quote.public_id}/",
                source_ip=f"127.0.{1 + n // 250}.{1 + n % 250}",
            )
        )
    return found


def serve(workers: int, log: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{PORT}",
        "--timeout", "30", "--log-level", "warning",
    ]  # fmt: skip
    env = production_env()
    env.pop("BENCH_ENDPOINTS", None)
    # The server's own log (tracebacks of any 500) goes to a file, not into the report.
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    wait_for(PORT, up=True, seconds=30)
    return server


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def table(results: list[Result], title: str) -> None:
    by_step = defaultdict(list)
    for result in results:
        by_step[result.step].append(result)
    print(f"\n{title}")
    print(f"{'step':<14}{'requests':>9}{'errors':>8}{'5xx':>6}{'no answer':>10}{'p50 ms':>9}{'p95 ms':>9}")
    for step in STEPS:
        rows = by_step.get(step, [])
        times = [r.seconds * 1000 for r in rows if r.ok]
        errors = sum(not r.ok for r in rows)
        server_errors = sum(r.status >= 500 for r in rows)
        no_answer = sum(r.status == 0 for r in rows)
        p50, p95 = (percentile(times, 0.50), percentile(times, 0.95)) if times else (0.0, 0.0)
        print(f"{step:<14}{len(rows):>9}{errors:>8}{server_errors:>6}{no_answer:>10}{p50:>9.0f}{p95:>9.0f}")


def phases(results: list[Result], marks: dict[str, float], end: float) -> None:
    edges = [("before the faults", 0.0), *sorted(((name, at) for name, at in marks.items()), key=lambda m: m[1])]
    labels = {
        "redis down": "Redis stopped",
        "redis back": "after Redis returned",
        "postgres restart": "PostgreSQL restarting",
        "postgres back": "after PostgreSQL returned",
    }
    print("\nBy when the answer came (a request queued before a fault can be served during it):")
    print(f"{'phase':<28}{'from s':>7}{'to s':>7}{'requests':>9}{'errors':>8}{'5xx':>6}{'no answer':>10}")
    for i, (name, start) in enumerate(edges):
        stop = edges[i + 1][1] if i + 1 < len(edges) else end
        rows = [r for r in results if start <= r.answered_at < stop]
        errors = sum(not r.ok for r in rows)
        server_errors = sum(r.status >= 500 for r in rows)
        no_answer = sum(r.status == 0 for r in rows)
        label = labels.get(name, name)
        print(f"{label:<28}{start:>7.1f}{stop:>7.1f}{len(rows):>9}{errors:>8}{server_errors:>6}{no_answer:>10}")


def server_log(log: Path) -> None:
    """What the server logged: 500s by path and the exceptions behind them, cache warnings."""
    lines = log.read_text().splitlines()
    errors = Counter(line for line in lines if line.startswith("Internal Server Error"))
    causes = Counter(
        line.split(" failed: ")[-1][:80] for line in lines if line.startswith("django.db.utils.OperationalError")
    )
    cache = sum("cache unavailable" in line for line in lines)
    print(
        f"\nServer log ({log.relative_to(ROOT)}): " + (", ".join(f"{n} x {e}" for e, n in errors.items()) or "no 500")
    )
    for cause, n in causes.most_common():
        print(f"  {n} x OperationalError: {cause}")
    print(f"  {cache} 'cache unavailable' warnings (logged at most every 10 s per worker)")


def final_check(lessee: Lessee, password: str) -> bool:
    """After everything: a fresh sign-in and each page, once."""
    results: list[Result] = []
    browser = Browser(
        Lessee(lessee.email, lessee.lease_path, lessee.quote_path, "127.0.9.9"), time.monotonic(), results
    )
    signed_in = browser.sign_in(password)
    if signed_in:
        browser.pages()
    print("\nAfterwards: " + ", ".join(f"{r.step} {r.status}" for r in results))
    return signed_in and all(r.ok for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--faults", action="store_true", help="stop Redis and restart PostgreSQL mid-run")
    args = parser.parse_args()
    if not 1 <= args.users <= 500 or not 1 <= args.seconds <= 600:
        parser.error("keep it bounded: 1-500 users, 1-600 seconds")

    os.environ.update(production_env())
    import django

    django.setup()
    from django.db import connections

    from leases.demo import DEMO_PASSWORD

    users = lessees(args.users)
    connections.close_all()  # the PostgreSQL restart must not find this process holding a connection
    log = ROOT / "test-artifacts" / "load-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    print(
        f"Load: {args.users} lessees for {args.seconds:.0f} s, each: sign in (form + CSRF), then My Vehicles, "
        f"lease page, quote page x{PAGE_ROUNDS}; gunicorn {args.workers} sync workers, DEBUG=0, loopback. "
        f"Faults: {'Redis stopped at 15 s for 10 s, PostgreSQL restarted at 35 s' if args.faults else 'none'}."
    )
    server = serve(args.workers, log)
    results: list[Result] = []
    marks: dict[str, float] = {}
    try:
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(target=run_user, args=(u, DEMO_PASSWORD, started, deadline, results), daemon=True)
            for u in users
        ]
        if args.faults:
            redis_at, pg_at = min(15.0, args.seconds * 0.25), min(35.0, args.seconds * 0.6)
            threads.append(threading.Thread(target=faults, args=(started, marks, redis_at, 10.0, pg_at), daemon=True))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 2 * TIMEOUT + 120)
        elapsed = time.monotonic() - started
        total = len(results)
        print(f"\n{total} requests in {elapsed:.1f} s: {total / elapsed:.0f} requests/s")
        table(results, "Per step (p50/p95 of the successful requests)")
        if args.faults:
            phases(results, marks, elapsed)
        healthy = final_check(users[0], DEMO_PASSWORD)
    finally:
        if args.faults:
            ensure_services_up()
        server.terminate()
        server.wait(timeout=30)
    errors = sum(not r.ok for r in results)
    server_log(log)
    print("RESULT: " + ("everything answers again" if healthy else "NOT healthy afterwards") + f"; {errors} errors")
    if not healthy or (errors and not args.faults):
        sys.exit(1)


if __name__ == "__main__":
    main()
