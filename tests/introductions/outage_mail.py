"""A provider that is down while a flag file exists, for the outage fault test.

Down, it answers every send with an API error, as anymail raises for a 5xx from
the provider; up, it is the durable file backend of the crash test (each accepted
message in its own fsynced file).
"""

import os
from pathlib import Path

from anymail.exceptions import AnymailAPIError

from .durable_mail import DurableSlowFileBackend


class OutageBackend(DurableSlowFileBackend):
    def send_messages(self, email_messages) -> int:
        if Path(os.environ["FAULT_PROVIDER_DOWN_FLAG"]).exists():
            raise AnymailAPIError("Provider API response 503: Service Unavailable")
        return super().send_messages(email_messages)
