import pytest
from django.core.exceptions import ValidationError

from profiles.validators import npi_is_valid, validate_npi


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_it_accepts_npis_with_the_right_check_digit(npi):
    assert npi_is_valid(npi)
    validate_npi(npi)


@pytest.mark.parametrize("npi", ["1234567890", "1245319598", "0000000001"])
def test_it_rejects_a_wrong_check_digit(npi):
    assert not npi_is_valid(npi)
    with pytest.raises(ValidationError, match="check digit"):
        validate_npi(npi)


@pytest.mark.parametrize(
    "npi", ["123456789", "12345678931", "12345678a3", "１２３４５６７８９３"]
)
def test_it_rejects_anything_but_ten_ascii_digits(npi):
    with pytest.raises(ValidationError, match="exactly 10 digits"):
        validate_npi(npi)
