import pytest
from django.core.exceptions import ValidationError

from leases.identifiers import new_account_number, validate_account_number, validate_vin, vin_check_digit


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP042788", "1HGCM82633A004352", "11111111111111111"])
def test_real_vins_pass(vin):
    validate_vin(vin)


def test_check_digit_of_a_known_vin_is_x():
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"


@pytest.mark.parametrize(
    ("vin", "code"),
    [
        ("1HGCM82633A00435", "vin_length"),
        ("1HGCM82633A0043522", "vin_length"),
        ("1HGCM82643A004352", "vin_check"),
        ("1HGCM8263OA004352", "vin_characters"),
    ],
)
def test_bad_vins_are_refused_with_a_reason(vin, code):
    with pytest.raises(ValidationError) as info:
        validate_vin(vin)
    assert info.value.code == code


def test_new_account_numbers_carry_a_valid_check_digit():
    for _ in range(50):
        number = new_account_number()
        assert len(number) == 10
        validate_account_number(number)


def test_account_number_with_a_wrong_check_digit_is_refused():
    number = new_account_number()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError):
        validate_account_number(wrong)
