"""Codes from a staff member's authenticator app, for the admin's second step."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

# A code read in the last seconds of its period may reach the server in the next
# one, where allauth (no tolerance) refuses it; a person would wait for a fresh one.
FRESH_FOR_AT_LEAST = 5


def totp_code(secret: str) -> str:
    """The code a staff member's authenticator app shows now, a few seconds left."""
    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < FRESH_FOR_AT_LEAST:
        time.sleep(left + 0.05)
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))
