"""Encryption at rest for bank account numbers (Fernet: AES-128-CBC with an HMAC).

The key is settings.FIELD_ENCRYPTION_KEY; without one it is derived from SECRET_KEY, which is
fine for a laptop but ties the stored numbers to that SECRET_KEY.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str, secret_key: str) -> Fernet:
    if key:
        return Fernet(key.encode())
    derived = hashlib.sha256(b"leases.fieldcrypt:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _box() -> Fernet:
    return _fernet(settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    return _box().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _box().decrypt(token.encode()).decode()
