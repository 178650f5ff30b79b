"""RFC 6238 codes, computed independently of allauth, to sign in like an authenticator app."""

import base64
import hashlib
import hmac
import struct
import time

PERIOD = 30  # allauth's MFA_TOTP_PERIOD, which the portal leaves at its default


def totp(secret: str, *, at: float | None = None, period: int = PERIOD, digits: int = 6) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def next_new_code_at(secret: str, after: float, period: int = PERIOD) -> float:
    """When an authenticator app next shows a code other than the one it shows at ``after``: the
    start of the next period, or of a later one on the rare draw where the codes coincide."""
    start = (int(after) // period + 1) * period
    while totp(secret, at=start, period=period) == totp(secret, at=after, period=period):
        start += period
    return start
