"""Quote pages: server time and queries with 1 and with 50 quotes on a lease; PDF render time.

A script, not a test (pytest does not collect it). From the project root:
    .venv/bin/python tests/perf/bench_quotes.py [--requests 50]

It works in a throwaway database made the way the test runner makes one (from DATABASE_URL,
named bench_quotes_tmp, dropped at the end), so it never writes to a real portfolio. "Server
time" is the whole request through Django's handler in process (middleware, view, template),
without a network or a web server in front: the median of --requests requests.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402 - needs ROOT on the path first

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

TODAY = dt.date(2026, 11, 25)


def timed_get(client: Client, url: str, requests: int) -> tuple[float, int]:
    """(median milliseconds, queries of one request) for GET url."""
    client.get(url)  # warm: templates compiled, connection open
    reset_queries()  # a full query log (9,000 entries) would make every count 0
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(queries)


def run(requests: int) -> None:
    from django.urls import reverse

    from quotes import engine
    from quotes.pdf import render_quote_pdf
    from quotes.services import quote_create
    from tests.factories import make_lease, make_lessee, make_user

    user = make_user("bench-quotes@example.com")
    lease = make_lease(make_lessee(user))
    event = engine.TurnIn(date=lease.maturity_date, odometer=41012)

    def give():
        return quote_create(lease=lease, user=user, event=event, today=TODAY)

    first = give()
    client = Client()
    client.force_login(user)
    pages = {
        "quote page": first.get_absolute_url(),
        "lease page (quote list)": reverse("leases:detail", args=[lease.public_id]),
    }
    print(f"{'page':<26}{'quotes':>7}{'median ms':>11}{'queries':>9}")
    for count in (1, 50):
        while lease.quotes.count() < count:
            give()
        for name, url in pages.items():
            median, queries = timed_get(client, url, requests)
            print(f"{name:<26}{count:>7}{median:>11.2f}{queries:>9}")

    renders = []
    for _ in range(10):
        start = time.perf_counter()
        data = render_quote_pdf(first)
        renders.append((time.perf_counter() - start) * 1000)
    print(
        f"\nPDF render (WeasyPrint, US Letter, {len(data):,} bytes): median of 10 {statistics.median(renders):.0f} ms"
    )
    pdf_url = reverse("quotes:pdf", args=[lease.public_id, first.public_id])
    client.get(pdf_url)  # the first request renders and stores it
    median, queries = timed_get(client, pdf_url, requests)
    print(f"PDF served from storage after the first request: median {median:.2f} ms, {queries} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="requests timed per page (median)")
    args = parser.parse_args()

    settings.PORTAL_TODAY = TODAY
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "bench_quotes_tmp"
    setup_test_environment()
    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            print(f"database: {connection.vendor}, DEBUG={settings.DEBUG}, clock pinned to {TODAY}")
            run(args.requests)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
