"""Issue 15: a Spanish-speaking lessee's Vehicle Return Kit is in Spanish, every word of it (links,
names and the vehicle's own data aside), with Spanish dates and US dollars; an English reader's kit
keeps its English; the Wear Square and the ruler measure the same in both."""

from __future__ import annotations

import datetime as dt

import pytest

from returnkit.models import PlateRule
from returnkit.services import kit_for_lease, kit_pdf_bytes
from tests.factories import add_reading, lease_ending_in, make_lessee, make_user
from tests.returnkit.pdf import all_rectangles_pt, has_rectangle, reader, text
from tests.returnkit.test_kit import LESSOR as KIT_LESSOR
from tests.spanish import english_words

pytestmark = pytest.mark.django_db

PT_PER_MM = 72 / 25.4
LESSOR = {**KIT_LESSOR, "hours_es": "De lunes a viernes, de 9 a 5"}  # test_kit's lessor, with Spanish hours
SPANISH_HEADINGS = [
    "Su kit de devolución del vehículo",
    "Su vehículo y su arrendamiento",
    "Sus opciones",
    "Devolver el vehículo",
    "Comprar el vehículo",
    "Su lista de verificación para el fin del arrendamiento",
    "Qué traer",
    "Millaje",
    "Placas en New York",
    "Declaración de odómetro",
    "El pago al final",
    "Guía de desgaste excesivo",
    "CUADRADO DE DESGASTE",
]
ENGLISH_HEADINGS = [
    "Your Vehicle Return Kit",
    "Your vehicle and lease",
    "Your options",
    "Return the vehicle",
    "Buy the vehicle",
    "Your lease-end checklist",
    "What to bring",
    "Mileage",
    "License plates in New York",
    "Odometer Disclosure Statement",
    "Paying at the end",
    "Excess wear guide",
    "WEAR SQUARE",
]


@pytest.fixture
def lessor(settings):
    settings.LESSOR = LESSOR
    return LESSOR


def kit_lease(language: str):
    """Ends March 15, 2027, a co-lessee, a reading since signing, registered in New York."""
    owner = make_lessee(make_user(language=language), first_name="Robin", last_name="Okafor")
    co = make_lessee(make_user(), first_name="Sam", last_name="Okafor")
    lease = lease_ending_in(110, lessee=owner, co_lessee=co)
    add_reading(lease, dt.date(2026, 11, 15), 36_012)
    return lease


def kit_text(lease, today) -> tuple[bytes, str]:
    pdf = kit_pdf_bytes(kit_for_lease(lease, today=today))
    return pdf, text(pdf)


def test_a_spanish_readers_kit_has_no_english_words_and_the_spanish_headings(lessor, today):
    pdf, words = kit_text(kit_lease("es"), today)
    assert english_words(words) == set()
    for heading in SPANISH_HEADINGS:
        assert heading in words, heading
    for heading in ENGLISH_HEADINGS:
        assert heading not in words, heading
    # Dates in Spanish, money in US dollars, the footers in Spanish, the lessor's hours in Spanish.
    assert "15 de marzo de 2027" in words
    assert "Prepared on" not in words and "Preparado el 25 de noviembre de 2026" in words
    assert "Del 15 de diciembre de 2026 al 28 de febrero de 2027: Haga una inspección previa de su vehículo" in words
    assert "$1,107.75" in words  # 4,431 miles over at $0.25
    pages = len(reader(pdf).pages)
    for n in range(1, pages + 1):
        assert f"Página {n} de {pages}" in words
    assert "Page " not in words
    assert LESSOR["hours_es"] in words and LESSOR["hours"] not in words
    assert "Coarrendatario" in words  # the co-lessee's role
    # The seeded New York plate rule, in Spanish.
    assert " ".join(PlateRule.objects.get(state="NY").rule_es.split()) in words
    assert reader(pdf).trailer["/Root"]["/Lang"] == "es"


def test_an_english_readers_kit_keeps_its_english(lessor, today):
    pdf, words = kit_text(kit_lease("en"), today)
    for heading in ENGLISH_HEADINGS:
        assert heading in words, heading
    for spanish in [*SPANISH_HEADINGS, "Página", "Preparado", "de marzo de", "Coarrendatario"]:
        assert spanish not in words, spanish
    pages = len(reader(pdf).pages)
    for n in range(1, pages + 1):
        assert f"Page {n} of {pages}" in words
    assert "March 15, 2027" in words and "Prepared on November 25, 2026" in words
    assert " ".join(PlateRule.objects.get(state="NY").rule.split()) in words
    assert reader(pdf).trailer["/Root"]["/Lang"] == "en"


def test_a_plate_rule_without_its_spanish_is_given_in_english(lessor, today):
    PlateRule.objects.filter(state="NY").update(rule_es="")
    _, words = kit_text(kit_lease("es"), today)
    assert " ".join(PlateRule.objects.get(state="NY").rule.split()) in words


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_wear_square_and_the_ruler_measure_true_in_both_languages(lessor, today, language):
    pdf, _ = kit_text(kit_lease(language), today)
    drawn = all_rectangles_pt(pdf)
    assert has_rectangle(drawn, 85.60 * PT_PER_MM, 53.98 * PT_PER_MM)
    assert has_rectangle(drawn, 72.0, 0.6 * PT_PER_MM)
    assert has_rectangle(drawn, 26 * PT_PER_MM, 9.0)
