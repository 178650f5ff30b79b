"""Re-encrypt authenticator secrets under the current FIELD_ENCRYPTION_KEY after a key rotation.

Deploy with the new key, then run this with the key the secrets were sealed with. Secrets that
the current key already opens are left alone, so it is safe to run again or to stop half way.
"""

from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from leases.billing import fieldcrypt
from portal.adapter import SEALED, is_sealed, seal, secrets_change, unseal


class Command(BaseCommand):
    help = "Re-encrypt TOTP secrets and recovery-code seeds sealed with an earlier FIELD_ENCRYPTION_KEY."

    def add_arguments(self, parser) -> None:
        old = parser.add_mutually_exclusive_group(required=True)
        old.add_argument("--old-key", help="the FIELD_ENCRYPTION_KEY the secrets were sealed with")
        old.add_argument("--old-secret-key", help="the SECRET_KEY, when no FIELD_ENCRYPTION_KEY was set")

    def handle(self, *args, old_key: str | None, old_secret_key: str | None, **options) -> None:
        old_box = fieldcrypt._fernet(old_key or "", old_secret_key or settings.SECRET_KEY)

        def reseal(stored: str) -> str:
            if not is_sealed(stored):
                return seal(stored)
            try:
                unseal(stored)
                return stored  # already under the current key
            except InvalidToken:
                pass
            try:
                plain = old_box.decrypt(stored.removeprefix(SEALED).encode()).decode()
            except InvalidToken as error:
                raise CommandError("a secret opens with neither the current key nor the old one") from error
            return seal(plain)

        changed = secrets_change(Authenticator, reseal)
        self.stdout.write(f"Re-sealed the secrets of {changed} authenticator(s).")
