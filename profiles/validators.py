import unicodedata
from datetime import date

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


def validate_pause_end(value: date | None) -> None:
    """A pause ends on a future date, or not at all (None)."""
    if value is not None and value <= timezone.localdate():
        raise ValidationError(
            "Pick a date in the future, or leave it empty.", code="pause_end_past"
        )


# Direction overrides and isolates (U+202A-U+202E, U+2066-U+2069) make a name read
# backwards or swallow what follows it on the page.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible, and no script needs them inside a name: zero-width space, word joiner,
# byte order mark, Mongolian vowel separator, soft hyphen. (The zero-width joiner
# and non-joiner stay: Persian and Indic names need them.)
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u180e\u00ad"))
# Letters by Unicode's count that show nothing: the Hangul fillers.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def normalise_text(value: str) -> str:
    """A name or place as we store it: NFKC (so full-width and compatibility forms
    read as what they look like), invisible characters dropped, whitespace
    collapsed."""
    # Dropped first: removed after, they could leave a letter and a combining mark
    # side by side that NFKC would have composed.
    value = unicodedata.normalize("NFKC", value.translate(INVISIBLE))
    return " ".join(value.split())


def _has_visible_letter(value: str) -> bool:
    return any(
        unicodedata.category(ch).startswith("L") and ch not in BLANK_LETTERS
        for ch in value
    )


def validate_visible_text(value: str, *, what: str = "This") -> None:
    """Refuse text that would display as nothing, or reversed: it needs a visible
    letter, and no direction overrides or control characters."""
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValidationError(
            f"{what} contains characters that change the direction of the text. "
            "Please type it plainly.",
            code="bidi_control",
        )
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(
            f"{what} contains control characters. Please type it plainly.",
            code="control_character",
        )
    if not _has_visible_letter(value):
        raise ValidationError(
            f"{what} needs at least one visible letter.", code="no_visible_letter"
        )
