"""Read the messages grapevyne.mail.ConsoleAndFileBackend wrote into a folder."""

import email
from email.message import Message
from pathlib import Path

# Django's file backend ends each message with a line of 79 dashes.
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def mails_in(folder: Path) -> list[Message]:
    """Every message written into the folder, oldest file first."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        for raw in path.read_bytes().split(MAIL_SEPARATOR):
            if raw.strip():
                messages.append(email.message_from_bytes(raw.lstrip()))
    return messages


def decoded(part: Message) -> str:
    """A non-multipart part's body, as text."""
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes), "a multipart part has no body of its own"
    return payload.decode()
