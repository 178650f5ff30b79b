"""Authenticator secrets and recovery-code seeds are encrypted at rest and never shown in the admin;
sign-up costs one password hash whether or not the email has an account.

Issue 13: mfa_authenticator.data held the secrets in plain text (and the admin showed them); a
known email answered sign-up several times faster than a new one.
"""

from __future__ import annotations

import importlib
import json
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from tests.factories import PASSWORD, TOTP_SECRET, make_user
from tests.totp import totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def still_clock(time_machine):
    """Hold the process clock: allauth checks a code against time.time() with no tolerance, so a
    code computed just before a 30-second boundary would be refused just after it."""
    time_machine.move_to(time.time(), tick=False)


sealing = importlib.import_module("portal.migrations.0005_encrypt_authenticator_secrets")


def test_the_stored_totp_secret_is_not_the_secret_and_codes_still_verify(client):
    user = make_user("ops@example.com", is_staff=True)
    stored = Authenticator.objects.get(user=user, type="totp").data
    assert TOTP_SECRET not in json.dumps(stored)
    assert stored["secret"].startswith("fernet:")

    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": totp(TOTP_SECRET)}).status_code == 302
    assert client.get("/ops/").status_code == 200


def test_recovery_code_seeds_are_sealed_and_the_codes_still_work():
    user = make_user("ops@example.com", is_staff=True)
    codes = RecoveryCodes.activate(user)
    seed = Authenticator.objects.get(user=user, type="recovery_codes").data["seed"]
    assert seed.startswith("fernet:")
    first = codes.generate_codes()[0]
    assert RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes")).validate_code(first)


def test_the_admin_never_shows_an_authenticator_s_secret(client, staff):
    owner = make_user("ops2@example.com", is_staff=True)
    authenticator = Authenticator.objects.get(user=owner, type="totp")
    client.force_login(staff)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk])).content.decode()
    assert owner.email in page
    assert TOTP_SECRET not in page and authenticator.data["secret"] not in page and "fernet:" not in page


def test_the_data_migration_seals_plain_rows_once_and_can_undo_it():
    user = make_user("old@example.com")
    plain = {
        "totp": {"secret": TOTP_SECRET},
        "recovery_codes": {"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    }
    for kind, data in plain.items():
        Authenticator.objects.create(user=user, type=kind, data=data)

    sealing.seal_all(apps, None)
    once = {a.type: a.data for a in Authenticator.objects.filter(user=user)}
    assert once["totp"]["secret"].startswith("fernet:") and once["recovery_codes"]["seed"].startswith("fernet:")
    assert once["recovery_codes"]["migrated_codes"][0].startswith("fernet:")
    assert once["recovery_codes"]["used_mask"] == 0

    sealing.seal_all(apps, None)  # again: nothing changes
    assert {a.type: a.data for a in Authenticator.objects.filter(user=user)} == once

    sealing.unseal_all(apps, None)
    assert {a.type: a.data for a in Authenticator.objects.filter(user=user)} == plain


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.mark.parametrize("email", ["known@example.com", "new@example.com"])
def test_sign_up_hashes_one_password_for_known_and_new_emails(client, settings, mailoutbox, email):
    make_user("known@example.com")
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    response = client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD + "x", "password2": PASSWORD + "x"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert CountingHasher.calls == 1
    assert len(mailoutbox) == 1  # the verification email, or "you already have an account"


def test_after_a_key_rotation_reseal_moves_secrets_to_the_new_key(client, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old_key
    user = make_user("ops@example.com", is_staff=True)
    under_old = Authenticator.objects.get(user=user, type="totp").data["secret"]

    settings.FIELD_ENCRYPTION_KEY = new_key
    call_command("reseal_mfa_secrets", "--old-key", old_key)
    under_new = Authenticator.objects.get(user=user, type="totp").data["secret"]
    assert under_new != under_old and under_new.startswith("fernet:")
    call_command("reseal_mfa_secrets", "--old-key", old_key)  # again: nothing to do
    assert Authenticator.objects.get(user=user, type="totp").data["secret"] == under_new

    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": totp(TOTP_SECRET)})["Location"] == reverse("admin:index")
