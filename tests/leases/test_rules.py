"""One home for every rule: each place that shows or uses a rule gives the answer its one home gives.

Each test sets up a lease where the old copies of a rule disagreed and checks every place at once.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from leases import extensions
from leases.extensions import ExtensionRefused
from leases.models import ExtensionRequest, Lease, LeaseParty, Lessee, OdometerReading
from quotes import engine
from quotes.compare import compare
from quotes.forms import ExtensionForm
from quotes.services import quote_create
from quotes.views import _detail_context
from returnkit.emails import reminder_message
from returnkit.services import kit_for_lease, kit_pdf_bytes
from returnkit.turnin.checkin import _vehicle_and_lessees as checkin_statement
from returnkit.turnin.services import appointment_book
from returnkit.turnin.slots import booking_window
from tests.factories import (
    NOW,
    add_reading,
    issue,
    lease_ending_in,
    make_dealer,
    make_dealer_user,
    make_lease,
    make_lessee,
    make_slot,
    make_user,
    return_and_sell,
)
from tests.returnkit.pdf import text as pdf_text

pytestmark = pytest.mark.django_db

ZERO = Decimal("0")
END = dt.date(2026, 12, 15)  # the factories' lease; the clock is pinned to 2026-11-25


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def fresh(lease: Lease) -> Lease:
    return Lease.objects.get(pk=lease.pk)


def waiting_for_review(lease: Lease, user, days: int) -> ExtensionRequest:
    """A request sent for review (as one is when something is past due): its days are reserved."""
    return ExtensionRequest.objects.create(
        lease=lease,
        quote_reference=f"Q-WAIT-{days}",
        days=days,
        daily_fee=Decimal("14.88"),
        fee=Decimal("14.88") * days,
        status=ExtensionRequest.Status.IN_REVIEW,
        review_reason="$100.00 past due on the account when asked",
        requested_by=user,
        requested_on=dt.date(2026, 11, 20),
    )


def ask(lease: Lease, user, days: int, today: dt.date) -> ExtensionRequest:
    return extensions.extension_request_create(
        lease=lease,
        quote_reference=f"Q-ASK-{days}",
        days=days,
        daily_fee=Decimal("14.88"),
        fee=Decimal("14.88") * days,
        user=user,
        today=today,
    )


def extension_form(lease: Lease, today: dt.date, data: dict | None = None) -> ExtensionForm:
    return ExtensionForm(data, lease=lease, today=today, past_due=ZERO, property_tax=ZERO, latest=None)


class TestExtensionDaysLeft:
    """Lease.extension_days_left: the limit less the days granted and the days waiting for review,
    which is what the extension service enforces."""

    def test_compare_the_quote_form_and_the_kit_offer_only_what_the_service_grants(self, personas, today):
        Lease.objects.filter(pk=personas.lease.pk).update(extended_days=100)
        waiting_for_review(personas.lease, personas.owner, 60)  # 180 − 100 − 60: 20 days left
        lease = fresh(personas.lease)

        comparison = compare(lease=lease, today=today, past_due=ZERO, property_tax=ZERO)
        assert [option.event.days for option in comparison.options if option.is_extension] == [20]
        assert extension_form(lease, today).days_left == 20
        assert "at most" in str(extension_form(lease, today, {"days": "21"}).errors["days"])
        assert kit_for_lease(lease, today=today).payload["options"]["extend"]["days_left"] == 20
        assert lease.extension_days_left() == 20

        with pytest.raises(ExtensionRefused, match="up to 20 more days"):
            ask(lease, personas.owner, 21, today)
        assert ask(lease, personas.owner, 20, today).status == ExtensionRequest.Status.APPROVED
        assert fresh(lease).extension_days_left() == 0

    def test_with_every_day_left_waiting_for_review_nothing_is_offered(self, personas, today):
        Lease.objects.filter(pk=personas.lease.pk).update(extended_days=150)
        waiting_for_review(personas.lease, personas.owner, 30)
        lease = fresh(personas.lease)

        comparison = compare(lease=lease, today=today, past_due=ZERO, property_tax=ZERO)
        assert not [option for option in comparison.options if option.is_extension]
        assert "waiting for review" in ExtensionForm.unavailable(lease, today)
        assert kit_for_lease(lease, today=today).payload["options"]["extend"]["days_left"] == 0
        with pytest.raises(ExtensionRefused, match="no more days can be added"):
            ask(lease, personas.owner, 1, today)


class TestEndDate:
    """Lease.end_date: the scheduled end plus every approved extension day, the last day the lessee
    may keep the vehicle."""

    def test_after_an_approved_extension_every_place_shows_the_same_end(self, client, personas, today):
        asked = ask(personas.lease, personas.owner, 30, today)
        lease = fresh(personas.lease)
        end = dt.date(2027, 1, 14)  # December 15, 2026 + 30 days

        assert asked.extended_to == end
        assert booking_window(lease)[1] == end
        comparison = compare(lease=lease, today=today, past_due=ZERO, property_tax=ZERO)
        assert comparison.end == end and comparison.option("return").when == end
        assert comparison.option("extend_30").when == end + dt.timedelta(days=30)
        quote = quote_create(lease=lease, user=personas.owner, event=engine.Extension(days=30), today=today)
        assert _detail_context(quote, today=today)["extension"]["until"] == end + dt.timedelta(days=30)
        kit = kit_for_lease(lease, today=today).payload
        assert kit["end_date"] == "2027-01-14"  # the kit's payload holds ISO dates; its PDF shows them in words
        assert kit["timeline"][-2]["when"] == {"on_or_before": "2027-01-14"}

        client.force_login(personas.owner)
        page = text(client.get(reverse("leases:detail", args=[lease.public_id])))
        assert "extended to <strong>January 14, 2027</strong> (50 days from today)" in page
        vehicles = text(client.get(reverse("leases:list")))
        assert "extended to Jan 14, 2027" in vehicles and "50 days left" in vehicles
        assert lease.end_date == end and lease.days_left(today) == 50

    def test_without_an_extension_the_end_is_the_scheduled_end(self, personas, today):
        assert personas.lease.end_date == personas.lease.maturity_date == dt.date(2026, 12, 15)
        assert booking_window(personas.lease)[1] == dt.date(2026, 12, 15)


def read(lease: Lease, day: dt.date, miles: int) -> OdometerReading:
    return OdometerReading.objects.create(lease=lease, reading_date=day, miles=miles, source="lessee")


class TestOdometerProjection:
    """Lease.odometer_projection: straight on from the signing reading through the latest reading
    since, whole miles rounded half up; with no reading since signing, the allowance driven exactly."""

    def projections(self, lease: Lease, today: dt.date) -> tuple[int, int]:
        """What compare my options and the return kit project for the end date."""
        compared = compare(lease=lease, today=today, past_due=ZERO, property_tax=ZERO)
        kit = kit_for_lease(lease, today=today).payload["options"]["return"]["odometer"]
        return compared.projection.miles, int(kit.replace(",", ""))

    def test_compare_and_the_kit_round_the_same_way(self, personas, today):
        read(personas.lease, dt.date(2026, 11, 15), 40_012)  # 40,000 miles in 1,066 days
        # 30 days more at that pace: 1,125.70 miles, so 41,137.70 rounds to 41,138.
        assert self.projections(personas.lease, today) == (41_138, 41_138)
        assert personas.lease.odometer_projection(END).miles == 41_138

    def test_without_a_signing_reading_both_start_from_the_lease_s_start_odometer(self, personas, today):
        OdometerReading.objects.filter(lease=personas.lease).delete()
        read(personas.lease, dt.date(2026, 11, 15), 40_012)
        assert self.projections(personas.lease, today) == (41_138, 41_138)

    def test_with_no_reading_since_signing_both_assume_the_allowance_and_no_excess(self, personas, today):
        assert self.projections(personas.lease, today) == (36_012, 36_012)  # 12 at signing + 36,000
        back = compare(lease=personas.lease, today=today, past_due=ZERO, property_tax=ZERO).option("return")
        assert back.quote.derived["excess_miles"] == "0"
        projection = personas.lease.odometer_projection(END)
        assert (projection.miles, projection.from_readings) == (36_012, False)


class TestPrimaryLesseeFirst:
    """LeaseParty's ordering (Lease.parties_primary_first): the primary lessee first, then the
    co-lessees in the order they were added."""

    @pytest.fixture
    def lease(self, db):
        """The primary lessee was added after the co-lessee (a lessee swap): the primary's party
        row comes second by id, and "co_lessee" sorts before "primary" by name."""
        robin = make_lessee(make_user("robin@example.com"), first_name="Robin", last_name="Primary")
        sam = make_lessee(make_user("sam@example.com"), first_name="Sam", last_name="Second", zip_code="07030")
        lease = make_lease(sam, co_lessee=robin)
        LeaseParty.objects.filter(lease=lease, lessee=sam).update(role=LeaseParty.Role.CO_LESSEE)
        LeaseParty.objects.filter(lease=lease, lessee=robin).update(role=LeaseParty.Role.PRIMARY)
        return lease

    def test_every_list_of_lessees_puts_the_primary_first(self, client, lease, today):
        lease = fresh(lease)
        robin = Lessee.objects.get(first_name="Robin")
        assert [p.lessee.first_name for p in lease.parties_primary_first()] == ["Robin", "Sam"]
        assert lease.primary_lessee == robin
        assert lease.email_addresses() == ["robin@example.com", "sam@example.com"]
        assert [lessee["name"] for lessee in kit_for_lease(lease, today=today).payload["lessees"]] == [
            "Robin Primary",
            "Sam Second",
        ]
        assert reminder_message(lease, "kit_120", today=today, kit=None).body.startswith("Hello Robin and Sam,")
        statement = checkin_statement(lease)
        assert statement["lessee_names"] == "Robin Primary and Sam Second"
        assert statement["lessee_address"] == "\n".join(robin.address_lines)

        client.force_login(robin.user)
        page = text(client.get(reverse("leases:detail", args=[lease.public_id])))
        assert page.index("Robin Primary") < page.index("Sam Second")

    def test_the_bill_is_addressed_to_the_primary_lessee(self, lease):
        return_and_sell(lease, returned_on=lease.turn_in_window_opens)
        bill = issue(lease)
        assert bill.bill_to.splitlines()[0] == "Robin Primary"

    def test_the_dealer_s_day_lists_the_primary_first(self, client, lease):
        dealer = make_dealer("hudson-toyota", "10001", ("Toyota",))
        slot = make_slot(dealer, dt.date(2026, 12, 1), 10)
        appointment_book(lease=lease, slot_id=slot.public_id, user=None, now=NOW)
        client.force_login(make_dealer_user(dealer))
        page = text(client.get(reverse("turnin:dealer_day"), {"day": "2026-12-01"}))
        assert "Robin Primary, Sam Second" in page


def words(response) -> str:
    """The page's text without its tags, runs of whitespace as one space."""
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


class TestMilesAllowedAndOver:
    """Lease.miles_allowed_to and Lease.miles_over: the allowance earned to a day is never more than
    the whole lease's, and the miles over it are the miles the bill charges. A 36-month lease over
    a leap day has 1,096 days: prorating 12,000 miles a year over all of them gave 36,032 "allowed
    to date" against a 36,000-mile allowance, and My Vehicles said 2,848 miles over where the bill
    charged 2,880."""

    DRIVEN = 38_880  # 2,880 over the 36,000-mile allowance

    @pytest.fixture
    def lease(self, settings):
        lease = lease_ending_in(-10)  # ended November 15, 2026; 2023-11-15 to 2026-11-15 is 1,096 days
        assert (lease.maturity_date - lease.start_date).days == 1096
        add_reading(lease, lease.maturity_date, lease.start_odometer + self.DRIVEN)
        # The pages are seen on the end date, the day of the reading: compare and the kit project
        # nothing past it, so every place has the same miles driven.
        settings.PORTAL_TODAY = lease.maturity_date
        return lease

    @pytest.fixture
    def today(self, lease):
        return lease.maturity_date

    def test_every_place_shows_the_same_allowance_and_miles_over(self, client, lease, today):
        client.force_login(lease.primary_lessee.user)
        assert (lease.miles_allowed_to(today), lease.miles_over(self.DRIVEN, today)) == (36_000, 2_880)

        mine = words(client.get(reverse("leases:list")))
        assert "Miles allowed to date 36,000" in mine
        assert "Miles driven 38,880" in mine
        assert "You have driven 2,880 miles more than your allowance" in mine

        page = words(client.get(reverse("leases:detail", args=[lease.public_id])))
        assert "Allowance for the whole lease 36,000 miles" in page
        assert "Allowed to date 36,000 miles" in page
        assert "Miles driven 38,880" in page
        assert "You have driven 2,880 miles more than your allowance" in page

        compared = words(client.get(reverse("quotes:compare", args=[lease.public_id])))
        assert "2,880 miles over your 36,000-mile allowance" in compared

        kit = kit_for_lease(fresh(lease), today=today)
        mileage = kit.payload["mileage"]
        assert (mileage["allowance_total"], mileage["projected_excess_miles"]) == ("36,000", "2,880")
        kit_words = pdf_text(kit_pdf_bytes(kit))
        assert "Allowance 36,000 miles" in kit_words
        assert "Projected excess 2,880 miles" in kit_words

        for shown in (mine, page, compared, kit_words):
            assert "36,032" not in shown and "2,848" not in shown

        return_and_sell(lease, returned_on=lease.maturity_date, odometer=lease.start_odometer + self.DRIVEN)
        bill = issue(lease)
        mileage_line = next(line for line in bill.lines if line["code"] == "excess_mileage")
        assert mileage_line["rule"] == "2,880 miles over your 36,000-mile allowance × $0.25 a mile"
        assert mileage_line["amount"] == "720.00"  # 2,880 × 0.25
        billed = words(client.get(reverse("leases:bill", args=[lease.public_id])))
        assert "2,880 miles over your 36,000-mile allowance" in billed

        # After the return, My Vehicles and the lease page still agree with the bill.
        assert "You have driven 2,880 miles more than your allowance" in words(client.get(reverse("leases:list")))
        page = words(client.get(reverse("leases:detail", args=[lease.public_id])))
        assert "Allowed to date 36,000 miles" in page
        assert "You have driven 2,880 miles more than your allowance" in page

    def test_within_the_allowance_nothing_is_said_to_be_over(self, client, lease, today):
        OdometerReading.objects.filter(lease=lease, source="lessee").update(miles=lease.start_odometer + 36_000)
        client.force_login(lease.primary_lessee.user)
        assert lease.miles_over(36_000, today) == 0
        for url in (reverse("leases:list"), reverse("leases:detail", args=[lease.public_id])):
            shown = words(client.get(url))
            assert "Miles driven 36,000" in shown
            assert "more than your allowance" not in shown
