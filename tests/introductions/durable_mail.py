"""A mail backend for the fault test: every message survives a SIGKILL of the sender.

Each message lands in its own file under DEV_MAIL_DIR, written to a temporary name,
fsynced and renamed, so a file exists exactly when the "server" accepted the message.
The sleeps stand for the network: one before the hand-over, one for the reply still
travelling back, which is the window where a crash makes a resend unavoidable.
"""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class DurableSlowFileBackend(BaseEmailBackend):
    def __init__(self, *, alias: str | None = None, **kwargs) -> None:
        super().__init__(alias=alias, **kwargs)
        self.directory = Path(settings.DEV_MAIL_DIR)
        self.before = float(os.environ.get("FAULT_MAIL_LATENCY_BEFORE", "0.02"))
        self.after = float(os.environ.get("FAULT_MAIL_LATENCY_AFTER", "0.1"))

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            time.sleep(self.before)
            name = uuid.uuid4().hex
            partial = self.directory / f".{name}.tmp"
            with partial.open("wb") as handle:
                handle.write(message.message().as_bytes())
                handle.flush()
                os.fsync(handle.fileno())
            partial.rename(self.directory / f"{name}.eml")
            time.sleep(self.after)
        return len(email_messages)
