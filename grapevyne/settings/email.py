"""Email. Every message goes through the outbox (introductions/outbox/), which
hands it to the backend named by EMAIL_BACKEND:

- "dev" (the default with DEBUG): printed, and written under DEV_MAIL_DIR so that a
  person (or a browser test) can open the links in it;
- "postmark" (the documented production default, through django-anymail):
  POSTMARK_SERVER_TOKEN; its tracking webhook reports deliveries and bounces;
- "smtp" (the default without DEBUG): EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
  EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_TIMEOUT;
- any other value is a backend's dotted path, e.g. another anymail provider's
  "anymail.backends.amazon_ses.EmailBackend" with its settings in ANYMAIL.
"""

from email.utils import parseaddr
from pathlib import Path

from .base import BASE_DIR, DEBUG
from .environment import env

DEV_MAIL_DIR = Path(env.str("DEV_MAIL_DIR", default=str(BASE_DIR / "var" / "mail")))
EMAIL_BACKEND_NAME = env.str("EMAIL_BACKEND", default="dev" if DEBUG else "smtp")
if EMAIL_BACKEND_NAME == "dev":
    MAILERS = {
        "default": {
            "BACKEND": "grapevyne.mail.ConsoleAndFileBackend",
            "OPTIONS": {"file_path": str(DEV_MAIL_DIR)},
        }
    }
elif EMAIL_BACKEND_NAME == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("EMAIL_HOST", default="localhost"),
                "port": env.int("EMAIL_PORT", default=587),
                "username": env.str("EMAIL_HOST_USER", default=""),
                "password": env.str("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env.bool("EMAIL_USE_TLS", default=True),
                "timeout": env.int("EMAIL_TIMEOUT", default=20),
            },
        }
    }
elif EMAIL_BACKEND_NAME == "postmark":
    MAILERS = {"default": {"BACKEND": "anymail.backends.postmark.EmailBackend"}}
else:
    MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_NAME}}
# anymail: the provider's credentials, and the webhook's shared secret. The tracking
# webhook is /anymail/<provider>/tracking/; the provider must call it with HTTP basic
# auth "user:password" = WEBHOOK_SECRET (anymail refuses any other request).
ANYMAIL = {
    "POSTMARK_SERVER_TOKEN": env.str("POSTMARK_SERVER_TOKEN", default=""),
    "WEBHOOK_SECRET": env.str("WEBHOOK_SECRET", default=""),
}
# The soft bounces of one email (mailbox full, server down) before it counts as a
# hard bounce and the address is suppressed; each is retried after 15 min, 30 min, ...
OUTBOX_SOFT_BOUNCE_LIMIT = env.int("OUTBOX_SOFT_BOUNCE_LIMIT", default=3)
# The first retry of a failed send waits this long, each next one twice as long
# (capped at an hour).
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Grapevyne <hello@grapevyne.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The sender's postal address and contact at the foot of every email (CAN-SPAM asks
# for a physical address; mailbox providers trust senders who say who they are).
# Production sets the real one; the default names only the sending address.
MAIL_FOOTER_CONTACT = (
    env.str("MAIL_FOOTER_CONTACT", default="")
    or f"Grapevyne · {parseaddr(DEFAULT_FROM_EMAIL)[1]}"
)
# Where members write to us, and report abuse: on the contact page and in every email.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default=parseaddr(DEFAULT_FROM_EMAIL)[1])
