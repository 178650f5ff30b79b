"""A lessee asks for every kind of quote in Chromium, prints one, and compares the options."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from leases.models import OdometerReading
from quotes import engine
from quotes.engine import usd
from quotes.models import Quote
from tests.e2e.conftest import ARTIFACTS, sign_in
from tests.factories import make_lease, make_lessee, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

END = dt.date(2026, 12, 15)  # the factories' default lease; the clock is pinned to 2026-11-25


@pytest.fixture
def lease(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lease = make_lease(make_lessee(make_user("dana@example.com"), first_name="Dana"))
    OdometerReading.objects.create(
        lease=lease, reading_date=dt.date(2026, 11, 15), miles=40012, source=OdometerReading.Source.LESSEE
    )
    return lease


def open_form(page, base: str, lease, cta: str) -> None:
    page.goto(f"{base}/vehicles/{lease.public_id}/")
    page.get_by_role("link", name="Request a quote").click()
    page.get_by_role("link", name=cta).click()


def get_quote(page) -> None:
    """Submit the form and wait for the quote page (its reference is on no other page)."""
    page.get_by_role("button", name="Get my quote").click()
    page.locator(".reference").wait_for()


def check_against_engine(page, lease, event) -> Quote:
    """The page shows the engine's lines and totals for this event, to the cent."""
    expected = engine.compute_quote(lease.terms(), event)
    quote = Quote.objects.latest("created_at")
    # The lines that apply; those at $0.00 are named in one sentence under them (lines_presented).
    applying = [line for line in expected.lines if line.amount != 0]
    assert page.locator(".quote-line-amount").all_inner_texts() == [usd(line.amount) for line in applying]
    assert page.locator(".quote-line-rule").all_inner_texts() == [line.rule for line in applying]
    zero = [line for line in expected.lines if line.amount == 0]
    assert page.locator(".zero-lines").count() == (1 if zero else 0)
    assert page.locator(".quote-total-row.total .money").inner_text() == usd(expected.total)
    assert (quote.total, quote.net_after_deposit) == (expected.total, expected.net_after_deposit)
    assert quote.reference in page.locator(".reference").inner_text()
    return quote


def test_lessee_gets_each_kind_of_quote_prints_one_and_compares(page, live_server, lease, settings):
    settings.TURN_IN_WINDOW_DAYS = 0  # the lease ends in 20 days: keep an early return possible
    base = live_server.url
    sign_in(page, base, "dana@example.com")
    page.get_by_role("link", name=lease.vehicle.description).click()
    page.get_by_role("link", name="Request a quote").wait_for()
    page.shots("lease-page")

    # Turn-in estimate: the worked example, 41,012 miles on the end date.
    page.get_by_role("link", name="Request a quote").click()
    page.shots("choose")
    page.get_by_role("link", name="Get a turn-in estimate").click()
    assert page.get_by_label("Odometer when you return the car (miles)").input_value() == "40012"
    page.get_by_label("Odometer when you return the car (miles)").fill("41012")
    page.shots("turn-in-form")
    get_quote(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Turn-in estimate"
    turn_in = check_against_engine(page, lease, engine.TurnIn(date=END, odometer=41012))
    assert page.locator(".quote-total-row.total .money").inner_text() == "$1,723.13"
    assert page.locator(".quote-total-row.net .money").inner_text() == "$1,223.13"
    page.shots("turn-in-quote")

    # Its PDF, fetched with the browser's session: same total and reference as the page.
    href = page.get_by_role("link", name="View / print (PDF)").get_attribute("href")
    response = page.request.get(base + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "quote-turn-in.pdf").write_bytes(response.body())
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    on_page = [page.locator(selector).inner_text() for selector in (".reference", ".quote-total-row.total .money")]
    assert on_page == [turn_in.reference, "$1,723.13"]
    for figure in [*on_page, page.locator(".quote-total-row.net .money").inner_text()]:
        assert figure in pdf_text

    # A mistake first: an odometer below the last reading is explained and nothing is saved.
    open_form(page, base, lease, "Get a turn-in estimate")
    page.get_by_label("Odometer when you return the car (miles)").fill("39000")
    page.get_by_role("button", name="Get my quote").click()
    page.get_by_text("39,000 miles is below your last reading of 40,012 miles").wait_for()
    page.shots("turn-in-error")
    assert Quote.objects.count() == 1

    # Buyout today, with the security deposit applied.
    open_form(page, base, lease, "Get a buyout quote")
    page.get_by_label("Purchase date").fill("2026-11-25")
    assert page.locator("[name=apply_security_deposit]").count() == 0  # applied, not asked about
    page.shots("buyout-form")
    get_quote(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Buyout"
    check_against_engine(page, lease, engine.Buyout(date=dt.date(2026, 11, 25), apply_security_deposit=True))
    page.shots("buyout-quote")

    # Early return on December 1 at an estimated value of $18,000.
    open_form(page, base, lease, "Get an early return quote")
    assert page.get_by_label("Estimated vehicle value").input_value() == "19500.00"
    page.get_by_label("Planned return date").fill("2026-12-01")
    page.get_by_label("Estimated vehicle value").fill("18,000")
    page.shots("early-return-form")
    get_quote(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Early return"
    event = engine.EarlyTermination(date=dt.date(2026, 12, 1), odometer=40012, realized_value=Decimal("18000"))
    check_against_engine(page, lease, event)
    page.shots("early-return-quote")

    # Extension: the fee and the limit are on the page before the question.
    open_form(page, base, lease, "Get an extension quote")
    page.get_by_text("180 days left").wait_for()
    page.get_by_label("How many more days would you like?").fill("90")
    page.shots("extension-form")
    get_quote(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Extension"
    check_against_engine(page, lease, engine.Extension(days=90))
    page.shots("extension-quote")

    # The lease page lists the four quotes, newest first.
    page.goto(f"{base}/vehicles/{lease.public_id}/")
    items = page.locator(".quote-item a").all_inner_texts()
    assert items == ["Extension", "Early return", "Buyout", "Turn-in estimate"]

    # Compare my options, then keep the return as a quote.
    page.get_by_role("link", name="Compare my options").click()
    page.get_by_role("heading", name="Compare my options").wait_for()
    page.get_by_text("Buying costs $19,262.16 more up front than returning, and you keep the car.").wait_for()
    assert page.locator(".option-card").count() == 5
    page.shots("compare")
    page.get_by_role("button", name="Save as a quote: Return it on December 15, 2026").click()
    page.locator(".reference").wait_for()
    check_against_engine(page, lease, engine.TurnIn(date=END, odometer=41138))
    assert Quote.objects.count() == 5


def test_quotes_and_compare_read_well_on_a_phone(phone_page, live_server, lease):
    page, base = phone_page, live_server.url
    sign_in(page, base, "dana@example.com")
    page.goto(f"{base}/vehicles/{lease.public_id}/compare/")
    page.get_by_role("heading", name="Compare my options").wait_for()
    cards = page.locator(".option-card")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["x"] == second["x"] and second["y"] > first["y"]  # stacked, not side by side
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    page.shots("compare")

    page.get_by_role("button", name="Save as a quote: Return it on December 15, 2026").click()
    page.locator(".reference").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.shots("quote")

    page.goto(f"{base}/vehicles/{lease.public_id}/quotes/new/early-return/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.shots("early-return-form")
