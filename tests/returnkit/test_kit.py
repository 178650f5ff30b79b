"""The Vehicle Return Kit read back from its PDF: content, true-scale gauges, and reuse of the stored kit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from leases.models import Mileage, OdometerReading
from quotes.engine import Buyout, Extension, TurnIn, compute_quote
from returnkit.models import KitSnapshot, PlateRule
from returnkit.services import kit_for_lease, kit_pdf_bytes
from tests.factories import add_reading, lease_ending_in, make_lessee, make_user
from tests.returnkit.pdf import all_rectangles_pt, has_rectangle, reader, text

pytestmark = pytest.mark.django_db

PT_PER_MM = 72 / 25.4
LESSOR = {
    "name": "Northwind Lease Trust",
    "short_name": "Northwind",
    "customer_phone": "1-888-555-0142",
    "payments_phone": "1-888-555-0143",
    "dealer_phone": "1-888-555-0144",
    "hours": "Weekdays 9 to 5",
    "mailing_address": "PO Box 42\nSpringfield, ST 00042",
    "payment_address": "Lockbox 7\nSpringfield, ST 00043",
    "email": "ends@northwind.example",
}


@pytest.fixture
def lessor(settings):
    settings.LESSOR = LESSOR
    return LESSOR


@pytest.fixture
def kit_lease(lessor, today):
    """Ends March 15, 2027 (110 days out), a co-lessee, one reading since signing, registered in NY."""
    owner = make_lessee(make_user(), first_name="Robin", last_name="Okafor", address_line1="12 Elm Street")
    co = make_lessee(make_user(), first_name="Sam", last_name="Okafor", address_line1="12 Elm Street")
    lease = lease_ending_in(110, lessee=owner, co_lessee=co)
    add_reading(lease, dt.date(2026, 11, 15), 36_012)
    return lease


def kit_pdf(lease, today) -> tuple[KitSnapshot, bytes]:
    kit = kit_for_lease(lease, today=today)
    return kit, kit_pdf_bytes(kit)


class TestProjection:
    """The kit's projection is the lease's (Lease.odometer_projection)."""

    def test_straight_line_from_signing_through_the_latest_reading(self, kit_lease):
        # 36,000 miles in 975 days; 120 more days → 4,430.77 more miles, rounded half up.
        projection = kit_lease.odometer_projection(dt.date(2027, 3, 15))
        assert (projection.miles, projection.from_readings) == (40_443, True)
        assert (projection.start, projection.latest) == (
            Mileage(dt.date(2024, 3, 15), 12),
            Mileage(dt.date(2026, 11, 15), 36_012),
        )

    def test_no_reading_since_signing_gives_no_projection(self):
        projection = lease_ending_in(110).odometer_projection(dt.date(2027, 3, 15))
        assert (projection.miles, projection.from_readings) == (12 + 36_000, False)  # the allowance is assumed

    def test_a_reading_after_the_end_date_is_the_answer(self):
        lease = lease_ending_in(110)
        add_reading(lease, dt.date(2027, 3, 20), 41_000)
        assert lease.odometer_projection(dt.date(2027, 3, 15)).miles == 41_000


class TestKitContent:
    def test_cover_names_the_lessees_vehicle_account_end_date_and_lessor_from_settings(self, kit_lease, today):
        kit, pdf = kit_pdf(kit_lease, today)
        words = text(pdf)
        for expected in [
            "Robin Okafor",
            "Sam Okafor",
            kit_lease.vehicle.vin,
            kit_lease.account_number,
            "March 15, 2027",
            "2023 Toyota RAV4 XLE",
            LESSOR["name"],
            LESSOR["customer_phone"],
            LESSOR["payments_phone"],
            "Lockbox 7",
            "Prepared on November 25, 2026",
        ]:
            assert expected in words, expected
        assert kit.pages == len(reader(pdf).pages) >= 4

    def test_every_page_is_us_letter(self, kit_lease, today):
        _, pdf = kit_pdf(kit_lease, today)
        assert {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader(pdf).pages} == {(612.0, 792.0)}

    def test_options_show_the_engines_figures_for_the_projected_odometer(self, kit_lease, today):
        _, pdf = kit_pdf(kit_lease, today)
        words = text(pdf)
        terms = kit_lease.terms()
        turn_in = compute_quote(terms, TurnIn(date=terms.maturity_date, odometer=40_443))
        buyout = compute_quote(terms, Buyout(date=terms.maturity_date))
        extension = compute_quote(terms, Extension(days=30))
        assert turn_in.lines[0].amount == Decimal("1107.75")  # 4,431 miles over at $0.25
        for amount in [
            turn_in.lines[0].amount,
            turn_in.total,
            turn_in.net_after_deposit,
            buyout.total,
            terms.residual_value,
            terms.daily_extension_fee,
            extension.total,
        ]:
            assert f"${amount:,.2f}" in words, amount
        assert "40,443" in words  # the projected odometer
        assert "4,431 miles" in words  # projected excess

    def test_mileage_section_shows_allowance_latest_reading_and_projection(self, kit_lease, today):
        _, pdf = kit_pdf(kit_lease, today)
        words = text(pdf)
        assert "36,000 miles" in words
        assert "36,012 on November 15, 2026" in words
        assert "40,443 on March 15, 2027" in words

    def test_checklist_dates_are_computed_from_this_leases_end_date(self, kit_lease, today):
        _, pdf = kit_pdf(kit_lease, today)
        words = text(pdf)
        assert "December 15, 2026 to February 28, 2027: Pre-inspect your vehicle" in words  # 90 to 15 days before
        assert "February 15, 2027 to March 8, 2027: Book your turn-in appointment" in words  # 28 to 7 days before
        assert "On or before March 15, 2027: Turn in the vehicle" in words
        assert "Sign the odometer statement" in words

    def test_what_to_bring_lists_this_vehicles_equipment_by_count(self, kit_lease, today):
        kit_lease.vehicle.equipment.create(name="Cargo cover", quantity=1)
        _, pdf = kit_pdf(kit_lease, today)
        words = text(pdf)
        assert "2 × Smart key" in words
        assert "1 × Cargo cover" in words
        assert "lease agreement" in words and "owner's manual" in words

    def test_seeded_new_york_plate_rule_with_the_dmv_line(self, kit_lease, today):
        rule = PlateRule.objects.get(state="NY")
        _, pdf = kit_pdf(kit_lease, today)
        words = text(pdf)
        assert "License plates in New York" in words
        assert " ".join(rule.rule.split()) in words
        assert "check with your DMV" in words

    def test_a_state_without_a_rule_gets_check_with_your_dmv(self, lessor, today):
        lease = lease_ending_in(100)
        lease.registration_state = "OH"
        lease.save(update_fields=["registration_state"])
        _, pdf = kit_pdf(lease, today)
        words = text(pdf)
        assert "We don't have plate guidance for Ohio" in words
        assert "check with your DMV" in words
        assert not any(" ".join(r.split()) in words for r in PlateRule.objects.values_list("rule", flat=True))

    def test_plate_rules_are_seeded_for_the_seven_states(self):
        assert set(PlateRule.objects.values_list("state", flat=True)) >= {"NY", "MD", "MI", "MA", "VA", "CT", "RI"}

    def test_odometer_statement_is_prefilled_except_the_reading_and_date(self, kit_lease, today):
        _, pdf = kit_pdf(kit_lease, today)
        [statement] = [
            " ".join(page.extract_text().split())
            for page in reader(pdf).pages
            if "Odometer Disclosure Statement" in page.extract_text()
        ]
        for expected in [
            "Robin Okafor",
            "Sam Okafor",
            "12 Elm Street",
            LESSOR["name"],
            "PO Box 42",
            "2023",
            "Toyota",
            "RAV4",
            "4-door SUV",
            kit_lease.vehicle.vin,
            "no tenths",
            "Date of this statement",
            "is the vehicle's actual mileage",
            "Warning: odometer discrepancy",
            "49 CFR Part 580",
        ]:
            assert expected in statement, expected
        assert "36,012" not in statement  # the reading is written at the dealer, not pre-filled


class TestTrueScale:
    def test_wear_square_is_85_60_by_53_98_mm_and_the_ruler_one_inch(self, kit_lease, today):
        _, pdf = kit_pdf(kit_lease, today)
        drawn = all_rectangles_pt(pdf)
        assert has_rectangle(drawn, 85.60 * PT_PER_MM, 53.98 * PT_PER_MM)  # 242.65 × 153.01 pt
        assert has_rectangle(drawn, 72.0, 0.6 * PT_PER_MM)  # the ruler's 1-inch bar
        assert has_rectangle(drawn, 26 * PT_PER_MM, 9.0)  # the 1/8 in. tread band: 9 pt tall
        assert not has_rectangle(drawn, 85.0 * PT_PER_MM, 53.98 * PT_PER_MM)  # the check can fail
        assert "Print this page at 100 %" in text(pdf)


class TestSnapshot:
    def test_the_stored_kit_is_served_again_until_the_lease_changes(self, kit_lease, today):
        first, pdf = kit_pdf(kit_lease, today)
        again = kit_for_lease(kit_lease, today=today + dt.timedelta(days=3))
        assert again.pk == first.pk
        assert again.prepared_on == today  # the figures did not change, so neither did the kit
        assert kit_pdf_bytes(again) == pdf
        OdometerReading.objects.create(lease=kit_lease, reading_date=today, miles=37_500, source="lessee")
        changed = kit_for_lease(kit_lease, today=today)
        assert changed.pk != first.pk
        assert changed.fingerprint != first.fingerprint
        assert KitSnapshot.objects.filter(lease=kit_lease).count() == 2

    def test_the_primary_lessees_language_is_in_the_payload_and_a_new_language_makes_a_new_kit(self, kit_lease, today):
        first = kit_for_lease(kit_lease, today=today)
        assert first.payload["language"] == "en"
        user = kit_lease.primary_lessee.user
        user.language = "es"
        user.save(update_fields=["language"])
        spanish = kit_for_lease(kit_lease, today=today)
        assert spanish.payload["language"] == "es"
        assert spanish.fingerprint != first.fingerprint

    def test_a_stored_kit_whose_file_is_gone_is_rendered_again(self, kit_lease, today):
        first = kit_for_lease(kit_lease, today=today)
        first.pdf.storage.delete(first.pdf.name)
        again = kit_for_lease(kit_lease, today=today)
        assert again.pk == first.pk
        assert kit_pdf_bytes(again).startswith(b"%PDF-")
        again.refresh_from_db()
        assert again.pdf.storage.exists(again.pdf.name)

    def test_the_snapshot_holds_the_data_the_pdf_was_built_from(self, kit_lease, today):
        kit, _ = kit_pdf(kit_lease, today)
        kit.refresh_from_db()
        assert kit.payload["account_number"] == kit_lease.account_number
        assert kit.payload["mileage"]["projected_odometer"] == "40,443"
        assert kit.pdf.name.startswith(f"kits/{kit_lease.public_id}/")
