"""Dollars as the portal shows them: "$1,723.13", a credit as "−$500.00".

Formatting only: the amount goes through the engine's money(), the one rounding function, so
a figure that is already in cents is shown as it is and a float is refused.
"""

from decimal import Decimal

from quotes.engine import money

MINUS = "\u2212"  # a real minus sign: a hyphen is easy to miss in front of a dollar sign


def usd(value: Decimal | int | str) -> str:
    amount = money(value)
    text = f"${abs(amount):,.2f}"
    return f"{MINUS}{text}" if amount < 0 else text
