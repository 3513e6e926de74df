"""Postmark's tracking webhook bodies, as Postmark posts them.

Copied from the sample events in django-anymail's own test suite
(tests/test_postmark_webhooks.py), which reproduce Postmark's documented payloads;
the soft bounce is the bounce sample with Postmark's SoftBounce type (TypeCode 4096,
from Postmark's list of bounce types). Tests swap in their own recipient and
message id with `event(...)`.
"""

import copy

HARD_BOUNCE = {
    "RecordType": "Bounce",
    "ID": 901542550,
    "Type": "HardBounce",
    "TypeCode": 1,
    "ServerID": 23,
    "Name": "Hard bounce",
    "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed",
    "Description": "The server was unable to deliver your message (ex: unknown "
    "user, mailbox not found).",
    "Details": "smtp;550 5.1.1 The email account that you tried to reach does not "
    "exist.",
    "Email": "bounce@example.com",
    "From": "sender@example.com",
    "BouncedAt": "2016-04-27T16:28:50.3963933-04:00",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": True,
    "Subject": "Postmark event test",
    "Content": "...",
}

SOFT_BOUNCE = HARD_BOUNCE | {
    "Type": "SoftBounce",
    "TypeCode": 4096,
    "Name": "Soft bounce",
    "Description": "Unable to temporarily deliver this email.",
    "Details": "smtp;452 4.2.2 Mailbox full",
    "Inactive": False,
}

DELIVERY = {
    "RecordType": "Delivery",
    "ServerId": 23,
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Recipient": "recipient@example.com",
    "Tag": "welcome-email",
    "Metadata": {"cohort": "2014-08-A", "userid": "12345"},
    "DeliveredAt": "2014-08-01T13:28:10.2735393-04:00",
    "Details": "Test delivery webhook details",
}

SPAM_COMPLAINT = {
    "RecordType": "SpamComplaint",
    "ID": 901542550,
    "Type": "SpamComplaint",
    "TypeCode": 512,
    "Name": "Spam complaint",
    "Tag": "Test",
    "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed",
    "ServerID": 1234,
    "Description": "",
    "Details": "Test spam complaint details",
    "Email": "spam@example.com",
    "From": "sender@example.com",
    "BouncedAt": "2016-04-27T16:28:50.3963933-04:00",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": False,
    "Subject": "Postmark event test",
}


def event(sample: dict, *, to: str, message_id: str, **changes) -> dict:
    """The sample, about our message to `to` (bounce events say "Email", the others
    "Recipient")."""
    body = copy.deepcopy(sample)
    body["MessageID"] = message_id
    body["Email" if "Email" in body else "Recipient"] = to
    return body | changes
