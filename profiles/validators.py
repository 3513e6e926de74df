from django.core.exceptions import ValidationError
from django.utils import timezone

# NPPES: the NPI check digit is the Luhn digit of the 9-digit base prefixed with the
# ISO card-issuer code 80840, which contributes a constant 24 to the Luhn sum.
NPI_PREFIX = "80840"


def npi_is_valid(value: str) -> bool:
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return False
    digits = [int(ch) for ch in NPI_PREFIX + value]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_npi(value: str) -> None:
    if not value:
        return
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        raise ValidationError(
            "An NPI is exactly 10 digits.", code="npi_format", params={"value": value}
        )
    if not npi_is_valid(value):
        raise ValidationError(
            "This is not a valid NPI: its check digit does not match. Please check "
            "the number on your NPPES record.",
            code="npi_checksum",
        )


def validate_pause_end(value) -> None:
    """A pause ends on a future date, or not at all (None)."""
    if value is not None and value <= timezone.localdate():
        raise ValidationError(
            "Pick a date in the future, or leave it empty.", code="pause_end_past"
        )
