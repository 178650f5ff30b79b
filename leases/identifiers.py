"""Check-digit identifiers: vehicle identification numbers and lease account numbers."""

import secrets

from django.core.exceptions import ValidationError
from stdnum import luhn

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
ACCOUNT_NUMBER_LENGTH = 10


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def validate_vin(value: str) -> None:
    vin = (value or "").upper()
    if len(vin) != 17:
        raise ValidationError("A VIN has exactly 17 characters.", code="vin_length")
    bad = sorted({c for c in vin if c not in _VIN_VALUES})
    if bad:
        raise ValidationError(
            "A VIN uses digits and capital letters other than I, O and Q (found %(bad)s).",
            params={"bad": ", ".join(bad)},
            code="vin_characters",
        )
    if vin[8] != vin_check_digit(vin):
        raise ValidationError("This VIN's check digit does not match: please check it for typos.", code="vin_check")


def with_vin_check_digit(vin16: str) -> str:
    """Make a valid VIN from 17 characters whose 9th is a placeholder (demo data)."""
    vin = vin16.upper()
    return vin[:8] + vin_check_digit(vin[:8] + "0" + vin[9:]) + vin[9:]


def validate_account_number(value: str) -> None:
    if not (value.isdigit() and len(value) == ACCOUNT_NUMBER_LENGTH and luhn.is_valid(value)):
        raise ValidationError("That is not a valid account number.", code="account_number")


def new_account_number() -> str:
    base = str(secrets.randbelow(9 * 10 ** (ACCOUNT_NUMBER_LENGTH - 2)) + 10 ** (ACCOUNT_NUMBER_LENGTH - 2))
    return base + luhn.calc_check_digit(base)
