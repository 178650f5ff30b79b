"""Encrypt the TOTP secrets and recovery-code seeds allauth stored in plain text.

Idempotent: values already sealed (``fernet:…``) are left alone, so running it again, or on rows
written by the new code, changes nothing. Reversible: backwards unseals them with the current
FIELD_ENCRYPTION_KEY (needed only to go back to code that reads plain secrets).
"""

from django.db import migrations


def seal_all(apps, schema_editor):
    from portal.adapter import seal, secrets_change

    secrets_change(apps.get_model("mfa", "Authenticator"), seal)


def unseal_all(apps, schema_editor):
    from portal.adapter import is_sealed, secrets_change, unseal

    secrets_change(apps.get_model("mfa", "Authenticator"), lambda value: unseal(value) if is_sealed(value) else value)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_attempt_counter"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(seal_all, unseal_all)]
