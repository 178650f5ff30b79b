"""Why a billing step was refused: str() says it in plain words."""

from __future__ import annotations


class BillingError(Exception):
    """A billing step that cannot be taken now; str() says why in plain words."""


class PaymentRefused(BillingError):
    """A payment that was not made; str() is shown on the form."""


class BuyoutQuoteOutdated(PaymentRefused):
    """The account has moved since the quote was given: its figures no longer add up to the balance."""
