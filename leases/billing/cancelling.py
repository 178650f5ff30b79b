"""How a lessee cancels an online payment, in one sentence."""

from __future__ import annotations

from django.conf import settings


def cancel_sentence(*, first_person: bool) -> str:
    """How to cancel a payment, from the payments line's number and the lessor's hours (LESSOR):
    the one sentence the authorization and the receipt email both say, so it never names a time
    the line is closed."""
    lessor = settings.LESSOR
    who = "I can cancel this payment" if first_person else "To cancel it,"
    call = "by calling" if first_person else "call"
    return f"{who} {call} {lessor['payments_phone']} the same day, while the line is open ({lessor['hours']})."
