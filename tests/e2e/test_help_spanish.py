"""The help centre in Spanish in Chromium: axe at phone and desktop widths, and the search box's
suggestions in Spanish as the reader types."""

import pytest
from django.urls import reverse

from tests.e2e.test_accessibility import BLOCKING, DESKTOP, PHONE, audit, describe, phone_check
from tests.world import help_articles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "help": reverse("help"),
    "help-results": reverse("help") + "?q=declarasion+del+odometro",
    "help-no-results": reverse("help") + "?q=zzzz+qqqq",
    "help-article": reverse("helpcentre:article", args=["return-kit"]),
    "help-article-table": reverse("helpcentre:article", args=["excess-wear"]),
    "help-categories": reverse("helpcentre:categories"),
    "help-category": reverse("helpcentre:category", args=["returning"]),
}


def test_the_spanish_help_pages_pass_axe_and_fit_a_phone(chromium, live_server):
    help_articles()
    blocking, overflowing = [], []
    for width, options in (("phone", PHONE), ("desktop", DESKTOP)):
        context = chromium.new_context(**options, locale="es-US")
        page = context.new_page()
        try:
            for name, path in PAGES.items():
                assert page.goto(live_server.url + path).status == 200, name
                assert page.locator("html").get_attribute("lang") == "es", name
                blocking += [describe(name, width, v) for v in audit(page) if v["impact"] in BLOCKING]
                if width == "phone":
                    overflowing += phone_check(page, f"es-{name}")
        finally:
            context.close()
    assert not blocking, "axe found serious or critical violations:\n" + "\n".join(blocking)
    assert not overflowing, "pages scroll sideways on a phone:\n" + "\n".join(overflowing)


def test_suggestions_as_a_spanish_reader_types(chromium, live_server):
    help_articles()
    context = chromium.new_context(**PHONE, locale="es-US")
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("help"))
        page.get_by_label("Buscar en la ayuda").fill("matricula")
        first = page.locator("#help-suggest-list a").first
        first.wait_for()
        assert first.inner_text() == "Las placas al devolver un vehículo"
        assert "artículos sugeridos" in page.locator("#help-suggest-status").inner_text()
        page.screenshot(path="test-artifacts/help-es-suggestions.png")
    finally:
        context.close()
