"""Web benchmark: gunicorn (production settings) on loopback, wrk as the load, figures side by side.

Run through `make bench` (scripts/bench), which seeds the portfolio first. Prints, for each page,
requests/s and p95 next to the floor (a bare view doing one primary-key query on the same server),
the server's CPU per request, and the queries a page makes (made: its second visit, the first keeps
the header's counts and help links in the cache; kept: its third, the page's data kept per user) for
a lessee with 1 lease and with 10 leases, and for the dealer day.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.2f p95=%.2f errors=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
"""


def production_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY", "bench-secret-key-" + "k" * 40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        BENCH_ENDPOINTS="1",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    env.pop("PORTAL_TODAY", None)
    return env


def session_cookie(email: str) -> str:
    """A signed-in session for ``email``, made directly (no sign-in form, no MFA) for the load."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    user = get_user_model().objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    from portal.adapter import PERSONA_SESSION_KEY, persona_of

    session[PERSONA_SESSION_KEY] = persona_of(user)  # as signing in sets it: the header's menu follows
    session.create()
    # A browser holds its CSRF secret from its first page on: the pages' kept HTML is keyed by it.
    from django.utils.crypto import get_random_string

    csrf = get_random_string(32)
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def answers_200(url: str, cookie: str | None) -> None:
    """wrk counts a redirect (to the sign-in page, say) as a success: make sure the page is the page."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers={"Cookie": cookie or ""})
    status = connection.getresponse().status
    connection.close()
    if status != 200:
        raise RuntimeError(f"{url} answered {status}, not 200: not measuring it")


def wrk(url: str, cookie: str | None) -> dict[str, float]:
    answers_200(url, cookie)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "-s", script.name, url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    match = re.search(r"RESULT rps=([\d.]+) p50=([\d.]+) p95=([\d.]+) errors=(\d+)", out)
    if not match:
        raise RuntimeError(f"wrk gave no result for {url}:\n{out}")
    rps, p50, p95, errors = match.groups()
    return {"rps": float(rps), "p50": float(p50), "p95": float(p95), "errors": int(errors)}


def queries_for(email: str, paths: list[str]) -> list[tuple[int, int]]:
    """Each page's queries on its second visit (made: the first fills the header's counts and help
    links and notes what the page is made from) and on its third (kept, portal.cache.page_data)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    if not getattr(queries_for, "ready", False):
        setup_test_environment()
        queries_for.ready = True
    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email=email))
    counts = []
    for path in paths:
        client.get(path, secure=True)
        visits = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path, secure=True)
            assert response.status_code == 200, (path, response.status_code)
            visits.append(len(ctx))
        counts.append(tuple(visits))
    return counts


def bench_quote(lease):
    """The bench lessee's quote: a turn-in estimate made once, kept in the bench database."""
    from quotes import engine
    from quotes.models import Quote
    from quotes.services import quote_create

    quote = Quote.objects.filter(lease=lease).order_by("created_at").first()
    if quote is None:
        from portal import clock

        user = lease.parties.select_related("lessee__user").first().lessee.user
        event = engine.TurnIn(date=lease.maturity_date, odometer=lease.start_odometer + 30_000)
        quote = quote_create(lease=lease, user=user, event=event, today=clock.today())
    return quote


def pages_for(email: str) -> dict[str, str]:
    from django.contrib.auth import get_user_model

    from leases.models import Lease

    lease = Lease.objects.for_customer(get_user_model().objects.get(email=email)).order_by("pk").first()
    quote = bench_quote(lease)
    return {
        "empty page": "/bench/shell",
        "My Vehicles": "/vehicles/",
        "lease page": f"/vehicles/{lease.public_id}/",
        "quote page": f"/vehicles/{lease.public_id}/quotes/{quote.public_id}/",
        "compare": f"/vehicles/{lease.public_id}/compare/",
        "kit PDF (stored)": f"/vehicles/{lease.public_id}/return-kit.pdf",
    }


DEALER_EMAIL = "bench-dealer@example.com"
DAY_APPOINTMENTS = 16


def bench_dealer_day() -> str:
    """A dealer user with an authenticator app (two-factor enrolled, as dealer pages require) and
    16 appointments at their dealership today, each for its own bench lease: made once, kept."""
    import datetime as dt
    import zoneinfo

    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    from leases.models import Dealer, Lease
    from portal import clock
    from returnkit.turnin.geo import zone_for_zip
    from returnkit.turnin.models import Appointment, DealerStaff, TurnInSlot

    User = get_user_model()
    user = User.objects.filter(email=DEALER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=DEALER_EMAIL, password=None)
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "bench"})
        DealerStaff.objects.create(user=user, dealer=Dealer.objects.order_by("pk").first())
    dealer = user.dealer_staff.dealer
    today = clock.today()
    zone = zone_for_zip(dealer.zip_code) or zoneinfo.ZoneInfo("UTC")
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    booked = Appointment.objects.filter(
        slot__dealer=dealer, slot__starts_at__gte=start, slot__starts_at__lt=start + dt.timedelta(days=1)
    ).count()
    if booked < DAY_APPOINTMENTS:
        taken = Appointment.objects.values("lease_id")
        leases = (
            Lease.objects.exclude(pk__in=taken).filter(status="active").order_by("-pk")[: DAY_APPOINTMENTS - booked]
        )
        for n, lease in enumerate(leases, start=booked):
            slot, _ = TurnInSlot.objects.get_or_create(
                dealer=dealer, starts_at=start + dt.timedelta(hours=8, minutes=30 * n), defaults={"capacity": 2}
            )
            Appointment.objects.create(lease=lease, slot=slot)
    return DEALER_EMAIL


def multi_pages(single_pages: dict[str, str], email: str) -> dict[str, str]:
    """The same pages for the lessee with 10 leases (their first lease)."""
    from django.contrib.auth import get_user_model

    from leases.models import Lease

    one = single_pages["lease page"].split("/")[2]
    lease = Lease.objects.for_customer(get_user_model().objects.get(email=email)).order_by("pk").first()
    quote = bench_quote(lease)
    single_quote = single_pages["quote page"].split("/")[4]
    return {
        label: path.replace(one, str(lease.public_id)).replace(single_quote, str(quote.public_id))
        for label, path in single_pages.items()
    }


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User and system CPU of gunicorn's workers (children of the master) so far."""
    total = 0.0
    for pid in [server.pid, *Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def row(label: str, r: dict, floor: dict) -> None:
    ratio = r["rps"] / floor["rps"]
    print(
        f"{label:<18}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}{ratio:>13.3f}{r['cpu_ms']:>9.1f}{r['errors']:>8}"
    )


def measured(server: subprocess.Popen, url: str, cookie: str | None) -> dict[str, float]:
    before = server_cpu_seconds(server)
    result = wrk(url, cookie)
    seconds = float(DURATION.rstrip("s"))
    result["cpu_ms"] = (server_cpu_seconds(server) - before) * 1000 / max(result["rps"] * seconds, 1)
    return result


def main() -> None:
    os.environ.update(production_env())
    import django

    django.setup()
    from leases.models import Lease

    lease_pk = Lease.objects.order_by("pk").values_list("pk", flat=True).first()
    single, multi = "bench-0@example.com", "bench-multi@example.com"
    pages = pages_for(single)
    dealer = bench_dealer_day()
    print(f"Portfolio: {Lease.objects.count():,} leases. Server: gunicorn, 4 sync workers, DEBUG=0.")

    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "-w", "4", "-b", f"127.0.0.1:{PORT}"]
    server = subprocess.Popen([*gunicorn, "--log-level", "warning"], cwd=ROOT, env=production_env())
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        cookie = session_cookie(single)
        dealer_cookie = session_cookie(dealer)
        floor = measured(server, f"http://127.0.0.1:{PORT}/bench/floor/{lease_pk}", None)
        print(f"\n{'page':<18}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'× floor rps':>13}{'CPU ms':>9}{'errors':>8}")
        row("floor (1 query)", floor, floor)
        for label, path in pages.items():
            row(label, measured(server, f"http://127.0.0.1:{PORT}{path}", cookie), floor)
        row("dealer day (16)", measured(server, f"http://127.0.0.1:{PORT}/dealer/", dealer_cookie), floor)
    finally:
        server.terminate()
        server.wait(timeout=20)

    from django.core.cache import cache

    cache.clear()  # every page made once more, then kept
    ones = queries_for(single, list(pages.values()))
    tens = queries_for(multi, list(multi_pages(pages, multi).values()))
    print("\nQueries per page, made / kept, 1 lease and 10 leases:")
    for label, one, ten in zip(pages, ones, tens, strict=True):
        same = "equal" if one == ten else "NOT EQUAL"
        print(f"  {label:<18}{one[0]:>3} /{one[1]:>3}   {ten[0]:>3} /{ten[1]:>3}  {same}")
    ((made, kept),) = queries_for(dealer, ["/dealer/"])
    print(f"  {'dealer day (16)':<18}{made:>3} /{kept:>3}")


if __name__ == "__main__":
    main()
