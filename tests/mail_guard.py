"""The test suite's mail backend: Django's locmem mailbox, refusing any message that
does not come through the outbox's sender (introductions.outbox.outbox_send)."""

import sys
from types import FrameType

from django.core.mail.backends.locmem import EmailBackend

from introductions import outbox


class SentOutsideTheOutbox(AssertionError):
    pass


def called_from_the_outbox() -> bool:
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code is outbox.outbox_send.__code__:
            return True
        frame = frame.f_back
    return False


class OutboxOnlyBackend(EmailBackend):
    def send_messages(self, messages):
        if not called_from_the_outbox():
            raise SentOutsideTheOutbox(
                "An email was sent without the outbox: "
                + ", ".join(repr(m.subject) for m in messages)
            )
        return super().send_messages(messages)
