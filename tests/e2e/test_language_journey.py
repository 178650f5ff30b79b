"""On a phone, a lessee switches to Spanish before signing in, signs in, and stays in Spanish."""

import pytest

from portal.models import User
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
    page.get_by_role("button", name="Español").click()
    page.get_by_role("heading", name="Iniciar sesión").wait_for()
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
