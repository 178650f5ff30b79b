"""Response headers on every page, and the cookie and transport settings production runs with.

Every page in the access table is fetched as a persona it answers 200 to; a page added to the
table is covered here without further work.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from tests.portal.test_access import ACCESS
from tests.portal.test_settings import PRODUCTION, run_manage
from tests.world import PERSONAS, client_for

pytestmark = pytest.mark.django_db


def pages(world) -> list[tuple[str, str, str]]:
    """(url name, url, persona) for every page, as the first persona that gets a 200."""
    found = []
    for name, rule in sorted(ACCESS.items()):
        persona = next((p for p in PERSONAS if rule.get[p] == 200), None)
        if persona is not None:
            found.append((name, reverse(name, args=rule.args(world)), persona))
    return found


def test_every_page_sends_csp_nosniff_and_a_referrer_policy_and_account_pages_are_not_stored(world):
    clients = {persona: client_for(world, persona) for persona in PERSONAS}
    problems = []
    checked = 0
    for name, url, persona in pages(world):
        response = clients[persona].get(url)
        assert response.status_code == 200, f"{name} as {persona}: {response.status_code}"
        checked += 1
        csp = response.get("Content-Security-Policy", "")
        if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp:
            problems.append(f"{name}: Content-Security-Policy {csp!r}")
        if response.get("X-Content-Type-Options") != "nosniff":
            problems.append(f"{name}: X-Content-Type-Options {response.get('X-Content-Type-Options')!r}")
        if response.get("Referrer-Policy") != "same-origin":
            problems.append(f"{name}: Referrer-Policy {response.get('Referrer-Policy')!r}")
        if persona != "anonymous" and "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{name} as {persona}: Cache-Control {response.get('Cache-Control')!r}")
    assert checked >= 25
    assert not problems, "\n".join(problems)


def test_the_sign_in_and_sign_up_pages_send_the_same_headers(client):
    for url in (reverse("account_login"), reverse("account_signup")):
        response = client.get(url)
        assert response.status_code == 200
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.fixture(scope="module")
def production_settings() -> dict:
    """The security settings as the settings module computes them from a production environment."""
    names = [
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
    ]  # fmt: skip
    code = (
        f"import json; from django.conf import settings as s; print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    )
    result = run_manage("shell", "-v0", "-c", code, extra_env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_session_cookie_is_secure_http_only_and_same_site(client, production_settings):
    make_user("cookie@example.com")
    with override_settings(**production_settings, ALLOWED_HOSTS=["testserver"]):
        response = client.post(
            reverse("account_login"), {"login": "cookie@example.com", "password": PASSWORD}, secure=True
        )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_production_sends_hsts_over_https_and_redirects_plain_http(client, production_settings):
    assert production_settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    with override_settings(**production_settings, ALLOWED_HOSTS=["testserver"]):
        secure = client.get(reverse("help"), secure=True)
        plain = client.get(reverse("help"))
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")


def test_no_page_has_a_style_attribute_the_csp_would_block(world):
    """style-src 'self' ignores style="" attributes: a page's look comes from classes in static/css."""
    clients = {persona: client_for(world, persona) for persona in PERSONAS}
    problems = []
    for name, url, persona in pages(world):
        response = clients[persona].get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            problems += [f"{name}: {found}" for found in re.findall(r"<[^>]*\sstyle=[^>]*>", response.content.decode())]
    assert not problems, "\n".join(problems)
