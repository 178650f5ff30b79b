"""How a lessee cancels an online payment, in one sentence."""

from __future__ import annotations

from django.utils.translation import gettext

from portal.language import lessor_words


def cancel_sentence(*, first_person: bool) -> str:
    """How to cancel a payment, from the payments line's number and the lessor's hours (LESSOR):
    the one sentence the authorization and the receipt email both say, so it never names a time
    the line is closed."""
    lessor = lessor_words()
    words = dict(phone=lessor["payments_phone"], hours=lessor["hours"])
    if first_person:
        return (
            gettext("I can cancel this payment by calling %(phone)s the same day, while the line is open (%(hours)s).")
            % words
        )
    return gettext("To cancel it, call %(phone)s the same day, while the line is open (%(hours)s).") % words
