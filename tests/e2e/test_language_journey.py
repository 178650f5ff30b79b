"""On a phone, a lessee switches to Spanish before signing in, signs in, and stays in Spanish; on a
desktop, one signs in in Spanish, asks for a quote and downloads its PDF with the rules in Spanish."""

import datetime as dt
import io
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from leases.models import OdometerReading
from portal.models import User
from quotes import rules
from quotes.models import Quote
from tests.e2e.conftest import ARTIFACTS
from tests.factories import PASSWORD, make_lease, make_lessee, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376)"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"
    )
    assert width <= 375, f"{page.url} is {width} px wide at 375 px: {wide}"


def test_a_lessee_switches_to_spanish_before_signing_in_on_a_phone(phone_page, live_server):
    page, base = phone_page, live_server.url
    user = make_user("lucia@example.com")
    make_lease(make_lessee(user))

    page.goto(base + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.shots("login-en")
    fits(page)
    page.get_by_role("button", name="Menu").click()
    page.locator("#nav.show").wait_for()  # the menu fully open (Bootstrap's collapse), then the switch
    with page.expect_navigation():
        page.get_by_role("button", name="Español").click()
    heading = page.get_by_role("heading", name="Iniciar sesión")
    try:
        heading.wait_for(timeout=30_000)
    except Exception as error:  # say where the switch led before failing
        page.shots("login-es-missing")
        raise AssertionError(f"after the switch: {page.url}, h1 {page.locator('h1').all_inner_texts()}") from error
    assert page.locator("html").get_attribute("lang") == "es"
    page.shots("login-es")
    fits(page)

    page.get_by_label("Correo electrónico").fill("lucia@example.com")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión", exact=True).click()
    page.wait_for_url("**/vehicles/")  # My Vehicles itself is worded in the next phase
    assert page.locator("html").get_attribute("lang") == "es"
    page.shots("my-vehicles-es")
    fits(page)
    assert User.objects.get(email="lucia@example.com").language == "es"

    page.get_by_role("button", name="Menú").click()
    page.get_by_role("button", name="Seguridad").click()
    page.shots("security-menu-es")
    page.get_by_role("link", name="Cambiar la contraseña").click()
    page.get_by_role("heading", name="Cambiar la contraseña").wait_for()
    page.shots("change-password-es")
    fits(page)


SPANISH_PAGES = {
    None: ["account_login", "account_signup", "account_reset_password", "account_email_verification_sent"],
    "owner": ["account_change_password", "account_email", "mfa_index"],
}


def test_the_account_pages_in_spanish_pass_axe_and_fit_a_phone(chromium, live_server):
    from django.urls import reverse

    from tests.e2e.test_accessibility import BLOCKING, DESKTOP, PHONE, audit, describe, phone_check, session_cookie

    owner = make_user("owner-es@example.com", language="es")
    blocking, overflowing = [], []
    for who, names in SPANISH_PAGES.items():
        for width, options in (("phone", PHONE), ("desktop", DESKTOP)):
            context = chromium.new_context(**options, locale="es-US")
            if who:
                context.add_cookies(session_cookie(owner, live_server.url))
            page = context.new_page()
            try:
                for name in names:
                    assert page.goto(live_server.url + reverse(name)).status == 200, name
                    assert page.locator("html").get_attribute("lang") == "es", name
                    blocking += [describe(name, width, v) for v in audit(page) if v["impact"] in BLOCKING]
                    if width == "phone":
                        overflowing += phone_check(page, f"es-{name}")
            finally:
                context.close()
    assert not blocking, "axe found serious or critical violations:\n" + "\n".join(blocking)
    assert not overflowing, "pages scroll sideways on a phone:\n" + "\n".join(overflowing)


def test_a_lessee_signs_in_in_spanish_asks_for_a_quote_and_downloads_its_pdf_in_spanish(
    page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    lease = make_lease(make_lessee(make_user("dana@example.com"), first_name="Dana"))
    OdometerReading.objects.create(
        lease=lease, reading_date=dt.date(2026, 11, 15), miles=40012, source=OdometerReading.Source.LESSEE
    )

    # The switch before signing in: the sign-in page, then the account, speak Spanish.
    page.goto(base + "/accounts/login/")
    page.get_by_role("button", name="Español").click()
    page.get_by_role("heading", name="Iniciar sesión").wait_for()
    page.get_by_label("Correo electrónico").fill("dana@example.com")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión", exact=True).click()
    page.get_by_role("heading", name="Mis vehículos").wait_for()
    assert User.objects.get(email="dana@example.com").language == "es"

    # The turn-in estimate of the worked example (41,012 miles on the end date), asked for in Spanish.
    page.get_by_role("link", name=lease.vehicle.description).click()
    page.get_by_role("link", name="Pedir una cotización").click()
    page.get_by_role("link", name="Pedir un estimado de devolución").click()
    page.get_by_label("Odómetro al devolver el vehículo (millas)").fill("41012")
    page.get_by_role("button", name="Obtener mi cotización").click()
    page.locator(".reference").wait_for()
    page.shots("quote-es")
    quote = Quote.objects.get()
    with translation.override("es"):
        spanish = [rules.line_rule(line) for line in quote.lines]
    english = [line["rule"] for line in quote.lines]
    assert page.locator(".quote-line-rule").first.inner_text() in spanish

    # Its PDF, saved as the lessee would (Chromium shows a PDF link in its viewer: Alt+click saves
    # it): every line's rule in Spanish, none in English.
    with page.expect_download() as download:
        page.get_by_role("link", name="Ver o imprimir (PDF)").click(modifiers=["Alt"])
    ARTIFACTS.mkdir(exist_ok=True)
    saved = ARTIFACTS / "quote-turn-in-es.pdf"
    download.value.save_as(saved)
    pdf = PdfReader(io.BytesIO(saved.read_bytes()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    shown = [rule for line, rule in zip(quote.lines, spanish, strict=True) if line["amount"] != "0.00"]
    assert shown and not set(shown) & set(english)  # the rules do read differently in Spanish
    assert all(rule in text for rule in shown), text
    assert [rule for rule in english if rule in text] == []
    assert "Estimado de devolución" in text and quote.reference in text
