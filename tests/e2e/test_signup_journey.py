"""Sign up, verify the email, link a lease, turn on TOTP, sign out, sign in with a code."""

import re
import time

import pytest
from django.core import mail

from tests.factories import make_lease, make_lessee
from tests.totp import next_new_code_at, totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def test_new_lessee_signs_up_links_a_lease_and_signs_in_with_two_factor(page, live_server, time_machine):
    lease = make_lease(make_lessee(None, zip_code="06103", email="riley@example.com"))
    base = live_server.url

    page.goto(base + "/")
    page.shots("home")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("Email").fill("riley@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.shots("signup")
    page.get_by_role("button", name="Create an account").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    page.shots("verify-sent")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(base + "/" + link.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="My Vehicles").wait_for()
    page.shots("my-vehicles-empty")

    page.get_by_role("link", name="Link a lease").click()
    page.get_by_label("Lease account number").fill(lease.account_number)
    page.get_by_label("Last six characters of the VIN").fill(lease.vehicle.vin[-6:])
    page.get_by_label("Billing ZIP code").fill("06103")
    page.get_by_role("button", name="Link this lease").click()
    page.get_by_role("heading", name=lease.vehicle.description).wait_for()
    page.shots("linked")

    page.get_by_role("button", name="Security").click()  # a menu: password, email addresses, two-factor
    page.get_by_role("link", name="Two-factor authentication").click()
    page.shots("security")
    page.get_by_role("link", name="Activate").click()
    if page.get_by_role("heading", name="Confirm Access").is_visible():
        page.locator("#id_password").fill(PASSWORD)  # allauth asks for the password again first
        page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    # allauth checks a code against time.time() with no tolerance (MFA_TOTP_TOLERANCE is 0), in the
    # live server's thread of this process. So the test holds the process clock still instead of
    # racing it: one period for activating, then the next period with a new code for signing in,
    # as an authenticator app would show it half a minute later. No sleep, and no boundary to cross
    # between computing a code and the server checking it.
    activated_at = time.time()
    time_machine.move_to(activated_at, tick=False)
    activation_code = totp(secret)
    page.get_by_label("Authenticator code").fill(activation_code)
    page.shots("totp-activate")
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("heading", name="Recovery Codes").wait_for()
    page.shots("recovery-codes")

    page.get_by_role("button", name="Sign out").click()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("riley@example.com")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.locator("#id_code").wait_for()

    time_machine.move_to(next_new_code_at(secret, activated_at) + 1, tick=False)
    # The code that turned two-factor on belongs to an earlier period now: refused.
    page.locator("#id_code").fill(activation_code)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("Incorrect code.").wait_for()
    second_code = totp(secret)
    assert second_code != activation_code
    page.locator("#id_code").fill(second_code)
    page.shots("two-factor")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My Vehicles").wait_for()
    assert lease.account_number in page.content()
    page.shots("signed-in")
