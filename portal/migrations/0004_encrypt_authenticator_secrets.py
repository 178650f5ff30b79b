"""Encrypt the TOTP secrets and recovery-code seeds allauth stored in plain text.

Idempotent: values already sealed (``fernet:…``) are left alone, so running it again, or on rows
written by the new code, changes nothing. Reversible: backwards unseals them with the current
FIELD_ENCRYPTION_KEY (needed only to go back to code that reads plain secrets).
"""

from django.db import migrations

FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}


def _each_secret(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=FIELDS).order_by("pk").iterator():
        data = dict(authenticator.data)
        for field in FIELDS[authenticator.type]:
            if isinstance(data.get(field), str):
                data[field] = change(data[field])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def seal_all(apps, schema_editor):
    from portal.adapter import seal

    _each_secret(apps, seal)


def unseal_all(apps, schema_editor):
    from portal.adapter import is_sealed, unseal

    _each_secret(apps, lambda value: unseal(value) if is_sealed(value) else value)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_attempt_counter"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(seal_all, unseal_all)]
