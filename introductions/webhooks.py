"""anymail's tracking webhook, received: one event at a time onto the outbox.

anymail authenticates the request before this runs (basic auth with WEBHOOK_SECRET,
plus the provider's signature where it has one) and answers 400 to a forged one.
"""

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import AnymailTrackingEvent
from django.conf import settings

from . import outbox


def on_tracking_event(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs):
    # Without a secret anymail only warns and lets every request in; a forged
    # "bounce" would then pause any member. Refuse instead (anymail answers 400).
    if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
        raise AnymailWebhookValidationFailure(
            "WEBHOOK_SECRET is not set: tracking webhooks are refused."
        )
    outbox.delivery_record(event=event)
