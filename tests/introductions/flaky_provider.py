"""anymail's test backend, behind a provider that fails or refuses on demand."""

from anymail.backends.test import EmailBackend
from anymail.exceptions import AnymailAPIError
from anymail.message import AnymailRecipientStatus


class FlakyProviderBackend(EmailBackend):
    """The provider's API answers 503 to the first `failures_left` sends."""

    failures_left = 0

    def post_to_esp(self, payload, message):
        if FlakyProviderBackend.failures_left > 0:
            FlakyProviderBackend.failures_left -= 1
            raise AnymailAPIError("Postmark API response 503: Service Unavailable")
        return super().post_to_esp(payload, message)


class RefusingProviderBackend(EmailBackend):
    """The provider refuses the recipient (Postmark's "inactive recipient")."""

    def post_to_esp(self, payload, message):
        super().post_to_esp(payload, message)
        status = AnymailRecipientStatus(message_id=None, status="rejected")
        return {"recipient_status": dict.fromkeys(payload.recipient_emails, status)}
